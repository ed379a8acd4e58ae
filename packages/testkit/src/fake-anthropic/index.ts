export {
  echoReply,
  lastUserText,
  startFakeAnthropic,
  type FakeAnthropic,
  type FakeAnthropicOptions,
  type FakeReplySource,
  type RecordedRequest,
} from './fake-anthropic.ts';
export { toolCallingReply } from './tool-calling-reply.ts';
export { createLatencyModel, type LatencyModel, type LatencyModelOptions, type LatencyPlan } from './latency-model.ts';
export { createPromptCache, promptBlocks, type CacheAccount, type PromptBlock, type PromptCache, type PromptCacheOptions } from './prompt-cache.ts';
export { chunkText, type FakeReply, type FakeToolCall, type FakeUsage } from './anthropic-events.ts';
export { parseSseEvents, readAnthropicFixture, type AnthropicFixtureName } from './fixtures.ts';
