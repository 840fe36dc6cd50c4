#!/usr/bin/env bash
# install/install.sh: build aws-profile-bridge from this source tree into a per-user bin
# directory, then let the binary register itself (`aws-profile-bridge install`) for every browser
# found. `install/install.sh --uninstall` reverses it. Safe to run again: an identical binary is
# not replaced and the binary's own install changes nothing the second time. No sudo unless
# --system. `make install` and `make uninstall` call this script.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: install/install.sh [--bin-dir DIR] [--system] [--uninstall] [INSTALL FLAGS...]

Builds aws-profile-bridge (with its version and commit) into
  Linux: ~/.local/bin                 macOS: ~/Library/Application Support/aws-profile-bridge/bin
  (or --bin-dir DIR, or $AWS_PROFILE_BRIDGE_BIN_DIR; with --system: /usr/local/bin)
then runs `aws-profile-bridge install --binary <that path> [INSTALL FLAGS...]`, which registers
the native-messaging host for every browser found (Firefox always).

INSTALL FLAGS are passed on to the binary's install, for example:
  --extension-id ID                    allow another Firefox add-on id
  --browser chrome --chrome-origin chrome-extension://<id>/
  --http-service                       also run the HTTP fallback as a user service
  (see: aws-profile-bridge install --help)

  --system      install the binary in /usr/local/bin and register for every user (uses sudo)
  --uninstall   run `aws-profile-bridge uninstall` and remove the binary (your profiles and
                credentials in ~/.aws are never touched; add --purge to remove the API tokens
                and the host's log too)
  -h, --help    this text
Environment: VERSION (default 0.1.0-dev), GO (default go), AWS_PROFILE_BRIDGE_BIN_DIR.
EOF
}

say() { printf '%s\n' "$*"; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

here=$(cd "$(dirname "$0")/.." && pwd)
uninstall=0
system=0
bindir=${AWS_PROFILE_BRIDGE_BIN_DIR:-}
pass=()
while [ $# -gt 0 ]; do
  case "$1" in
    --uninstall) uninstall=1 ;;
    --system) system=1 ;;
    --bin-dir) [ $# -ge 2 ] || die "--bin-dir needs a directory"; bindir=$2; shift ;;
    --bin-dir=*) bindir=${1#--bin-dir=} ;;
    -h|--help) usage; exit 0 ;;
    --binary|--binary=*) die "--binary is chosen by this script; use --bin-dir DIR instead" ;;
    *) pass+=("$1") ;;
  esac
  shift
done

case "$(uname -s)" in
  Darwin) default_bindir="$HOME/Library/Application Support/aws-profile-bridge/bin" ;;
  Linux|*BSD) default_bindir="$HOME/.local/bin" ;;
  *) die "$(uname -s) is not supported by this script; on Windows run: powershell -ExecutionPolicy Bypass -File install\\install.ps1" ;;
esac
if [ -z "$bindir" ]; then
  if [ "$system" = 1 ]; then bindir=/usr/local/bin; else bindir=$default_bindir; fi
fi
case "$bindir" in /*) ;; *) bindir="$PWD/$bindir" ;; esac
bin="$bindir/aws-profile-bridge"

# as_root runs a command with sudo when --system asks for it and we are not root already.
as_root() {
  if [ "$system" = 1 ] && [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "--system needs root and sudo is not installed; run this script as root"
    sudo "$@"
  else
    "$@"
  fi
}
scope=()
[ "$system" = 1 ] && scope=(--system)

if [ "$uninstall" = 1 ]; then
  if [ -x "$bin" ]; then
    as_root "$bin" uninstall ${scope[@]+"${scope[@]}"} ${pass[@]+"${pass[@]}"}
    as_root rm -f "$bin"
    say "Removed $bin."
    if [ "$system" = 0 ] && [ "$bindir" = "$default_bindir" ] && [ "$(uname -s)" = Darwin ]; then
      rmdir "$bindir" "$(dirname "$bindir")" 2>/dev/null || true
    fi
  else
    say "No binary at $bin: nothing to uninstall there. (If it lives elsewhere: install/install.sh --uninstall --bin-dir DIR)"
  fi
  exit 0
fi

GO=${GO:-go}
if ! command -v "$GO" >/dev/null 2>&1; then
  if [ -x /usr/local/go/bin/go ]; then GO=/usr/local/go/bin/go; else
    die "Go is needed to build aws-profile-bridge: install Go 1.26 or newer (https://go.dev/doc/install), then run install/install.sh again."
  fi
fi

version=${VERSION:-0.1.0-dev}
commit=$(git -C "$here" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
tmpdir=$(mktemp -d)
trap 'rm -rf "$tmpdir"' EXIT
say "Building aws-profile-bridge $version (commit $commit) with $("$GO" version | cut -d' ' -f3)..."
(cd "$here" && "$GO" build -trimpath -ldflags "-s -w -X main.version=$version -X main.commit=$commit" \
  -o "$tmpdir/aws-profile-bridge" ./cmd/aws-profile-bridge)

if [ -f "$bin" ] && cmp -s "$tmpdir/aws-profile-bridge" "$bin"; then
  say "Unchanged: $bin is already this build."
else
  as_root mkdir -p "$bindir"
  # Copy next to the target, then rename: a running host keeps its old file.
  as_root cp "$tmpdir/aws-profile-bridge" "$bin.new.$$"
  as_root chmod 0755 "$bin.new.$$"
  as_root mv -f "$bin.new.$$" "$bin"
  say "Installed $bin"
fi

as_root "$bin" install --binary "$bin" ${scope[@]+"${scope[@]}"} ${pass[@]+"${pass[@]}"}

if [ "$system" = 0 ]; then
  case ":$PATH:" in
    *":$bindir:"*) ;;
    *) say "Note: $bindir is not on your PATH. To type aws-profile-bridge by name, add it, e.g.:"
       say "  echo 'export PATH=\"$bindir:\$PATH\"' >> ~/.profile" ;;
  esac
fi
