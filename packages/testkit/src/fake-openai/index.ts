export { echoOpenAIReply, startFakeOpenAI, type FakeOpenAI, type FakeOpenAIOptions, type FakeOpenAIReplySource } from './fake-openai.ts';
export type { FakeOpenAIReply, FakeOpenAIToolCall, FakeOpenAIUsage } from './openai-chunks.ts';
