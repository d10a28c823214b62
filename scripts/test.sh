#!/usr/bin/env bash
# Installs what is missing and runs the whole test suite: type, format and lint checks, then the
# test tiers, each as the root package.json's `yarn test:<tier>` runs it alone:
#   unit         Jest, every *.test.ts(x) but the hub-backed ones: pure, no hub, seconds a file
#   integration  Jest, the *.hub.test.ts: each starts a real local hub (and tenants) of its own
#   e2e          Playwright: the real backend and the built portal in chromium, on the e2e hub
#   scale        Playwright: the Clusters page against the cached 10,000-cluster hub
# Unit first, so that a broken unit shows within minutes; every tier runs whatever an earlier one
# found, and the summary counts them all. Ends with one line "hostplane: N passed, M failed".
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

log "unit tests (yarn test:unit)"
CI=true yarn test:unit --json --outputFile="$results/unit.json" || status=1

log "integration tests, against real hubs (yarn test:integration)"
CI=true yarn test:integration --json --outputFile="$results/integration.json" || status=1

log "end-to-end tests (yarn test:e2e)"
PLAYWRIGHT_JSON_OUTPUT_NAME="$results/e2e.json" \
  yarn test:e2e --reporter=list,json || status=1

log "scale tests (yarn test:scale)"
PLAYWRIGHT_JSON_OUTPUT_NAME="$results/scale.json" \
  yarn test:scale --reporter=list,json || status=1

node "$REPO_ROOT/scripts/summarize-tests.js" \
  unit="$results/unit.json" integration="$results/integration.json" \
  e2e="$results/e2e.json" scale="$results/scale.json" || status=1
exit $status
