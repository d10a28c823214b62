#!/usr/bin/env bash
# Installs what is missing, starts the local hub and serves the portal at http://localhost:3000
# (backend on :7007, SQLite). Ctrl-C stops the portal and the hub; the hub's state is kept for the
# next start.
source "$(dirname "$0")/lib.sh"
bash "$REPO_ROOT/scripts/setup.sh"
ensure_node
cd "$REPO_ROOT"
mkdir -p .local

hub_log=.local/hub.log
log "starting the local hub (log: $hub_log)"
rm -f .local/hub.kubeconfig-path
# Run node itself (not through yarn) so that the signal below reaches the hub's own handler.
node -r @backstage/cli/config/nodeTransform.cjs packages/local-hub/src/cli.ts start \
  >.local/hub.kubeconfig-path 2>"$hub_log" &
hub_pid=$!
stop_hub() {
  kill -TERM "$hub_pid" 2>/dev/null && wait "$hub_pid" 2>/dev/null
}
trap stop_hub EXIT
until [ -s .local/hub.kubeconfig-path ]; do
  if ! kill -0 "$hub_pid" 2>/dev/null; then
    log "the local hub did not start:"
    cat "$hub_log" >&2
    exit 1
  fi
  sleep 1
done
log "hub ready: kubectl --kubeconfig $(cat .local/hub.kubeconfig-path) get hostedclusters -A"
log "serving the portal at http://localhost:3000"
yarn start
