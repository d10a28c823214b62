#!/usr/bin/env bash
# Installs whatever is missing on this machine for running the portal or the tests: Node (from the
# npm registry), the workspace's packages (Yarn, from the lockfile), the hub's binaries and CRDs
# (built from the Go module proxy into ~/.cache/hostplane) and, with --for-tests, Debian's
# chromium and a running PostgreSQL. Safe to run again: a warm machine only checks.
source "$(dirname "$0")/lib.sh"

for_tests=false
[ "${1:-}" = "--for-tests" ] && for_tests=true

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_postgres() {
  command -v pg_ctlcluster >/dev/null 2>&1 || apt_install postgresql
  if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
    log "starting PostgreSQL"
    local version
    version=$(ls /etc/postgresql | sort -V | tail -1)
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  fi
  pg_isready -h 127.0.0.1 -p 5432 -q || { log "PostgreSQL does not answer on 127.0.0.1:5432"; exit 1; }
}

# Go is needed for the hub's binaries; Debian's is older than the modules require.
if [ ! -x /usr/local/go/bin/go ] && ! command -v go >/dev/null 2>&1; then
  log "Go is missing: install Go 1.26 to /usr/local/go (needed to build the hub's binaries)"
  exit 1
fi

ensure_node
cd "$REPO_ROOT"

# The npm registry this machine is configured for (Yarn would otherwise use its own default).
YARN_NPM_REGISTRY_SERVER=$(npm config get registry 2>/dev/null)
export YARN_NPM_REGISTRY_SERVER
log "installing workspace packages (seconds when nothing changed)"
yarn_args=()
# CI must build from the committed lockfile exactly.
[ -n "${CI:-}" ] && yarn_args+=(--immutable)
yarn install "${yarn_args[@]}"

bash packages/local-hub/scripts/build-binaries.sh

# The local hub's metrics pipeline: VictoriaMetrics (with vmagent and vmalert), Prometheus (the
# second supported store) and Alertmanager, at the versions the Debian release pins.
apt_install victoria-metrics prometheus prometheus-alertmanager

if $for_tests; then
  apt_install chromium
  ensure_postgres
fi
