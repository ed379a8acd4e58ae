import { randomFillSync } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
// 62 × 4 = 248: bytes at or above it are skipped so every character is equally likely.
const UNBIASED_LIMIT = 248;

/**
 * Random bytes drawn from the OS in 4 KiB batches: ids are made on every request, and one
 * `randomBytes` call per id showed up in profiles.
 */
const pool = Buffer.alloc(4096);
let offset = pool.length;

function nextByte(): number {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  return pool[offset++]!;
}

/** A random base62 string; 24 characters carry ~143 bits. */
export function randomId(length = 24): string {
  let id = '';
  while (id.length < length) {
    const byte = nextByte();
    if (byte < UNBIASED_LIMIT) id += ALPHABET[byte % 62];
  }
  return id;
}

/** An OpenAI-style completion id. */
export function completionId(): string {
  return `chatcmpl-${randomId()}`;
}

/** An Anthropic-style message id. */
export function messageId(): string {
  return `msg_${randomId()}`;
}

/** An OpenAI-style Responses API id: `resp_`, `msg_` (an output message) or `fc_` (a function call item). */
export function responseItemId(prefix: 'resp' | 'msg' | 'fc'): string {
  return `${prefix}_${randomId()}`;
}
