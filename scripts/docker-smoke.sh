#!/usr/bin/env bash
# Build the Docker image, start it, and probe it: the health check the image declares reports
# healthy, it runs as uid 10001, /healthz answers, and /v1/determine answers for the example
# platform with the duty the README shows (EU-DSA-28-1). The container and image are removed
# afterwards. Run it by hand with
#   scripts/docker-smoke.sh
# It skips (exit 0, with a message saying so) where no Docker engine answers;
# OBLIGATE_REQUIRE_DOCKER=1 makes a missing engine a failure instead (.ci/run sets it, and
# starts an engine of its own with scripts/docker-engine.sh).
# OBLIGATE_DOCKER_PYTHON_IMAGE names the base image (the Dockerfile's PYTHON_IMAGE; .ci/run
# builds one with scripts/docker-base.sh, as Docker Hub may be out of reach).
# Build and container use the host's network: an engine without iptables has no other.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v docker >/dev/null 2>&1 || ! docker info >/dev/null 2>&1; then
    message="docker-smoke: SKIPPED: no Docker engine answers 'docker info'; the image was not built or run"
    if [ "${OBLIGATE_REQUIRE_DOCKER:-}" = 1 ]; then
        echo "$message (OBLIGATE_REQUIRE_DOCKER=1: failing)" >&2
        exit 1
    fi
    echo "$message" >&2
    exit 0
fi

tag="obligate-smoke:$$"
name="obligate-smoke-$$"
work=$(mktemp -d /tmp/obligate-docker-smoke.XXXXXX)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cleanup() {
    docker rm -f "$name" >/dev/null 2>&1 || true
    docker image rm -f "$tag" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
fail() {
    docker logs "$name" >&2 2>&1 || true
    echo "docker-smoke: $*" >&2
    exit 1
}

build_args=()
if [ -n "${OBLIGATE_DOCKER_PYTHON_IMAGE:-}" ]; then
    build_args+=(--build-arg "PYTHON_IMAGE=$OBLIGATE_DOCKER_PYTHON_IMAGE")
fi
# Docker passes these through to RUN without an ARG; given here, pip in the build uses the
# proxy this machine uses.
for variable in HTTP_PROXY HTTPS_PROXY NO_PROXY ALL_PROXY http_proxy https_proxy no_proxy all_proxy; do
    if [ -n "${!variable:-}" ]; then
        build_args+=(--build-arg "$variable")
    fi
done

started=$SECONDS
if ! docker build --network host --force-rm "${build_args[@]}" --tag "$tag" . >"$work/build.log" 2>&1; then
    tail -n 40 "$work/build.log" >&2
    echo "docker-smoke: the image did not build" >&2
    exit 1
fi
built_in=$((SECONDS - started))
user=$(docker image inspect --format '{{.Config.User}}' "$tag")
[ "$user" = 10001:10001 ] || fail "the image runs as '$user', not 10001:10001"

docker run --detach --network host --name "$name" "$tag" \
    serve --host 127.0.0.1 --port "$port" >/dev/null

# Wait for the health check the image declares to report healthy. It runs every 30 s (the
# first at once); 150 s covers the 60 s start period and a failed probe or two.
status=starting
for _ in $(seq 1 150); do
    status=$(docker inspect --format '{{.State.Health.Status}}' "$name" 2>/dev/null || echo gone)
    [ "$status" = healthy ] && break
    if [ "$status" = gone ] || [ "$(docker inspect --format '{{.State.Running}}' "$name")" != true ]; then
        fail "the container stopped"
    fi
    sleep 1
done
[ "$status" = healthy ] || fail "not healthy after 150 s (status: $status)"

[ "$(docker exec "$name" id -u)" = 10001 ] || fail "the server does not run as uid 10001"
curl --fail --silent --show-error "http://127.0.0.1:$port/healthz" >"$work/healthz.json"
grep -q '"status"' "$work/healthz.json" || fail "/healthz answered $(cat "$work/healthz.json")"

# The README's example: the platform in examples/ (its YAML read by the image's own Python),
# a 15-year-old in Germany, on 2026-06-01.
docker exec --interactive "$name" python -c '
import json, sys, yaml
service = yaml.safe_load(sys.stdin)
print(json.dumps({"service": service, "user": {"age": 15, "location": "DE"}, "date": "2026-06-01"}))
' <examples/social-platform.yaml >"$work/request.json"
curl --fail --silent --show-error -H 'content-type: application/json' \
    --data-binary "@$work/request.json" "http://127.0.0.1:$port/v1/determine" >"$work/answer.json" ||
    fail "/v1/determine failed"
grep -q '"EU-DSA-28-1"' "$work/answer.json" || fail "/v1/determine did not name EU-DSA-28-1"
grep -q '"rulebase"' "$work/answer.json" || fail "/v1/determine did not name its rule base"

base=${OBLIGATE_DOCKER_PYTHON_IMAGE:-python:3.11-slim-bookworm}
echo "docker-smoke: ok (built $tag on $base in ${built_in} s; healthy; uid 10001; /healthz and /v1/determine answered)"
