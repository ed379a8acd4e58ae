import { startFakeAnthropic, toolCallingReply, type FakeReply, type LatencyModelOptions } from '@llm-gateway/testkit';

/**
 * The fake Anthropic Messages API in its own process, so it does not share the gateway's CPU.
 * A model that calls the tools it is offered (and echoes without them): tool round trips can be timed.
 *
 * `FAKE_ANTHROPIC_LATENCY` (JSON of `LatencyModelOptions`, optional): answer as late as a real
 * upstream would, with a prompt cache (testkit's `latency-model.ts`); unset, it answers at once.
 * `FAKE_ANTHROPIC_MAX_ANSWER_CHARS` (optional): answers in text are cut to this length, so that
 * answering from a long tool result does not stream thousands of words back.
 */
const latency = process.env.FAKE_ANTHROPIC_LATENCY ? (JSON.parse(process.env.FAKE_ANTHROPIC_LATENCY) as LatencyModelOptions) : undefined;
const maxAnswerChars = Number(process.env.FAKE_ANTHROPIC_MAX_ANSWER_CHARS ?? Number.POSITIVE_INFINITY);

function reply(body: unknown): FakeReply {
  const answer = toolCallingReply(body);
  return answer.kind === 'text' && answer.text.length > maxAnswerChars ? { ...answer, text: answer.text.slice(0, maxAnswerChars) } : answer;
}

const fake = await startFakeAnthropic({ defaultReply: reply, ...(latency ? { latency } : {}) });
console.log(JSON.stringify({ url: fake.url }));
process.on('SIGTERM', () => {
  void fake.close().then(() => process.exit(0));
});
