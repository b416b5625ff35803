#!/usr/bin/env bash
# The base images, made on this machine without a container registry:
#
#   localhost/supportbot-debian:bookworm       debootstrap's Debian 12 (minbase), what
#                                              docker.io/library/debian:bookworm is elsewhere
#   localhost/supportbot-python:3.10-bookworm  the same plus Python 3.10 in /usr/local, what
#                                              docker.io/library/python:3.10-slim-bookworm is
#
# Rasa 3.6 needs Python 3.10 and Debian 12 ships 3.11 only. Where a registry is reachable
# the Containerfiles start from the two images above on docker.io and this script is not
# needed. Here Python 3.10 comes from the interpreter this machine's .venv is built from
# (pyenv's 3.10 prefix, PYTHON310_PREFIX), copied to /usr/local as the official image
# lays it out: the same CPython, compiled on Debian 12 against Debian 12's libraries,
# which the image gets from Debian. Left out: its test suite, IDLE, tkinter (no X11 in
# the image) and its site-packages (pip comes with `python3.10 -m venv`; nothing of this
# machine's own set-up travels, its CA certificates included).
#
#   deploy/container/build-base.sh            # ~2-3 min; skipped when both images exist
#   deploy/container/build-base.sh --force    # rebuild them (e.g. for Debian's updates)
#
# Needs root (debootstrap, chroot), debootstrap and podman. DEBIAN_MIRROR overrides the
# mirror (default: the first one in /etc/apt/sources.list.d, else deb.debian.org).
set -euo pipefail

DEBIAN_IMAGE=${DEBIAN_IMAGE:-localhost/supportbot-debian:bookworm}
PYTHON_IMAGE=${PYTHON_IMAGE:-localhost/supportbot-python:3.10-bookworm}
PYTHON310_PREFIX=${PYTHON310_PREFIX:-$(ls -d "$HOME"/.pyenv/versions/3.10.* 2>/dev/null | tail -1)}

if [[ "${1:-}" != "--force" ]] && podman image exists "$DEBIAN_IMAGE" \
    && podman image exists "$PYTHON_IMAGE"; then
  echo "base images present: $DEBIAN_IMAGE, $PYTHON_IMAGE (--force rebuilds them)"
  exit 0
fi

mirror=${DEBIAN_MIRROR:-$(grep -rhoE '^URIs: *https?://[^ ]+/debian$' /etc/apt/sources.list.d 2>/dev/null \
  | head -1 | awk '{print $2}')}
mirror=${mirror:-http://deb.debian.org/debian}
security=${mirror%/debian}/debian-security

test -x "$PYTHON310_PREFIX/bin/python3.10" \
  || { echo "Python 3.10 not found: set PYTHON310_PREFIX=/path/to/prefix" >&2; exit 1; }

work=$(mktemp -d /var/tmp/supportbot-base.XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs

# -- Debian 12, minimal ------------------------------------------------------------------
echo "debootstrap bookworm from $mirror"
debootstrap --variant=minbase --include=ca-certificates,netbase,tzdata \
  bookworm "$root" "$mirror" > "$work/debootstrap.log" 2>&1 \
  || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
cat > "$root/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
rm -f "$root/etc/apt/sources.list"
# Images stay small: no docs, man pages or apt lists left behind (as Debian's own
# images do).
cat > "$root/etc/dpkg/dpkg.cfg.d/excludes" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
DPKG
echo 'APT::Install-Recommends "false";' > "$root/etc/apt/apt.conf.d/90norecommends"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  DEBIAN_FRONTEND=noninteractive "$@"; }
cp /etc/resolv.conf "$root/etc/resolv.conf"
in_root apt-get update -q > /dev/null
in_root apt-get -y -q upgrade > /dev/null 2>&1
in_root apt-get clean
rm -rf "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/*/changelog* "$root"/usr/share/man/*
: > "$root/etc/resolv.conf"
: > "$root/etc/hostname"

import() {  # rootfs -> image; the image it replaces is removed, if nothing uses it
  local old
  old=$(podman image inspect --format '{{.Id}}' "$1" 2>/dev/null || true)
  tar --numeric-owner --xattrs -C "$root" -c . \
    | podman import --quiet --change 'CMD ["/bin/bash"]' --change 'ENV LANG=C.UTF-8' - "$1" > /dev/null
  echo "imported $1 ($(podman image inspect --format '{{.Size}}' "$1" | numfmt --to=iec))"
  if [[ -n "$old" ]]; then podman rmi "$old" > /dev/null 2>&1 || true; fi
}
import "$DEBIAN_IMAGE"

# -- Python 3.10 in /usr/local ----------------------------------------------------------
# The shared libraries CPython's modules link against (ldd of lib-dynload), from Debian.
cp /etc/resolv.conf "$root/etc/resolv.conf"
in_root apt-get update -q > /dev/null
in_root apt-get install -y -q libbz2-1.0 libcrypt1 libexpat1 libffi8 liblzma5 libncursesw6 \
  libnsl2 libreadline8 libsqlite3-0 libssl3 libtirpc3 libuuid1 zlib1g > /dev/null 2>&1
in_root apt-get clean
rm -rf "$root"/var/lib/apt/lists/*
: > "$root/etc/resolv.conf"
tar -C "$PYTHON310_PREFIX" -c \
  --exclude='lib/python3.10/test' --exclude='lib/python3.10/idlelib' \
  --exclude='lib/python3.10/tkinter' --exclude='lib/python3.10/turtledemo' \
  --exclude='lib/python3.10/lib-dynload/_tkinter*' --exclude='lib/python3.10/site-packages/*' \
  --exclude='bin/pip*' --exclude='bin/idle*' --exclude='bin/2to3*' --exclude='bin/pydoc*' \
  --exclude='*.a' . | tar -C "$root/usr/local" -x --no-same-owner
# pyenv linked the interpreter with a run path into its prefix; from /usr/local the
# loader finds libpython through ld.so.cache instead.
in_root ldconfig
ln -sf python3.10 "$root/usr/local/bin/python3"
ln -sf python3.10 "$root/usr/local/bin/python"
in_root python3.10 -c 'import ssl, sqlite3, ctypes, lzma, bz2, uuid, readline, ensurepip, venv'
import "$PYTHON_IMAGE"
