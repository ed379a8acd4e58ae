import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random base62 string; 24 characters carry ~143 bits. */
export function randomId(length = 24): string {
  const bytes = randomBytes(length);
  let id = '';
  for (let index = 0; index < length; index++) id += ALPHABET[bytes[index]! % ALPHABET.length];
  return id;
}

/** An OpenAI-style completion id. */
export function completionId(): string {
  return `chatcmpl-${randomId()}`;
}
