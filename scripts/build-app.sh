#!/usr/bin/env bash
# Builds the frontend that the e2e and scale tiers' backend serves (packages/app/dist), unless the
# build there is newer than everything it is made from: the packages' sources and manifests, the
# lockfile and the app config. The suite's e2e and scale tiers then build the app once, and a
# warm run with nothing changed not at all. The build's output goes to a log, shown if it fails.
source "$(dirname "$0")/lib.sh"
ensure_node
cd "$REPO_ROOT"
stamp=packages/app/dist/.hostplane-built
log_file="$REPO_ROOT/.local/app-build.log"

# The first input newer than the last build, or why there is none to compare with.
newer_input() {
  [ -f "$stamp" ] || { echo "there is no build yet"; return; }
  local found
  found=$(find packages plugins \( -name node_modules -o -name dist -o -name dist-types \) -prune -o \
    -type f \( -path '*/src/*' -o -path '*/public/*' -o -name package.json \) \
    -newer "$stamp" -print -quit)
  [ -n "$found" ] || found=$(find yarn.lock app-config*.yaml -newer "$stamp" -print -quit)
  [ -z "$found" ] || echo "$found is newer than the last build"
}

why=$(newer_input)
if [ -z "$why" ]; then
  log "the app in packages/app/dist is up to date; not building it again"
  exit 0
fi
log "building the frontend that the end-to-end backend serves ($why)"
mkdir -p "$(dirname "$log_file")"
if ! yarn workspace app build >"$log_file" 2>&1; then
  cat "$log_file"
  exit 1
fi
touch "$stamp"
