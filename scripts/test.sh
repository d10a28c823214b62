#!/usr/bin/env bash
# Installs what is missing and runs the whole test suite: type, format and lint checks, unit and
# hub-backed tests (Jest, through the Backstage CLI), then the end-to-end tests (Playwright in
# Debian's chromium).
# Ends with one line "hostplane: N passed, M failed".
source "$(dirname "$0")/lib.sh"
bash "$REPO_ROOT/scripts/setup.sh" --for-tests
ensure_node
cd "$REPO_ROOT"
results="$REPO_ROOT/.local/test-results"
rm -rf "$results" && mkdir -p "$results"
status=0

log "type check"
yarn tsc || status=1

log "format check"
yarn prettier --check . || status=1

log "lint"
yarn backstage-cli repo lint --max-warnings 0 || status=1

log "unit and hub tests"
CI=true yarn backstage-cli repo test --json --outputFile="$results/jest.json" || status=1

log "building the frontend that the end-to-end backend serves"
yarn workspace app build >"$results/app-build.log" || { cat "$results/app-build.log"; status=1; }

log "end-to-end tests"
PLAYWRIGHT_JSON_OUTPUT_NAME="$results/playwright.json" \
  yarn workspace e2e-tests test --reporter=list,json || status=1

node "$REPO_ROOT/scripts/summarize-tests.js" "$results/jest.json" "$results/playwright.json" || status=1
exit $status
