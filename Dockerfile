# syntax=docker/dockerfile:1
#
# One image for every role of the gateway; the command picks the role:
#   docker run IMAGE pnpm start:api         # HTTP front end on 5005 (needs REDIS_URL)
#   docker run IMAGE pnpm start:supervisor  # warm CLI sessions, probes and metrics on 5006
#   docker run IMAGE pnpm start             # both in one process on 5005 (no Redis needed)
# tsx runs the TypeScript sources directly: there is no build step to keep in sync.
# packages/deploy/src/dockerfile.test.ts checks this file against package.json.

ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# ---- base: Node, pnpm and tsx, shared by the build and runtime stages ----
FROM ${NODE_IMAGE} AS base
# pnpm must be exactly the version in package.json's packageManager: another one would try to
# download it at start-up. tsx is a root devDependency, so the production install below leaves
# it out; it is installed globally at the same version instead (the test checks both pins).
RUN npm install --global --no-fund --no-audit pnpm@12.4.2 tsx@4.23.15 \
 && npm cache clean --force
WORKDIR /app

# ---- build: install the workspace's production dependencies, compiling node-pty ----
FROM base AS build
# node-gyp needs a compiler and Python; the runtime image does not.
RUN apt-get update \
 && apt-get install --yes --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# The official node image ships Node's headers under /usr/local/include/node, so node-gyp builds
# node-pty against them instead of downloading them (pnpm only passes nodedir via the environment).
ENV npm_config_nodedir=/usr/local
# The lockfile alone is enough to fetch every package: this layer is reused until it changes.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch --prod
COPY . .
# The stamp tells scripts/setup.sh (run by every `pnpm start*`) that the install is done, so the
# container never tries to install anything at start-up.
RUN pnpm install --offline --frozen-lockfile --prod \
 && touch node_modules/.setup-stamp \
 && (cd packages/backends && node -e "require('node-pty')" && node_modules/.bin/claude --version) \
 && chmod -R a+rX,go-w /app
# (pnpm writes its lockfile and state files mode 0600: the chmod lets the non-root user read them.)

# ---- runtime ----
FROM base AS runtime
# tini runs as PID 1, reaps zombies and passes SIGTERM on to pnpm. pnpm forwards it to the
# script, whose `exec tsx` replaced its shell, and tsx relays it to the gateway's Node process,
# which drains and exits 0; each waits for its child, so the container stops only when the
# gateway has. (Signalling the whole group with `tini -g` would not: the script's shell would die
# at once, and pnpm and tini with it, killing the gateway mid-drain.) node-pty children run in
# sessions of their own: the gateway stops them itself.
RUN apt-get update \
 && apt-get install --yes --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
# HOME and the CLI's config directory are the one writable place (an emptyDir in Kubernetes, the
# developer's ~/.claude in docker-compose); `claude` (from @anthropic-ai/claude-code, a dependency
# of packages/backends) is put on the PATH. pnpm 12 would otherwise re-install before every
# `pnpm start*` (the install is --prod, a run expects dev dependencies too) and fail on the
# read-only file system.
ENV HOME=/home/node \
    CLAUDE_CONFIG_DIR=/home/node/.claude \
    DISABLE_AUTOUPDATER=1 \
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 \
    pnpm_config_verify_deps_before_run=false \
    PATH=/app/packages/backends/node_modules/.bin:$PATH
COPY --from=build --chown=root:root /app /app
# The image's `node` user (uid 1000) owns only its home: the application files stay read-only.
RUN mkdir -p /home/node/.claude && chown -R node:node /home/node
USER node
EXPOSE 5005 5006
# The probe script tries $PORT, then 5005 (API / all-in-one), then 5006 (supervisor).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "packages/deploy/bin/healthcheck.mjs", "/livez"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["pnpm", "start"]
