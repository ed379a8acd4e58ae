# syntax=docker/dockerfile:1
#
# The gateway's images. Each runs `node` on the compiled JavaScript under tini: no pnpm, tsx,
# TypeScript or compiler toolchain in the image, production dependencies only.
#   docker build --target api .         # HTTP front end on 5005 (needs REDIS_URL): no CLI, no node-pty
#   docker build --target supervisor .  # warm CLI sessions, probes and metrics on 5006
#   docker build .                      # `runtime`: both in one process on 5005 (no Redis needed);
#                                       # it holds the CLI, so it also runs either role:
#   docker run IMAGE node --enable-source-maps --max-semi-space-size=32 packages/supervisor/dist/main.js
#   docker run -e LLM_ROLE=api IMAGE    # what `pnpm start:api` runs
# packages/deploy/src/dockerfile.test.ts checks this file against package.json.
# --max-semi-space-size=32: a 32 MiB young generation. A stream's per-chunk objects live until its
# next chunk; with V8's default they outlive the young generation and fill the old one: at 2,000
# open streams ~1.2x the CPU per chunk and twice the peak heap (bench/RESULTS.md, issue 15).

ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# ---- base: Node and tini, shared by every stage ----
FROM ${NODE_IMAGE} AS base
# tini runs as PID 1, reaps zombies and passes SIGTERM on to node, which drains and exits 0. (Not
# `tini -g`: node-pty children run in sessions of their own and the gateway stops them itself.)
RUN apt-get update \
 && apt-get install --yes --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app

# ---- build: compile the TypeScript, then install the production dependencies alone ----
FROM base AS build
# node-gyp needs a compiler and Python for node-pty; no runtime image does.
RUN apt-get update \
 && apt-get install --yes --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# pnpm must be exactly the version in package.json's packageManager: another one would try to
# download it. It stays in this stage.
RUN npm install --global --no-fund --no-audit pnpm@12.4.2 \
 && npm cache clean --force
# The official node image ships Node's headers under /usr/local/include/node, so node-gyp builds
# node-pty against them instead of downloading them (pnpm only passes nodedir via the environment).
ENV npm_config_nodedir=/usr/local
# The lockfile alone is enough to fetch every package: this layer is reused until it changes.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch
COPY . .
# The compiler is a dev dependency and needs no install scripts (no native build for it).
RUN pnpm install --offline --frozen-lockfile --ignore-scripts \
 && pnpm build
# Then the production dependencies of the API and what it depends on (shared, backends,
# supervisor) and nothing else: no dev dependencies, no bench or test packages. node-pty is
# compiled here; the sources, declarations and build info are dropped (source maps stay).
RUN rm -rf node_modules packages/*/node_modules bench/node_modules \
 && pnpm install --offline --frozen-lockfile --prod --filter '@llm-gateway/api...' \
 && (cd packages/backends && node -e "require('node-pty')" && node_modules/.bin/claude --version) \
 && rm -rf packages/*/src packages/*/test packages/*/dist/.tsbuildinfo \
 && find packages/*/dist -name '*.d.ts' -delete -o -name '*.d.ts.map' -delete \
 && chmod -R a+rX,go-w /app
# (pnpm writes its lockfile and state files mode 0600: the chmod lets the non-root user read them.)

# ---- the API's files: the CLI (~380 MB) and node-pty are only ever loaded by a supervisor ----
FROM build AS api-files
RUN rm -rf node_modules/.pnpm/node-pty@* node_modules/.pnpm/@anthropic-ai+claude-code* \
 && find node_modules packages -xtype l -delete \
 && node -e "import('/app/packages/api/dist/index.js').catch((error) => { console.error(error); process.exit(1); })"

# ---- app: what every runtime image shares ----
FROM base AS app
# HOME and the CLI's config directory are the one writable place (an emptyDir in Kubernetes, the
# developer's ~/.claude in docker-compose).
ENV HOME=/home/node
# The image's `node` user (uid 1000) owns only its home: the application files stay read-only.
RUN mkdir -p /home/node && chown -R node:node /home/node
COPY --from=build /app/package.json /app/package.json
COPY --from=build /app/packages/deploy/bin /app/packages/deploy/bin
USER node
# The probe script tries $PORT, then 5005 (API / all-in-one), then 5006 (supervisor).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "packages/deploy/bin/healthcheck.mjs", "/livez"]
ENTRYPOINT ["/usr/bin/tini", "--"]

# ---- api: the HTTP front end (`pnpm start:api`) ----
FROM app AS api
COPY --from=api-files /app/node_modules /app/node_modules
COPY --from=api-files /app/packages/shared /app/packages/shared
COPY --from=api-files /app/packages/backends /app/packages/backends
COPY --from=api-files /app/packages/supervisor /app/packages/supervisor
COPY --from=api-files /app/packages/api /app/packages/api
ENV LLM_ROLE=api
EXPOSE 5005
CMD ["node", "--enable-source-maps", "--max-semi-space-size=32", "packages/api/dist/main.js"]

# ---- supervisor: the warm CLI sessions (`pnpm start:supervisor`) ----
FROM app AS supervisor
# `claude` (from @anthropic-ai/claude-code, a dependency of packages/backends) is put on the PATH
# and gets its config directory under HOME.
ENV CLAUDE_CONFIG_DIR=/home/node/.claude \
    DISABLE_AUTOUPDATER=1 \
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 \
    PATH=/app/packages/backends/node_modules/.bin:$PATH
# bubblewrap confines each CLI session to its own empty directories (LLM_CLI_SANDBOX); it needs a
# container runtime that allows user namespaces, and without one the gateway warns at start-up.
USER root
RUN apt-get update \
 && apt-get install --yes --no-install-recommends bubblewrap \
 && rm -rf /var/lib/apt/lists/*
USER node
RUN mkdir -p /home/node/.claude
COPY --from=build /app/node_modules /app/node_modules
COPY --from=build /app/packages/shared /app/packages/shared
COPY --from=build /app/packages/backends /app/packages/backends
COPY --from=build /app/packages/supervisor /app/packages/supervisor
COPY --from=build /app/packages/api /app/packages/api
EXPOSE 5006
CMD ["node", "--enable-source-maps", "--max-semi-space-size=32", "packages/supervisor/dist/main.js"]

# ---- runtime (the default target): API and supervisor in one process (`pnpm start`) ----
FROM supervisor AS runtime
EXPOSE 5005
CMD ["node", "--enable-source-maps", "--max-semi-space-size=32", "packages/api/dist/main.js"]
