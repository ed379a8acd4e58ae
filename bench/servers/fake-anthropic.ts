import { startFakeAnthropic } from '@llm-gateway/testkit';

/** The fake Anthropic Messages API in its own process, so it does not share the gateway's CPU. */
const fake = await startFakeAnthropic();
console.log(JSON.stringify({ url: fake.url }));
process.on('SIGTERM', () => {
  void fake.close().then(() => process.exit(0));
});
