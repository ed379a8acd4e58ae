#!/usr/bin/env bash
# Start-up of an all-in-one gateway image in podman (mock backend), for bench/RESULTS.md:
#   bench/container-startup.sh IMAGE [ROUNDS]
# Per round: `podman run` to the first 200 from /health, then (after a second) the container's
# processes and their summed RSS (podman top), then `podman stop` (SIGTERM) and the exit code.
# Prints the median time and one round's process tree. Needs podman (see scripts/containers/).
set -euo pipefail
image=$1 rounds=${2:-5}
export CONTAINERS_CONF=${CONTAINERS_CONF:-$(cd "$(dirname "$0")/.." && pwd)/scripts/containers/containers.conf}
podman=(podman --runtime runc)
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
echo "image $image: $("${podman[@]}" image inspect --format '{{.Size}}' "$image" | awk '{ printf "%.0f MB", $1 / 1e6 }')"
times=()
for round in $(seq 1 "$rounds"); do
  name=startup-bench-$$-$round
  start=$(date +%s%N)
  "${podman[@]}" run -d --name "$name" -e LLM_BACKEND=mock -p "127.0.0.1:$port:5005" "$image" >/dev/null
  until [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health") == 200 ]]; do
    if (( ($(date +%s%N) - start) / 1000000 > 60000 )) || [[ $("${podman[@]}" inspect --format '{{.State.Running}}' "$name") != true ]]; then
      "${podman[@]}" logs "$name" | tail -n 5 >&2
      "${podman[@]}" rm --force --time 0 "$name" >/dev/null
      echo "$image did not become healthy (an all-in-one image is needed: no Redis here)" >&2
      exit 1
    fi
    sleep 0.02
  done
  times+=($((($(date +%s%N) - start) / 1000000)))
  sleep 1
  top=$("${podman[@]}" top "$name" pid rss args)
  "${podman[@]}" stop --time 30 "$name" >/dev/null
  code=$("${podman[@]}" inspect --format '{{.State.ExitCode}}' "$name")
  "${podman[@]}" rm "$name" >/dev/null
  echo "round $round: healthy after ${times[-1]} ms, $(($(wc -l <<<"$top") - 1)) processes, $(awk 'NR > 1 { sum += $2 } END { printf "%.0f MiB", sum / 1024 }' <<<"$top") RSS, exit $code"
done
echo "median to healthy: $(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }') ms"
echo "$top"
