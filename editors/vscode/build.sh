#!/usr/bin/env bash
# Build the VS Code extension for .obl files: install the npm packages pinned in
# package-lock.json, check the grammar (tests over the shipped rule library), and package the
# extension as a .vsix (vsce runs scripts/bundle.js first, through vscode:prepublish).
#
#   editors/vscode/build.sh [OUT_DIR]     (default: editors/vscode/dist)
#
# Idempotent (npm ci starts from a clean node_modules; the .vsix is overwritten), quiet
# (each step's output is shown only when it fails), non-interactive; exits non-zero on any
# failure. Needs Node.js 20 or later and npm, and network access to the npm registry.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-"$here/dist"}
mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$here"

log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Runs a step with its output captured; on failure prints the output and stops.
step() {
    local name=$1
    shift
    if ! "$@" > "$log" 2>&1; then
        echo "editors/vscode/build.sh: $name failed:" >&2
        cat "$log" >&2
        exit 1
    fi
}

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
    echo "editors/vscode/build.sh: Node.js 20 or later is needed (found: $(node --version 2>/dev/null || echo none))" >&2
    exit 1
fi

step "npm ci" npm ci --no-audit --no-fund --loglevel=error
step "grammar check" node scripts/write-grammar.js --check
step "npm test" npm test
version=$(node -p 'require("./package.json").version')
vsix="$out/obligate-$version.vsix"
step "vsce package" npx --no-install vsce package --no-dependencies --allow-missing-repository --out "$vsix"
echo "editors/vscode: $vsix ($(wc -c < "$vsix") bytes)"
