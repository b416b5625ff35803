#!/usr/bin/env bash
# Build supportbot's two images from this checkout:
#   localhost/supportbot:latest        Rasa, the action server, the console, the CLI, metrics
#   localhost/supportbot-infra:latest  nginx, PostgreSQL, Redis, RabbitMQ (Debian packages)
#
#   deploy/container/build.sh          # warm: seconds when only code changed
#   deploy/container/build.sh --no-cache   # further arguments go to both `podman build`s
#
# With no registry at hand (this machine) the bases are made locally first
# (build-base.sh, once). Where one is reachable:
#   APP_BASE=docker.io/library/python:3.10-slim-bookworm \
#   INFRA_BASE=docker.io/library/debian:bookworm deploy/container/build.sh
# PyPI is reached with BUILD_CA_BUNDLE as CA bundle (a build secret: in no layer),
# and pip's cache is the host's ~/.cache/pip (a build volume: wheels are downloaded once).
set -euo pipefail
cd "$(dirname "$0")/../.."
here=deploy/container
export CONTAINERS_CONF=${CONTAINERS_CONF:-$PWD/$here/containers.conf}

app_image=${APP_IMAGE:-localhost/supportbot:latest}
infra_image=${INFRA_IMAGE:-localhost/supportbot-infra:latest}
if [[ -z "${APP_BASE:-}" || -z "${INFRA_BASE:-}" ]]; then
  "$here/build-base.sh"
fi
base=${APP_BASE:-localhost/supportbot-python:3.10-bookworm}
infra_base=${INFRA_BASE:-localhost/supportbot-debian:bookworm}
ca=${BUILD_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
pip_cache=${PIP_CACHE_DIR:-$HOME/.cache/pip}
mkdir -p "$pip_cache"
extra=("$@")

build() {  # image containerfile base [podman build options]
  local image=$1 file=$2 from=$3 old new
  shift 3
  old=$(podman image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
  podman build --quiet --layers -f "$file" --build-arg BASE="$from" -t "$image" "$@" \
    "${extra[@]}" . > /dev/null
  new=$(podman image inspect --format '{{.Id}}' "$image")
  # The image this one replaces, unless a container still uses it; nothing else is pruned.
  if [[ -n "$old" && "$old" != "$new" ]]; then podman rmi "$old" > /dev/null 2>&1 || true; fi
  echo "$image $(podman image inspect --format '{{.Size}}' "$image" | numfmt --to=iec)"
}

build "$app_image" "$here/Containerfile" "$base" \
  --secret "id=ca,src=$ca" --volume "$pip_cache:/root/.cache/pip"
build "$infra_image" "$here/Containerfile.infra" "$infra_base"
