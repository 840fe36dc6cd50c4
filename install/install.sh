#!/usr/bin/env bash
# Builds aws-profile-bridge into a per-user bin directory and registers the native-messaging host
# for Firefox for the current user. `install.sh --uninstall` removes what it wrote.
#
# Until the installers issue lands this covers Firefox on Linux and macOS only; the binary's own
# `install` command will take over (Chromium family, Windows, system scope, the HTTP service).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
name=aws_profile_bridge
ids=("aws-profile-containers@yourname.local" "aws-profile-containers@samfakhreddine.dev" "{b2568b5f-4d45-421c-bac0-88ca342573b9}")
uninstall=0
for arg in "$@"; do
  case "$arg" in
    --uninstall) uninstall=1 ;;
    --extension-id=*) ids+=("${arg#--extension-id=}") ;;
    -h|--help)
      echo "usage: install/install.sh [--extension-id=ID ...] [--uninstall]"
      echo "Builds the binary into \$AWS_PROFILE_BRIDGE_BIN_DIR (default ~/.local/bin, macOS ~/Library/Application Support/aws-profile-bridge/bin)"
      echo "and writes the Firefox host manifest for the current user."
      exit 0 ;;
    *) echo "install.sh: unknown option $arg (try --help)" >&2; exit 2 ;;
  esac
done

case "$(uname -s)" in
  Darwin)
    bindir=${AWS_PROFILE_BRIDGE_BIN_DIR:-"$HOME/Library/Application Support/aws-profile-bridge/bin"}
    mandir="$HOME/Library/Application Support/Mozilla/NativeMessagingHosts" ;;
  Linux)
    bindir=${AWS_PROFILE_BRIDGE_BIN_DIR:-"$HOME/.local/bin"}
    mandir="$HOME/.mozilla/native-messaging-hosts" ;;
  *) echo "install.sh: $(uname -s) is not supported by this script; on Windows use install/install.ps1" >&2; exit 1 ;;
esac
bin="$bindir/aws-profile-bridge"
manifest="$mandir/$name.json"

if [ "$uninstall" = 1 ]; then
  rm -f "$manifest" "$bin"
  echo "Removed $manifest and $bin (your ~/.aws is untouched)."
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  if [ -x /usr/local/go/bin/go ]; then PATH="$PATH:/usr/local/go/bin"; else
    echo "install.sh: Go is needed to build aws-profile-bridge: install Go 1.26 or newer (https://go.dev/doc/install) and run this again." >&2
    exit 1
  fi
fi

mkdir -p "$bindir" "$mandir"
commit=$(git -C "$here" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
version=${VERSION:-0.1.0-dev}
tmp="$bin.tmp.$$"
(cd "$here" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=$version -X main.commit=$commit" -o "$tmp" ./cmd/aws-profile-bridge)
chmod 0755 "$tmp"
mv -f "$tmp" "$bin"

json_ids=""
for id in "${ids[@]}"; do
  case "$id" in *'"'*|*'\'*) echo "install.sh: bad extension id: $id" >&2; exit 2 ;; esac
  json_ids+="${json_ids:+, }\"$id\""
done
escaped_bin=${bin//\\/\\\\}
cat > "$manifest.tmp.$$" <<JSON
{
  "name": "$name",
  "description": "AWS Profile Bridge: AWS profiles and console sign-in for the AWS Profile Containers extension",
  "path": "$escaped_bin",
  "type": "stdio",
  "allowed_extensions": [$json_ids]
}
JSON
chmod 0644 "$manifest.tmp.$$"
mv -f "$manifest.tmp.$$" "$manifest"
echo "Installed $bin ($version, commit $commit)"
echo "Registered the Firefox host manifest $manifest"
case ":$PATH:" in *":$bindir:"*) ;; *) echo "Note: $bindir is not on your PATH; add it to use the command line.";; esac
