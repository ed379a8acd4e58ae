#!/usr/bin/env node
// Container health check (Dockerfile HEALTHCHECK, docker-compose `healthcheck`). The image has no
// curl, and one image runs every role, so this asks the probe path (first argument, default
// /livez) on $PORT when it is set, else on 5005 (API, or API and supervisor in one process) and
// then 5006 (supervisor). Exit 0 when one answers 2xx, 1 otherwise. Plain JavaScript so it starts
// in ~50 ms without tsx.
const path = process.argv[2] ?? '/livez';
const ports = process.env.PORT ? [process.env.PORT] : ['5005', '5006'];
const timeoutMs = 3000;

for (const port of ports) {
  try {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
    if (response.ok) process.exit(0);
    console.error(`healthcheck: ${path} on ${port} answered ${response.status}`);
    process.exit(1);
  } catch (error) {
    // Nothing listening on this port: try the next one.
    console.error(`healthcheck: ${path} on ${port}: ${error.cause?.code ?? error.name}`);
  }
}
process.exit(1);
