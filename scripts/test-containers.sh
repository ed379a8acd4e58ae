#!/usr/bin/env bash
# `pnpm test:containers`: builds the gateway's images from the Dockerfile as published and runs
# packages/deploy/src/containers/*.container.ts against the docker-compose topology, with podman.
#
# The base images are pulled when a registry serves them; where none does (this CI machine), the
# stand-ins of scripts/containers/stand-in-images.sh are built and passed through the Dockerfile's
# NODE_IMAGE build argument, and the compose file's Redis image is replaced by one the same way.
# Needs root (or rootless podman) and, on a fresh machine, apt for podman and runc.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --quiet --build

# Debian's podman needs runc (crun refuses this kernel's cgroups) and no default ulimits.
export CONTAINERS_CONF=${CONTAINERS_CONF:-$PWD/scripts/containers/containers.conf}
if ! command -v podman >/dev/null 2>&1 || ! command -v runc >/dev/null 2>&1; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "test:containers: installing podman, runc and debootstrap"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc debootstrap) >/dev/null
  else
    echo "test:containers: podman and runc are needed" >&2
    exit 1
  fi
fi
podman=(podman --runtime runc)

node_image=$(sed -n 's/^ARG NODE_IMAGE=//p' Dockerfile)
redis_image=$(sed -n 's/^ *image: \(redis:.*\)$/\1/p' docker-compose.yml)
build_arguments=()
available() { "${podman[@]}" image exists "$1" || timeout 60 "${podman[@]}" pull --quiet "docker.io/library/$1" >/dev/null 2>&1; }
node_available=true redis_available=true
available "$node_image" || node_available=false
available "$redis_image" || redis_available=false
if ! $node_available || ! $redis_available; then
  stand_in_node="localhost/${node_image/:/-stand-in:}"
  stand_in_redis="localhost/${redis_image/:/-stand-in:}"
  echo "test:containers: no registry serves $node_image or $redis_image: using stand-ins ($stand_in_node, $stand_in_redis)"
  if ! command -v debootstrap >/dev/null 2>&1 && [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap) >/dev/null
  fi
  bash scripts/containers/stand-in-images.sh "$stand_in_node" "$stand_in_redis"
  $node_available || build_arguments=(--build-arg "NODE_IMAGE=$stand_in_node")
  $redis_available || export LLM_TEST_REDIS_IMAGE=$stand_in_redis
fi

# One image per role target, tagged as docker-compose.yml names them (layers cached after the first
# build). The docker format keeps the HEALTHCHECK (OCI images have none).
for target in api supervisor; do
  image=$(sed -n "/target: $target }/{n;s/^ *image: //p}" docker-compose.yml)
  echo "test:containers: building $target ($image)"
  start=$(date +%s)
  "${podman[@]}" build --quiet --format docker --network host "${build_arguments[@]}" --target "$target" --tag "$image" . >/dev/null
  echo "test:containers: $target built in $(($(date +%s) - start)) s, $("${podman[@]}" image inspect --format '{{.Size}}' "$image" | awk '{ printf "%.0f MB", $1 / 1e6 }')"
done

exec node_modules/.bin/vitest run --config vitest.containers.config.ts
