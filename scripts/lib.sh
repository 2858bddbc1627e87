# Shared by scripts/run, scripts/test and scripts/bench: installs what is missing, builds.
# Sourced, not executed. Everything it installs comes from crates.io, npm or Debian.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$ROOT/.tools/node_modules/.bin:$PATH"
# cargo-leptos builds with this flag; cargo test must use the same or everything compiles twice.
export RUSTFLAGS="--cfg erase_components"
export LEPTOS_OUTPUT_NAME="roundtable"
CARGO_LEPTOS_VERSION="0.3.8"
BINARYEN_VERSION="132"

say() { printf '\n==> %s\n' "$*"; }

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

ensure_rust_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "Adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    say "Installing cargo-leptos $CARGO_LEPTOS_VERSION"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
  fi
  local bindgen
  bindgen="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $bindgen\$"; then
    say "Installing wasm-bindgen-cli $bindgen (matching Cargo.lock)"
    cargo install wasm-bindgen-cli --version "=$bindgen"
  fi
}

ensure_wasm_opt() {
  if ! wasm-opt --version 2>/dev/null | grep -q "version $BINARYEN_VERSION"; then
    say "Installing wasm-opt (npm binaryen@$BINARYEN_VERSION)"
    mkdir -p .tools
    npm install --prefix .tools --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION"
  fi
}

build_release() {
  ensure_rust_tools
  ensure_wasm_opt
  say "Building Roundtable (release)"
  cargo leptos build --release
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

