import { startFakeAnthropic, toolCallingReply } from '@llm-gateway/testkit';

/** The fake Anthropic Messages API in its own process, so it does not share the gateway's CPU. */
// A model that calls the tools it is offered (and echoes without them): tool round trips can be timed.
const fake = await startFakeAnthropic({ defaultReply: toolCallingReply });
console.log(JSON.stringify({ url: fake.url }));
process.on('SIGTERM', () => {
  void fake.close().then(() => process.exit(0));
});
