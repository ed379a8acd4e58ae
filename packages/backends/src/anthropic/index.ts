export { createAnthropicBackend, type AnthropicBackend, type AnthropicBackendOptions } from './anthropic-backend.ts';
export { ANTHROPIC_MODEL_IDS, anthropicModelTable, parseModelAliases, resolveAnthropicModel } from './anthropic-models.ts';
export { createKeepAliveFetch, type FetchFunction, type KeepAliveFetch, type KeepAliveFetchOptions } from './keep-alive-fetch.ts';
