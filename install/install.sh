#!/usr/bin/env bash
# install/install.sh: put aws-profile-bridge and its lean native host aws-profile-bridge-host side
# by side into a per-user bin directory, then let the first register the second
# (`aws-profile-bridge install`) for every browser found. The binaries come from a release archive
# (--from ARCHIVE, checked against the SHA256SUMS beside it; no Go needed), from the extracted
# release this script sits in, or are built from this source tree. `--uninstall` reverses it.
# Safe to run again: an identical binary is not replaced and the binary's own install changes
# nothing the second time. No sudo unless --system. `make install` and `make uninstall` call this
# script.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: install/install.sh [--from ARCHIVE] [--bin-dir DIR] [--system] [--uninstall] [INSTALL FLAGS...]

Puts aws-profile-bridge and the lean native host aws-profile-bridge-host, side by side, into
  Linux: ~/.local/bin                 macOS: ~/Library/Application Support/aws-profile-bridge/bin
  (or --bin-dir DIR, or $AWS_PROFILE_BRIDGE_BIN_DIR; with --system: /usr/local/bin)
then runs `aws-profile-bridge install --binary <that path> [INSTALL FLAGS...]`, which registers
the lean host for every browser found (Firefox always). The binaries are:
  --from ARCHIVE   the ones in a downloaded release archive (aws-profile-bridge_<version>_<os>_<arch>.tar.gz),
                   after checking the archive against the SHA256SUMS file beside it: a missing
                   file, a missing line or a wrong sum stops here with nothing installed
  otherwise        the ones beside this script in an extracted release, or else built with Go
                   from this source tree (version, commit and build date embedded)

INSTALL FLAGS are passed on to the binary's install, for example:
  --extension-id ID                    allow another Firefox add-on id
  --browser chrome --chrome-origin chrome-extension://<id>/
  --http-service                       also run the HTTP fallback as a user service
  (see: aws-profile-bridge install --help)

  --system      install the binary in /usr/local/bin and register for every user (uses sudo)
  --uninstall   run `aws-profile-bridge uninstall` and remove both binaries (your profiles and
                credentials in ~/.aws are never touched; add --purge to remove the API tokens
                and the host's log too)
  -h, --help    this text
Environment (source builds): VERSION (default: scripts/version.sh), GO (default go);
AWS_PROFILE_BRIDGE_BIN_DIR.
EOF
}

say() { printf '%s\n' "$*"; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

here=$(cd "$(dirname "$0")/.." && pwd)
uninstall=0
system=0
bindir=${AWS_PROFILE_BRIDGE_BIN_DIR:-}
from=
pass=()
while [ $# -gt 0 ]; do
  case "$1" in
    --uninstall) uninstall=1 ;;
    --system) system=1 ;;
    --bin-dir) [ $# -ge 2 ] || die "--bin-dir needs a directory"; bindir=$2; shift ;;
    --bin-dir=*) bindir=${1#--bin-dir=} ;;
    --from) [ $# -ge 2 ] || die "--from needs a release archive"; from=$2; shift ;;
    --from=*) from=${1#--from=} ;;
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
host="$bindir/aws-profile-bridge-host"

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
    as_root rm -f "$bin" "$host"
    say "Removed $bin and $host."
    if [ "$system" = 0 ] && [ "$bindir" = "$default_bindir" ] && [ "$(uname -s)" = Darwin ]; then
      rmdir "$bindir" "$(dirname "$bindir")" 2>/dev/null || true
    fi
  elif [ -e "$host" ]; then
    as_root rm -f "$host"
    say "Removed $host. There is no aws-profile-bridge beside it to remove the browsers' registration: run \`aws-profile-bridge uninstall\` with another copy of it, or delete the aws_profile_bridge.json manifests."
  else
    say "No binary at $bin: nothing to uninstall there. (If it lives elsewhere: install/install.sh --uninstall --bin-dir DIR)"
  fi
  exit 0
fi

tmpdir=$(mktemp -d)
trap 'rm -rf "$tmpdir"' EXIT
new="$tmpdir/aws-profile-bridge"
newhost="$tmpdir/aws-profile-bridge-host"

# sha256 prints the SHA-256 of a file (GNU coreutils, or shasum on macOS and the BSDs).
sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then shasum -a 256 "$1" | cut -d' ' -f1
  else die "neither sha256sum nor shasum is installed: cannot check $1"; fi
}

if [ -n "$from" ]; then
  [ -f "$from" ] || die "--from $from: no such file"
  name=$(basename "$from")
  sums="$(dirname "$from")/SHA256SUMS"
  [ -f "$sums" ] || die "no SHA256SUMS beside $from: download it from the same release into $(dirname "$from"), then run this again"
  want=$(awk -v f="$name" '$2 == f || $2 == "*" f { print $1 }' "$sums")
  [ -n "$want" ] || die "$sums has no sum for $name: is it from the same release? Nothing was installed."
  [ "$(printf '%s\n' "$want" | wc -l)" -eq 1 ] || die "$sums lists $name more than once; download it again"
  got=$(sha256 "$from")
  [ "$got" = "$want" ] || die "$name does not match SHA256SUMS (got $got, want $want): download it again. Nothing was installed."
  say "Checked $name against SHA256SUMS."
  case "$name" in
    *.tar.gz|*.tgz) tar -xzf "$from" -C "$tmpdir" ;;
    *.zip) command -v unzip >/dev/null 2>&1 || die "unzip is needed for $name"; unzip -q "$from" -d "$tmpdir" ;;
    *) die "$name: expected a release archive (.tar.gz)" ;;
  esac
  set -- "$tmpdir"/*/aws-profile-bridge
  [ $# -eq 1 ] && [ -f "$1" ] || die "$name holds no aws-profile-bridge binary: is it a release archive for $(uname -s)?"
  mv "$1" "$new"
  "$new" version >/dev/null 2>&1 || die "the binary in $name does not run here: take the archive for $(uname -s)/$(uname -m)"
  # Releases hold the lean host beside it; one from before it existed does not.
  if [ -f "$(dirname "$1")/aws-profile-bridge-host" ]; then
    mv "$(dirname "$1")/aws-profile-bridge-host" "$newhost"
    "$newhost" version >/dev/null 2>&1 || die "the lean host in $name does not run here: take the archive for $(uname -s)/$(uname -m)"
  fi
elif [ -f "$here/aws-profile-bridge" ] && [ ! -f "$here/go.mod" ]; then
  # An extracted release: its binaries sit beside install/.
  cp "$here/aws-profile-bridge" "$new"
  "$new" version >/dev/null 2>&1 || die "$here/aws-profile-bridge does not run here: take the release for $(uname -s)/$(uname -m)"
  if [ -f "$here/aws-profile-bridge-host" ]; then
    cp "$here/aws-profile-bridge-host" "$newhost"
    "$newhost" version >/dev/null 2>&1 || die "$here/aws-profile-bridge-host does not run here: take the release for $(uname -s)/$(uname -m)"
  fi
elif [ ! -f "$here/go.mod" ]; then
  die "no source tree or release around this script: run it with --from aws-profile-bridge_<version>_<os>_<arch>.tar.gz (with SHA256SUMS beside it)"
else
  GO=${GO:-go}
  if ! command -v "$GO" >/dev/null 2>&1; then
    if [ -x /usr/local/go/bin/go ]; then GO=/usr/local/go/bin/go; else
      die "Go is needed to build aws-profile-bridge: install Go 1.26 or newer (https://go.dev/doc/install) and run install/install.sh again, or install a release: install/install.sh --from aws-profile-bridge_<version>_<os>_<arch>.tar.gz"
    fi
  fi
  version=${VERSION:-$("$here/scripts/version.sh")}
  commit=$(git -C "$here" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
  date=$("$here/scripts/version.sh" --date)
  say "Building aws-profile-bridge and aws-profile-bridge-host $version (commit $commit) with $("$GO" version | cut -d' ' -f3)..."
  # As `make build` builds them: static, so the lean host starts as fast as it can.
  for target in "$new:aws-profile-bridge" "$newhost:aws-profile-bridge-host"; do
    (cd "$here" && CGO_ENABLED=0 "$GO" build -trimpath -ldflags "-s -w -X main.version=$version -X main.commit=$commit -X main.date=$date" \
      -o "${target%%:*}" "./cmd/${target#*:}")
  done
fi

# put SRC DEST installs SRC as DEST, unless DEST is already this build.
put() {
  if [ -f "$2" ] && cmp -s "$1" "$2"; then
    say "Unchanged: $2 is already this build."
    return
  fi
  as_root mkdir -p "$bindir"
  # Copy next to the target, then rename: a running host keeps its old file.
  as_root cp "$1" "$2.new.$$"
  as_root chmod 0755 "$2.new.$$"
  as_root mv -f "$2.new.$$" "$2"
  say "Installed $2"
}
put "$new" "$bin"
if [ -f "$newhost" ]; then
  put "$newhost" "$host"
elif [ -e "$host" ]; then
  # A lean host of another build would hand its sign-ins to this one: install names this binary.
  as_root rm -f "$host"
  say "Removed $host: this release has no lean host, and one from another build must not stay beside it."
fi

as_root "$bin" install --binary "$bin" ${scope[@]+"${scope[@]}"} ${pass[@]+"${pass[@]}"}

if [ "$system" = 0 ]; then
  case ":$PATH:" in
    *":$bindir:"*) ;;
    *) say "Note: $bindir is not on your PATH. To type aws-profile-bridge by name, add it, e.g.:"
       say "  echo 'export PATH=\"$bindir:\$PATH\"' >> ~/.profile" ;;
  esac
fi
