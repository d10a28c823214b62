#!/usr/bin/env bash
# Builds (or finds) everything the local hub runs, from the Go module proxy at pinned versions, into
# a cache outside the repo keyed by version:
#   $HOSTPLANE_CACHE/bin/kubernetes-<v>/  kube-apiserver kube-controller-manager kube-scheduler kubectl
#   $HOSTPLANE_CACHE/bin/etcd-<v>/        etcd etcdctl etcdutl
#   $HOSTPLANE_CACHE/bin/kwok-<v>/        kwok kwokctl
#   $HOSTPLANE_CACHE/crds/<project>-<v>/  the upstream CRDs of HyperShift, KubeVirt and Kamaji
#   $HOSTPLANE_CACHE/bin/s3-server-gofakes3-<v>-<source hash>/s3-server  the backup stores' test S3 server
#   $HOSTPLANE_CACHE/bin/victorialogs-<v>/  victoria-logs vlagent (the local hub's log store and collector)
# `build-binaries.sh s3-server` and `build-binaries.sh victorialogs` build only those, for tests
# that need nothing else.
# A warm cache only checks that the folders exist. Each build writes to a temporary folder and
# renames it when complete, so an interrupted build is redone, never half-used.
set -euo pipefail
source "$(cd "$(dirname "$0")/../../.." && pwd)/scripts/lib.sh"
go_env

GO_DIR="$REPO_ROOT/packages/local-hub/go"
# One file pins every version, for this script and for the TypeScript that finds the results.
version() { node -p "require('$REPO_ROOT/packages/local-hub/versions.json').$1"; }
KUBERNETES_VERSION=$(version kubernetes)
ETCD_VERSION=$(version etcd)
KWOK_VERSION=$(version kwok)
HYPERSHIFT_VERSION=$(version hypershift)
KUBEVIRT_VERSION=$(version kubevirt)
KAMAJI_VERSION=$(version kamaji)
GOFAKES3_VERSION=$(version gofakes3)
VICTORIALOGS_VERSION=$(version victorialogs)

BIN="$HOSTPLANE_CACHE/bin"
CRDS="$HOSTPLANE_CACHE/crds"
mkdir -p "$BIN" "$CRDS"

# One build at a time per cache: test suites started together on a cold cache would otherwise each
# build the same binaries, and each would clear the others' partial folders. The later ones wait,
# then find the folders built.
exec 9>"$HOSTPLANE_CACHE/.build-binaries.lock"
if ! flock -n 9; then
  log "another build of the hub's binaries is running; waiting for it"
  flock 9
fi

# Runs "$@" while printing what is being built and how long it has taken, every 30 s.
with_progress() {
  local what=$1
  shift
  local start=$SECONDS
  log "building $what (takes minutes on a cold cache)"
  "$@" &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 5
    if (((SECONDS - start) % 30 < 5)) && kill -0 "$pid" 2>/dev/null; then
      log "  still building $what: $((SECONDS - start)) s"
    fi
  done
  if ! wait "$pid"; then
    log "building $what failed after $((SECONDS - start)) s"
    return 1
  fi
  log "built $what in $((SECONDS - start)) s"
}

# ensure_dir NAME BUILD_FUNCTION: runs the function with a fresh temporary folder unless NAME exists.
ensure_dir() {
  local final=$1 build=$2
  [ -d "$final" ] && return 0
  local partial="$final.partial"
  rm -rf "$partial"
  mkdir -p "$partial"
  "$build" "$partial"
  mv "$partial" "$final"
}

build_kubernetes() {
  local minor=${KUBERNETES_VERSION#v1.}
  minor=${minor%%.*}
  local ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$KUBERNETES_VERSION"
  ldflags+=" -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor"
  ldflags+=" -X k8s.io/component-base/version.gitTreeState=clean"
  ldflags+=" -X k8s.io/client-go/pkg/version.gitVersion=$KUBERNETES_VERSION"
  (cd "$GO_DIR/kubernetes" && with_progress "Kubernetes $KUBERNETES_VERSION (kube-apiserver, kube-controller-manager, kube-scheduler, kubectl)" \
    go build -ldflags "$ldflags" -o "$1/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl)
}

build_etcd() {
  (cd "$GO_DIR/etcd" && with_progress "etcd $ETCD_VERSION (etcd, etcdctl, etcdutl)" bash -c "
    go build -ldflags '-s -w' -o '$1/etcd' go.etcd.io/etcd/server/v3 &&
    go build -ldflags '-s -w' -o '$1/etcdctl' go.etcd.io/etcd/etcdctl/v3 &&
    go build -ldflags '-s -w' -o '$1/etcdutl' go.etcd.io/etcd/etcdutl/v3")
}

build_kwok() {
  (cd "$GO_DIR/kwok" && with_progress "KWOK $KWOK_VERSION (kwok, kwokctl)" \
    go build -ldflags "-s -w" -o "$1/" \
    sigs.k8s.io/kwok/cmd/kwok sigs.k8s.io/kwok/cmd/kwokctl)
}

module_dir() {
  go mod download -json "$1" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p'
}

fetch_hypershift_crds() {
  local dir
  dir=$(module_dir "github.com/openshift/hypershift@$HYPERSHIFT_VERSION")
  local manifests="$dir/cmd/install/assets/hypershift-operator/zz_generated.crd-manifests"
  for kind in hostedclusters nodepools hostedcontrolplanes; do
    cp "$manifests/$kind-Default.crd.yaml" "$1/$kind.yaml"
  done
}

fetch_kamaji_crds() {
  local dir
  dir=$(module_dir "github.com/clastix/kamaji@$KAMAJI_VERSION")
  for kind in tenantcontrolplanes datastores; do
    cp "$dir/config/crd/bases/kamaji.clastix.io_$kind.yaml" "$1/$kind.yaml"
  done
}

generate_kubevirt_crds() {
  (cd "$GO_DIR/kubevirt-crds" && with_progress "KubeVirt $KUBEVIRT_VERSION CRD generator" \
    go build -o "$1/kubevirt-crds" .)
  "$1/kubevirt-crds" >"$1/kubevirt.yaml"
  rm "$1/kubevirt-crds"
}

# The S3-compatible server the backup stores' tests run against: gofakes3 (a library, hence our own
# main in go/s3, which adds a SigV4 check), not SeaweedFS. gofakes3 and its few dependencies build in
# well under a minute on 2 cores and serve ListObjectsV2 and multipart uploads, all the stores use;
# SeaweedFS's full S3 gateway (filer, volume server, hundreds of modules) takes many minutes for
# features the tests do not exercise. The folder is keyed by the wrapper's source as well as by
# gofakes3's version, since main.go is ours: `s3ServerBinary` in src/s3 computes the same hash.
S3_SERVER_SOURCE_HASH=$(cat "$GO_DIR/s3/go.mod" "$GO_DIR/s3/go.sum" "$GO_DIR/s3/main.go" | sha256sum | cut -c1-12)
build_s3_server() {
  (cd "$GO_DIR/s3" && with_progress "S3 test server (gofakes3 $GOFAKES3_VERSION)" \
    go build -ldflags "-s -w" -o "$1/s3-server" .)
}
ensure_s3_server() {
  ensure_dir "$BIN/s3-server-gofakes3-$GOFAKES3_VERSION-$S3_SERVER_SOURCE_HASH" build_s3_server
}
# VictoriaLogs and its collector, from their module at the pinned version through a wrapper module
# (go/victorialogs); both build in well under a minute on 2 cores.
build_victorialogs() {
  (cd "$GO_DIR/victorialogs" && with_progress "VictoriaLogs $VICTORIALOGS_VERSION (victoria-logs, vlagent)" \
    go build -ldflags "-s -w" -o "$1/" \
    github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs github.com/VictoriaMetrics/VictoriaLogs/app/vlagent)
}
ensure_victorialogs() {
  ensure_dir "$BIN/victorialogs-$VICTORIALOGS_VERSION" build_victorialogs
}
if [ "${1:-}" = s3-server ]; then
  ensure_s3_server
  exit 0
fi
if [ "${1:-}" = victorialogs ]; then
  ensure_victorialogs
  exit 0
fi

ensure_dir "$BIN/kubernetes-$KUBERNETES_VERSION" build_kubernetes
ensure_dir "$BIN/etcd-$ETCD_VERSION" build_etcd
ensure_dir "$BIN/kwok-$KWOK_VERSION" build_kwok
ensure_dir "$CRDS/hypershift-$HYPERSHIFT_VERSION" fetch_hypershift_crds
ensure_dir "$CRDS/kamaji-$KAMAJI_VERSION" fetch_kamaji_crds
ensure_dir "$CRDS/kubevirt-$KUBEVIRT_VERSION" generate_kubevirt_crds
ensure_victorialogs
ensure_s3_server
log "hub binaries and CRDs are ready in $HOSTPLANE_CACHE"
