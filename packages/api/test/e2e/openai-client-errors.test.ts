import OpenAI, { AuthenticationError, BadRequestError, NotFoundError, RateLimitError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEYS, KEYS } from '../tenants/tenant-helpers.ts';
import { serveGateway, type ServedGateway } from '../helpers/served-gateway.ts';

/** What the official client hands a tenant's code on each refusal: its error class and OpenAI's body. */
async function refusal(request: Promise<unknown>): Promise<{ kind: string; status: number | undefined; error: unknown }> {
  try {
    await request;
  } catch (error) {
    if (error instanceof OpenAI.APIError) return { kind: error.constructor.name, status: error.status, error: error.error };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('OpenAI error bodies through the official client', () => {
  let served: ServedGateway;
  let client: OpenAI;

  beforeAll(async () => {
    served = await serveGateway({ LLM_API_KEYS: API_KEYS, LLM_TENANT_LIMITS: 'beta:rpm=1,gamma:tpm=60' }, { apiKey: KEYS.alpha });
    client = served.client;
  });
  afterAll(async () => {
    await served?.close();
  });

  const hello = [{ role: 'user' as const, content: 'Hello!' }];

  it('a missing required field: BadRequestError, missing_required_parameter', async () => {
    const request = client.chat.completions.create({ model: 'claude-sonnet' } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
    await expect(request).rejects.toBeInstanceOf(BadRequestError);
    expect(await refusal(request)).toEqual({
      kind: 'BadRequestError',
      status: 400,
      error: { message: "Missing required parameter: 'messages'.", type: 'invalid_request_error', param: 'messages', code: 'missing_required_parameter' },
    });
  });

  it('a field of the wrong type: invalid_type, saying what was expected and what came', async () => {
    const request = client.chat.completions.create({ model: 'claude-sonnet', messages: 'Hello!' } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(await refusal(request)).toEqual({
      kind: 'BadRequestError',
      status: 400,
      error: { message: "Invalid type for 'messages': expected an array of objects, but got a string instead.", type: 'invalid_request_error', param: 'messages', code: 'invalid_type' },
    });
  });

  it('an unknown model: NotFoundError, model_not_found', async () => {
    const request = client.chat.completions.create({ model: 'gpt-17', messages: hello });
    await expect(request).rejects.toBeInstanceOf(NotFoundError);
    expect((await refusal(request)).error).toEqual({
      message: 'The model `gpt-17` does not exist or you do not have access to it.',
      type: 'invalid_request_error',
      param: null,
      code: 'model_not_found',
    });
  });

  it('an unknown route: NotFoundError, "Invalid URL" and no code', async () => {
    expect(await refusal(client.post('/completions', { body: { model: 'claude-sonnet', prompt: 'x' } }))).toEqual({
      kind: 'NotFoundError',
      status: 404,
      error: { message: 'Invalid URL (POST /v1/completions)', type: 'invalid_request_error', param: null, code: null },
    });
  });

  it('a wrong key: AuthenticationError, invalid_api_key, the key not echoed', async () => {
    const stranger = new OpenAI({ baseURL: `${served.url}/v1`, apiKey: 'sk-not-a-tenant-key', maxRetries: 0 });
    const request = stranger.chat.completions.create({ model: 'claude-sonnet', messages: hello });
    await expect(request).rejects.toBeInstanceOf(AuthenticationError);
    expect((await refusal(request)).error).toEqual({ message: 'Incorrect API key provided.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' });
  });

  it('a rate limit: RateLimitError, typed by the budget that ran out', async () => {
    const beta = new OpenAI({ baseURL: `${served.url}/v1`, apiKey: KEYS.beta, maxRetries: 0 });
    await beta.chat.completions.create({ model: 'claude-sonnet', messages: hello });
    const requests = beta.chat.completions.create({ model: 'claude-sonnet', messages: hello });
    await expect(requests).rejects.toBeInstanceOf(RateLimitError);
    expect((await refusal(requests)).error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded', param: null });

    const gamma = new OpenAI({ baseURL: `${served.url}/v1`, apiKey: KEYS.gamma, maxRetries: 0 });
    const tokens = gamma.chat.completions.create({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'word '.repeat(200) }] });
    expect((await refusal(tokens)).error).toMatchObject({ type: 'tokens', code: 'rate_limit_exceeded' });
  });
});
