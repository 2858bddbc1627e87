# Shared by scripts/run, scripts/test and scripts/bench: installs what is missing, builds.
# Sourced, not executed. Everything it installs comes from crates.io, npm or Debian.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$ROOT/.tools/node_modules/.bin:$PATH"
# Every cargo command (the site, the server, the tests) uses this flag, or everything compiles twice.
export RUSTFLAGS="--cfg erase_components"
export LEPTOS_OUTPUT_NAME="roundtable"
BINARYEN_VERSION="132"

say() { printf '\n==> [%dm%02ds] %s\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_apt() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    say "Installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  fi
}

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "Adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

# A rustup component (clippy, rustfmt): added when missing; if the toolchain's source cannot be
# reached, says so loudly and returns 1, so the caller skips that gate rather than the whole run.
ensure_rust_component() {
  if rustup component list --installed 2>/dev/null | grep -q "^$1"; then
    return 0
  fi
  say "Adding the $1 component"
  if rustup component add "$1"; then
    return 0
  fi
  echo "WARNING: $1 is not installed and could not be added: its gate is SKIPPED on this machine" >&2
  return 1
}

ensure_wasm_opt() {
  if ! wasm-opt --version 2>/dev/null | grep -q "version $BINARYEN_VERSION"; then
    say "Installing wasm-opt (npm binaryen@$BINARYEN_VERSION)"
    mkdir -p .tools
    npm install --prefix .tools --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION"
  fi
}

# The site (wasm, its JavaScript and the stylesheet, in target/site) through the workspace's own
# xtask, which uses wasm-bindgen's library: nothing to install but the wasm target and wasm-opt.
build_site() {
  site_tools
  say "Building the site (wasm, release)"
  "$ROOT/target/release/xtask" site
}

# What the site's build needs: the wasm target, wasm-opt, and the xtask that drives it.
site_tools() {
  ensure_wasm_target
  ensure_wasm_opt
  cargo build --release --quiet -p xtask
}

# The site (in target/front) and the server (in target) build side by side: each build ends in
# steps that use one core (the wasm's link-time optimisation, the server's own crates), which
# the other build fills. Both finish, and either one's failure fails the step.
build_release() {
  site_tools
  say "Building the site (wasm, release) and the server (release) side by side"
  "$ROOT/target/release/xtask" site &
  local site=$! site_status=0 server_status=0
  cargo build --release -p server "$@" || server_status=$?
  wait "$site" || site_status=$?
  if [ "$site_status" != 0 ] || [ "$server_status" != 0 ]; then
    echo "build failed: site exit $site_status, server exit $server_status" >&2
    return 1
  fi
  say "Built the site and the server"
}

# A throw-away PostgreSQL cluster on loopback for the integration tests: created in a temporary
# folder, owned by the postgres system user (initdb refuses root), stopped and removed on exit.
# Sets ROUNDTABLE_TEST_POSTGRES to its address.
start_throwaway_postgres() {
  ensure_apt postgresql postgresql-client
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  PG_DIR="$(mktemp -d /tmp/roundtable-pg.XXXXXX)"
  local port run=()
  port="$(shuf -i 20000-60000 -n 1)"
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$PG_DIR"
    run=(runuser -u postgres --)
  fi
  "${run[@]}" "$bin/initdb" -D "$PG_DIR/data" -A trust -U roundtable >/dev/null
  "${run[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null
  PG_STOP=("${run[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -m fast stop)
  trap stop_throwaway_postgres EXIT
  export ROUNDTABLE_TEST_POSTGRES="postgres://roundtable@127.0.0.1:$port"
}

stop_throwaway_postgres() {
  if [ -n "${PG_DIR:-}" ]; then
    "${PG_STOP[@]}" >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
    PG_DIR=""
  fi
}

