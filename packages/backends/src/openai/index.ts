export { createOpenAIBackend, type OpenAIBackend, type OpenAIBackendOptions } from './openai-backend.ts';
export type { MaxTokensField } from './to-openai-request.ts';
