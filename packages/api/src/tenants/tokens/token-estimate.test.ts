import { afterAll, describe, expect, it } from 'vitest';
import { countPromptTokens } from '@llm-gateway/backends';
import { parseChatRequest } from '@llm-gateway/shared';
import { countTextTokens } from './count-text-tokens.ts';
import { createTokenCountPool } from './token-count-pool.ts';
import { createPromptTokenCounter, promptSize, promptTexts, promptTokenUpperBound } from './token-estimate.ts';

const request = (body: Record<string, unknown>) => parseChatRequest({ model: 'claude-sonnet', ...body }).request;

/** Varied words, so the tokenizer's merge cache does not flatter it. */
function prose(chars: number, seed = 7): string {
  let state = seed;
  const random = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const words: string[] = [];
  let length = 0;
  while (length < chars) {
    let word = '';
    for (let index = 2 + Math.floor(random() * 8); index > 0; index--) word += String.fromCharCode(97 + Math.floor(random() * 26));
    words.push(word);
    length += word.length + 1;
  }
  return words.join(' ').slice(0, chars);
}

describe('prompt token estimates', () => {
  const pool = createTokenCountPool({ threads: 1 });
  afterAll(() => pool.close());

  it('counts as the mock backend reports usage', async () => {
    const chat = request({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'What is ' }, { type: 'text', text: 'the weather?' }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
      ],
    });
    const size = promptSize(chat);
    expect(size.messages).toBe(4);
    expect(size.chars).toBe(promptTexts(chat).join('').length);
    expect(await createPromptTokenCounter()(chat)).toBe(countPromptTokens(chat));
  });

  it('counts each image at about what Claude charges for a large one, whatever its detail, in the estimate and its bound', async () => {
    const text = request({ messages: [{ role: 'user', content: 'Describe these.' }] });
    const images = request({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Describe these.' },
            { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' } },
          ],
        },
      ],
    });
    expect(promptSize(images)).toMatchObject({ chars: promptSize(text).chars, imageTokens: 3_200 });
    const count = createPromptTokenCounter();
    expect((await count(images)) - (await count(text))).toBe(3_200);
    expect(promptTokenUpperBound(promptSize(images)) - promptTokenUpperBound(promptSize(text))).toBe(3_200);
  });

  it('bounds the count from above without a tokenizer', () => {
    for (const text of ['hello world', '日本語のテキスト', '😀😀😀', ' '.repeat(100), prose(5_000)]) {
      const chat = request({ messages: [{ role: 'user', content: text }] });
      expect(promptTokenUpperBound(promptSize(chat))).toBeGreaterThanOrEqual(7 + countTextTokens(promptTexts(chat)));
    }
  });

  it('counts special-token text as plain text instead of failing', () => {
    expect(countTextTokens(['a <|endoftext|> b'])).toBeGreaterThan(3);
  });

  it('counts a large prompt on a worker with the same result, while the event loop keeps turning', async () => {
    const large = request({ messages: [{ role: 'user', content: prose(400_000) }] });
    const counter = createPromptTokenCounter({ pool, inlineMaxChars: 16_384 });
    await counter(request({ messages: [{ role: 'user', content: prose(20_000) }] })); // starts the worker
    let turns = 0;
    let counting = true;
    const spin = () => {
      turns += 1;
      if (counting) setImmediate(spin);
    };
    setImmediate(spin);
    const pooled = await counter(large);
    counting = false;
    expect(pooled).toBe(7 + countTextTokens(promptTexts(large)));
    expect(pooled).toBeGreaterThan(100_000);
    // Inline, the loop could not turn at all until the count was done.
    expect(turns).toBeGreaterThan(10);
  });

  it('fails counts after close', async () => {
    const closed = createTokenCountPool({ threads: 1 });
    await closed.close();
    await expect(closed.count(['x'])).rejects.toThrow(/closed/);
  });
});
