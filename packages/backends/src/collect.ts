/**
 * `collectAnswer` lives in `@llm-gateway/shared` (both roles collect answers). This re-export only
 * keeps `cli/cli-session.test.ts` importing it from here until the cli work in flight merges.
 */
export { collectAnswer, type CollectedAnswer } from '@llm-gateway/shared';
