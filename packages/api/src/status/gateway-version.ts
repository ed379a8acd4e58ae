// One version for the whole gateway: the supervisor reads it for its registry record, and the
// API's status page shows the same value.
export { GATEWAY_VERSION } from '@llm-gateway/supervisor';

/** When this process started, in epoch milliseconds. */
export const PROCESS_STARTED_AT = Math.round(performance.timeOrigin);
