import { Agent } from 'node:http';
import { requestCompletion, runLoad, type Outcome } from '@llm-gateway/faults';

/** What one stream of soak traffic sent and how each request ended. */
export interface TrafficResult {
  name: string;
  outcomes: Outcome[];
}

/** Keeps how a request ended, not the answer's text: a long run sends tens of thousands. */
const lean = (outcome: Promise<Outcome>) => outcome.then((ended) => ({ ...ended, text: '' }));

/**
 * Mixed traffic on the mock cluster: JSON and streamed answers, 1 in 10 a backend error (a clean
 * error is the right answer), 1 in 10 a client that hangs up mid-stream. So many failed jobs fill
 * BullMQ's failed-job retention (1,000 per queue) within the first minute or two: Redis's memory
 * then has to level off.
 */
export function mockTraffic(url: string, durationMs: number): Promise<TrafficResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const send = (index: number): Promise<Outcome> => lean(ask(index));
  const ask = (index: number): Promise<Outcome> => {
    const kind = index % 10;
    if (kind === 0) return requestCompletion(url, { content: `[mock:error=upstream_error] soak ${index}`, stream: index % 20 === 0, deadlineMs: 30_000, agent });
    if (kind === 1) return requestCompletion(url, { content: `[mock:chunk-delay=10] [mock:words=40] soak ${index}`, stream: true, abortAfterFirstContent: true, deadlineMs: 30_000, agent });
    const stream = index % 2 === 0;
    return requestCompletion(url, { content: `${stream ? '[mock:chunk-delay=3] ' : ''}[mock:words=30] soak ${index}`, stream, deadlineMs: 30_000, agent });
  };
  return runLoad({ concurrency: 6, maxRequests: 10_000_000, durationMs, send, pauseMs: 10 }).then((outcomes) => {
    agent.destroy();
    return { name: 'mock cluster', outcomes };
  });
}

/** JSON and streamed prompts to the real CLI sessions, two at a time. */
export function cliTraffic(url: string, durationMs: number): Promise<TrafficResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const send = (index: number): Promise<Outcome> =>
    lean(requestCompletion(url, { content: `Soak question number ${index}: say something short.`, stream: index % 2 === 0, deadlineMs: 40_000, agent }));
  return runLoad({ concurrency: 2, maxRequests: 10_000_000, durationMs, send, pauseMs: 50 }).then((outcomes) => {
    agent.destroy();
    return { name: 'CLI cluster (real claude)', outcomes };
  });
}
