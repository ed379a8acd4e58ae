#!/usr/bin/env bash
# Idempotent set-up for a fresh machine: pnpm, the workspace's packages (node-pty builds from
# source against the local Node headers) and, with --tests, redis-server and Chromium for the
# tests (as root, from Debian), with bubblewrap for the CLI sandbox, and, with --build, the
# compiled packages (`pnpm build`: tsc -b, which only checks file stamps when dist/ is up to
# date). Cheap when done already.
set -euo pipefail
cd "$(dirname "$0")/.."
# --quiet: say nothing when all is in place. --tests: also the system packages the tests use.
# --build: also compile the runtime packages to dist/ (what `pnpm start*` runs).
quiet=false; tests=false; build=false
for argument in "$@"; do
  case "$argument" in
    --quiet) quiet=true ;;
    --tests) tests=true ;;
    --build) build=true ;;
  esac
done
say() { $quiet || echo "setup: $*"; }

if ! command -v pnpm >/dev/null 2>&1; then
  say "installing pnpm 12.4.2"
  npm i -g pnpm@12.4.2 >/dev/null
fi

# node-gyp must find Node's headers locally: there is no internet to download them from.
export npm_config_nodedir="${npm_config_nodedir:-/usr}"
stamp=node_modules/.setup-stamp
if [[ ! -f $stamp || pnpm-lock.yaml -nt $stamp || package.json -nt $stamp ]]; then
  say "installing packages"
  pnpm install --frozen-lockfile --reporter=silent
  touch "$stamp"
fi

# Tests start their own redis-server on a free port; they only need the binary.
if $tests && ! command -v redis-server >/dev/null 2>&1 && [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
  say "installing redis-server"
  (apt-get update -qq && apt-get install -y -qq redis-server) >/dev/null
fi
# CLI sessions run in a bubblewrap sandbox when the host has it; the isolation tests prove it.
if $tests && ! command -v bwrap >/dev/null 2>&1 && [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
  say "installing bubblewrap"
  (apt-get update -qq && apt-get install -y -qq bubblewrap) >/dev/null
fi
# The status page test drives Debian's Chromium (no browser can be downloaded here).
if $tests && ! command -v chromium >/dev/null 2>&1 && [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
  say "installing chromium"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null
fi
if $build; then
  node_modules/.bin/tsc -b tsconfig.build.json
fi
say "ready"
