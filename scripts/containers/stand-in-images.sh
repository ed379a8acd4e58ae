#!/usr/bin/env bash
# Stand-ins for the public base images where no registry serves them (this CI machine): a Debian
# bookworm root file system with this machine's Node, tagged as the Dockerfile's NODE_IMAGE, and a
# Redis image built from it. Users pull the real images; the Dockerfile never names these.
#   scripts/containers/stand-in-images.sh NODE_TAG REDIS_TAG
# Idempotent: an image that exists already is kept (~3 min to build both, as root).
set -euo pipefail
node_tag=$1 redis_tag=$2
export CONTAINERS_CONF=${CONTAINERS_CONF:-$(cd "$(dirname "$0")" && pwd)/containers.conf}
podman=(podman --runtime runc)

if ! "${podman[@]}" image exists "$node_tag"; then
  # The mirror apt uses here (deb822 sources or sources.list), for debootstrap and for the image.
  mirror=$(cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null \
    | grep -oE '^(URIs:|deb) *https?://[^ ]+' | grep -v security | head -n 1 | grep -oE 'https?://[^ ]+' || true)
  mirror=${mirror:-http://deb.debian.org/debian}
  root=$(mktemp -d /tmp/stand-in-node.XXXXXX)
  trap 'rm -rf "$root"' EXIT
  debootstrap --variant=minbase bookworm "$root" "$mirror" >/dev/null
  # This machine's Node (binary, npm, headers) under /usr/local, as the official image has it.
  node_prefix=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
  cp "$(readlink -f "$(command -v node)")" "$root/usr/local/bin/node"
  mkdir -p "$root/usr/local/lib/node_modules" "$root/usr/local/include"
  cp -a "$(npm root -g)/npm" "$root/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  for headers in "$node_prefix/include/node" /usr/include/node; do
    if [[ -d $headers ]]; then cp -a "$headers" "$root/usr/local/include/node"; break; fi
  done
  # The registry is reached through a TLS-inspecting proxy: Node and npm must trust its CA.
  mkdir -p "$root/etc/ssl/certs" "$root/usr/local/etc"
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
  printf 'cafile=/etc/ssl/certs/ca-certificates.crt\n' >"$root/usr/local/etc/npmrc"
  # As in Debian's official -slim images: apt keeps no caches, dpkg installs no docs or man pages.
  printf '%s\n' \
    'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };' \
    'APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };' \
    'Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";' >"$root/etc/apt/apt.conf.d/docker-clean"
  printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' 'path-exclude /usr/share/man/*' \
    'path-exclude /usr/share/info/*' 'path-exclude /usr/share/locale/*' >"$root/etc/dpkg/dpkg.cfg.d/docker"
  rm -rf "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/*
  chroot "$root" /usr/sbin/groupadd --gid 1000 node
  chroot "$root" /usr/sbin/useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb
  tar -C "$root" -c . | "${podman[@]}" import \
    --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["node"]' - "$node_tag" >/dev/null
fi

if ! "${podman[@]}" image exists "$redis_tag"; then
  # Like the official image's entrypoint: a `redis-server` command gets `--protected-mode no`, or
  # Redis (no config file, no password) refuses every client from another container.
  context=$(mktemp -d /tmp/stand-in-redis.XXXXXX)
  printf '#!/bin/sh\nif [ "$1" = redis-server ]; then exec "$@" --protected-mode no; fi\nexec "$@"\n' >"$context/entrypoint.sh"
  chmod +x "$context/entrypoint.sh"
  printf '%s\n' "FROM $node_tag" \
    'RUN apt-get update && apt-get install --yes --no-install-recommends redis-server && rm -rf /var/lib/apt/lists/*' \
    'COPY entrypoint.sh /usr/local/bin/docker-entrypoint.sh' \
    'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
    'CMD ["redis-server"]' >"$context/Containerfile"
  "${podman[@]}" build --network host --tag "$redis_tag" --file "$context/Containerfile" "$context" >/dev/null
  rm -rf "$context"
fi
