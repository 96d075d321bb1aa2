#!/usr/bin/env bash
# A private Docker engine for CI and for trying the image by hand on a machine where no engine
# runs: dockerd with its own data, state, pid file and socket under one folder, so it neither
# needs nor disturbs a system engine.
#
#   eval "$(scripts/docker-engine.sh start)"   # starts it (or finds it running); prints export DOCKER_HOST=...
#   scripts/docker-engine.sh stop               # stops it; the images stay in the folder
#   scripts/docker-engine.sh purge              # stops it and removes the folder
#
# The folder is $OBLIGATE_DOCKER_DIR (default /tmp/obligate-docker). Needs root and dockerd
# (Debian: apt-get install docker.io). The engine runs without iptables (a sandbox often may
# not change them), so it has no bridge network: build and run with --network host.
# The storage driver is overlay2, or vfs where overlay2 will not mount.
set -euo pipefail

dir=${OBLIGATE_DOCKER_DIR:-/tmp/obligate-docker}
socket="$dir/docker.sock"
pidfile="$dir/dockerd.pid"
log="$dir/dockerd.log"
export DOCKER_HOST="unix://$socket"

answers() {
    docker info >/dev/null 2>&1
}

running_pid() {
    [ -f "$pidfile" ] || return 1
    local pid
    pid=$(cat "$pidfile")
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

stop_engine() {
    local pid
    if pid=$(running_pid); then
        kill "$pid"
        # dockerd stops its containers and containerd and unmounts its layers before it exits.
        for _ in $(seq 1 60); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
        if kill -0 "$pid" 2>/dev/null; then
            echo "docker-engine: dockerd ($pid) did not stop in 30 s; killing it" >&2
            kill -9 "$pid" 2>/dev/null || true
        fi
    fi
    # What the engine leaves mounted (its network namespace's bind mount) would keep rm from
    # removing the folder.
    awk -v dir="$dir/" 'index($2, dir) == 1 {print $2}' /proc/mounts | sort -r |
        while read -r mount; do umount -l "$mount" || true; done
    rm -rf --one-file-system "$dir/exec" "$socket" "$pidfile"
}

start_engine() {
    local driver=$1
    mkdir -p "$dir/data" "$dir/exec"
    # setsid: the engine outlives the shell that started it and ignores that shell's signals.
    setsid dockerd \
        --data-root "$dir/data" \
        --exec-root "$dir/exec" \
        --pidfile "$pidfile" \
        --host "$DOCKER_HOST" \
        --iptables=false \
        --ip-masq=false \
        --bridge=none \
        --storage-driver "$driver" \
        >>"$log" 2>&1 </dev/null &
    for _ in $(seq 1 120); do
        answers && return 0
        kill -0 $! 2>/dev/null || return 1
        sleep 0.5
    done
    return 1
}

case "${1:-}" in
    start)
        if ! answers; then
            command -v dockerd >/dev/null || {
                echo "docker-engine: no dockerd (Debian: apt-get install docker.io)" >&2
                exit 1
            }
            stop_engine
            if ! start_engine overlay2; then
                echo "docker-engine: overlay2 did not start; trying vfs" >&2
                stop_engine
                # Layers written by overlay2 cannot be read by vfs.
                rm -rf "$dir/data"
                start_engine vfs || {
                    tail -n 30 "$log" >&2
                    echo "docker-engine: dockerd did not start (log: $log)" >&2
                    exit 1
                }
            fi
            echo "docker-engine: started ($(docker info --format '{{.Driver}}') storage, $DOCKER_HOST)" >&2
        fi
        echo "export DOCKER_HOST=$DOCKER_HOST"
        ;;
    stop)
        stop_engine
        ;;
    purge)
        stop_engine
        rm -rf --one-file-system "$dir"
        ;;
    *)
        echo "usage: $0 start|stop|purge" >&2
        exit 2
        ;;
esac
