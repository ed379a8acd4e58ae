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
export { chunkText, type FakeReply, type FakeToolCall, type FakeUsage } from './anthropic-events.ts';
export { parseSseEvents, readAnthropicFixture, type AnthropicFixtureName } from './fixtures.ts';
