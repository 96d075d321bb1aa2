#!/usr/bin/env bash
# Make the Python base image the Dockerfile builds on, for a machine that cannot pull from
# Docker Hub: Debian bookworm (whose python3 is 3.11, as in python:3.11-slim-bookworm)
# bootstrapped from this machine's apt mirror, with this machine's CA certificates and pip
# settings so that pip inside the build reaches PyPI the way the machine does, imported as
#
#   obligate-ci/python:3.11-bookworm     (or the tag given as the first argument)
#
# then built on with  docker build --build-arg PYTHON_IMAGE=obligate-ci/python:3.11-bookworm .
# Does nothing if the image is there already (OBLIGATE_DOCKER_BASE_REBUILD=1 makes it anew).
# Needs root, debootstrap and an engine that answers (DOCKER_HOST; scripts/docker-engine.sh).
set -euo pipefail

tag=${1:-obligate-ci/python:3.11-bookworm}
suite=bookworm

if [ "${OBLIGATE_DOCKER_BASE_REBUILD:-}" != 1 ] && docker image inspect "$tag" >/dev/null 2>&1; then
    echo "docker-base: $tag is there already" >&2
    exit 0
fi

# The first Debian mirror this machine's apt uses (deb822 .sources or one-line .list files).
mirror=$(
    {
        grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}'
        grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | awk '{print $2}'
    } | grep -E '/debian/?$' | head -n 1 || true
)
mirror=${mirror:-http://deb.debian.org/debian}

work=$(mktemp -d /tmp/obligate-docker-base.XXXXXX)
root="$work/root"
cleanup() {
    # debootstrap mounts /proc and /sys in the new root; unmount whatever it left before removing.
    awk -v root="$root" 'index($2, root) == 1 {print $2}' /proc/mounts | sort -r |
        while read -r mount; do umount -l "$mount" || true; done
    rm -rf --one-file-system "$work"
}
trap cleanup EXIT

# python3-dev and build-essential: durable-rules compiles a C extension in the build stage.
# python3-venv: the Dockerfile installs into a virtual environment at /opt/obligate (Debian's
# own python3 refuses pip installs outside one).
echo "docker-base: debootstrap $suite from $mirror" >&2
debootstrap --variant=minbase \
    --include=ca-certificates,python3,python3-venv,python3-dev,build-essential \
    "$suite" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 || {
    tail -n 30 "$work/debootstrap.log" >&2
    [ -f "$root/debootstrap/debootstrap.log" ] && tail -n 30 "$root/debootstrap/debootstrap.log" >&2
    echo "docker-base: debootstrap failed" >&2
    exit 1
}

# This machine's CA certificates (a TLS-inspecting proxy's own CA among them) and pip settings.
# update-ca-certificates in the new root adds the local ones to its bundle; the machine's own
# bundle, copied over it, covers certificates added some other way.
if [ -d /usr/local/share/ca-certificates ]; then
    cp -a /usr/local/share/ca-certificates/. "$root/usr/local/share/ca-certificates/"
fi
chroot "$root" update-ca-certificates >/dev/null
rm -f "$root/etc/ssl/certs/ca-certificates.crt"
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
if [ -f /etc/pip.conf ]; then
    cp /etc/pip.conf "$root/etc/pip.conf"
fi

# What an image needs no more of: apt's downloaded lists and packages, documentation.
chroot "$root" apt-get clean
rm -rf "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* "$root"/usr/share/man/* \
    "$root"/usr/share/info/* "$root"/var/log/* "$root"/debootstrap

tar --numeric-owner -C "$root" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["python3"]' \
    --message "Debian $suite from $mirror, with this machine's CA certificates" \
    - "$tag" >/dev/null
echo "docker-base: imported $tag ($(docker image inspect --format '{{.Size}}' "$tag") bytes)" >&2
