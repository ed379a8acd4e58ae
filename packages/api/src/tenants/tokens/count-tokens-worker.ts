import { countTextTokens } from './count-text-tokens.ts';

/** The piscina task: the tokens in some prompt texts, counted off the main thread. */
export default function countTokensTask(texts: readonly string[]): number {
  return countTextTokens(texts);
}
