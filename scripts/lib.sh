# Shared by the setup, start and test scripts: where the cache lives and how to find or install the
# toolchain that Backstage needs. Everything comes from the npm registry, the Go module proxy or
# Debian's packages; nothing is downloaded from anywhere else.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export HOSTPLANE_CACHE=${HOSTPLANE_CACHE:-$HOME/.cache/hostplane}
NODE_VERSION=22.23.3

log() { printf '\033[1m[hostplane]\033[0m %s\n' "$*" >&2; }

# Backstage supports Node 22/24; the machine may have an older one. The npm registry ships Node
# builds as node-linux-<arch> packages: the binary plus the C headers that native addons build against.
ensure_node() {
  local arch
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64) arch=arm64 ;;
    *) log "unsupported CPU $(uname -m)"; return 1 ;;
  esac
  local dir="$HOSTPLANE_CACHE/node-v$NODE_VERSION-linux-$arch"
  if [ ! -x "$dir/bin/node" ]; then
    log "installing Node $NODE_VERSION from the npm registry"
    local tmp
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "node-linux-$arch@$NODE_VERSION" >/dev/null)
    tar -xzf "$tmp"/node-linux-*.tgz -C "$tmp"
    mkdir -p "$HOSTPLANE_CACHE"
    rm -rf "$dir" && mv "$tmp/package" "$dir"
    rm -rf "$tmp"
  fi
  export PATH="$dir/bin:$PATH"
  # Without this, node-gyp would download headers (it cannot here) or use another Node's.
  export npm_config_nodedir="$dir"
  export YARN_ENABLE_TELEMETRY=0
  export YARN_GLOBAL_FOLDER="$HOSTPLANE_CACHE/yarn"
}

# Go builds share one cache outside the repo so a fresh clone finds them warm.
go_env() {
  export PATH="/usr/local/go/bin:$PATH"
  export GOCACHE="$HOSTPLANE_CACHE/go-build" GOMODCACHE="$HOSTPLANE_CACHE/go-mod"
  export GOTOOLCHAIN=local GOFLAGS="-trimpath -buildvcs=false"
}

# The repo pins Yarn in .yarn/releases; no global install or corepack download is needed.
yarn() {
  node "$REPO_ROOT/.yarn/releases/yarn-4.13.0.cjs" "$@"
}
