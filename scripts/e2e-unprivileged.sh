#!/usr/bin/env bash
# scripts/e2e-unprivileged.sh: run the browser end-to-end tests (e2e/firefox_test.go,
# e2e/chromium_test.go) as an unprivileged user, to show that nothing in the setup needs root:
# install/install.sh, the manifests under the user's HOME, the browser starting the host, the
# host's log.
#
# Starts as root (it creates the user when missing, default apb-e2e; APB_E2E_USER to change).
# Root compiles the two binaries and the test binary once with its warm Go caches; the user runs
# the compiled test, and install/install.sh (still run as the user, copying, registering) finds
# the prebuilt aws-profile-bridge and aws-profile-bridge-host beside it, as in an extracted
# release, instead of compiling them from a cold cache.
# `make e2e-unprivileged` runs this; .ci/run too.
#
# --compile-as-user: compile nothing as root. The user gets a copy of the source tree and of
# root's module download cache (served to it as a file:// GOPROXY, no network), its own
# GOCACHE/GOMODCACHE/GOPATH, and runs `go test ./e2e/` itself, so install/install.sh compiles the
# binaries as the user too. Slower (a cold build cache: about a minute on two cores).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
user=${APB_E2E_USER:-apb-e2e}
compile_as_user=0
case "${1:-}" in
  --compile-as-user) compile_as_user=1 ;;
  "") ;;
  *) echo "usage: scripts/e2e-unprivileged.sh [--compile-as-user]" >&2; exit 2 ;;
esac
GO=${GO:-go}
command -v "$GO" >/dev/null 2>&1 || GO=/usr/local/go/bin/go

if [ "$(id -u)" != 0 ]; then
  echo "e2e-unprivileged.sh: start it as root (it creates the user $user and switches to it); as yourself, run: make e2e" >&2
  exit 1
fi
command -v runuser >/dev/null 2>&1 || { echo "e2e-unprivileged.sh: runuser (util-linux) is missing" >&2; exit 1; }
if ! id -u "$user" >/dev/null 2>&1; then
  useradd --create-home --shell /bin/sh --user-group "$user"
  echo "Created user $user."
fi

work=$(mktemp -d /tmp/apb-e2e-unpriv.XXXXXX)
cleanup() {
  # Anything of the user's still running here was started by this run: name it, end it by pid.
  # (The test itself waits for its process group to die; allow a moment for stragglers.)
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    left=$(pgrep -u "$user" -r R,S,D,T,I || true)
    [ -z "$left" ] && break
    sleep 0.5
  done
  if [ -n "$left" ]; then
    echo "e2e-unprivileged.sh: processes of $user left behind:" $left >&2
    ps -o pid,pgid,stat,etime,args -p "$(echo $left | tr ' ' ,)" >&2 || true
    for pid in $left; do kill -KILL "$pid" 2>/dev/null || true; done
  fi
  rm -rf "$work"
}
trap cleanup EXIT
chmod 0755 "$work"

if [ "$compile_as_user" = 1 ]; then
  # The whole source tree (tracked and new files, not ignored ones) and a module proxy on disk.
  mkdir -p "$work/src" "$work/tmp" "$work/modproxy"
  git ls-files -z -co --exclude-standard | tar --null -T - -cf - | tar -C "$work/src" -xf -
  cp -a "$("$GO" env GOMODCACHE)/cache/download/." "$work/modproxy/"
  chmod -R a+rX "$work/src" "$work/modproxy"
  chown "$user:" "$work/tmp"
  chmod 0700 "$work/tmp"
  goroot=$("$GO" env GOROOT)
  echo "Running the browser end-to-end tests as $user (uid $(id -u "$user")), compiling as $user..."
  cd "$work/src"
  runuser -u "$user" -- env -i \
    HOME="$(getent passwd "$user" | cut -d: -f6)" USER="$user" LOGNAME="$user" \
    PATH="$goroot/bin:/usr/local/bin:/usr/bin:/bin" TMPDIR="$work/tmp" LANG=C.UTF-8 \
    GOCACHE="$work/tmp/gocache" GOMODCACHE="$work/tmp/gomod" GOPATH="$work/tmp/gopath" \
    GOPROXY="file://$work/modproxy" GOSUMDB=off GOTOOLCHAIN=local GOFLAGS=-mod=readonly \
    APB_E2E_FIREFOX=1 APB_E2E_CHROMIUM=1 ${APB_FIREFOX:+APB_FIREFOX="$APB_FIREFOX"} \
    ${APB_CHROMIUM:+APB_CHROMIUM="$APB_CHROMIUM"} ${APB_E2E_VERBOSE:+APB_E2E_VERBOSE=1} \
    go test -count=1 -v -run 'Firefox|Chromium' -timeout 10m ./e2e/
  exit 0
fi

# What the test reads from the source tree, copied where the user can read it (the checkout may
# sit under a private home).
mkdir -p "$work/src" "$work/bin" "$work/tmp"
tar -C "$repo" -cf - install e2e/extension | tar -C "$work/src" -xf -
mkdir -p "$work/src/e2e"

version=${VERSION:-$(./scripts/version.sh)}
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
echo "Building both binaries and the test as root..."
for b in aws-profile-bridge aws-profile-bridge-host; do
  CGO_ENABLED=0 "$GO" build -trimpath -ldflags "-s -w -X main.version=$version -X main.commit=$commit" \
    -o "$work/bin/$b" "./cmd/$b"
done
"$GO" test -c -o "$work/bin/e2e.test" ./e2e

# install/install.sh (run by the test as the user) finds both binaries beside install/, as in an
# extracted release archive, and installs them without compiling anything.
cp "$work/bin/aws-profile-bridge" "$work/bin/aws-profile-bridge-host" "$work/src/"
chmod 0755 "$work/bin/aws-profile-bridge" "$work/bin/aws-profile-bridge-host" "$work/src/aws-profile-bridge" \
  "$work/src/aws-profile-bridge-host" "$work/bin/e2e.test"
chmod -R a+rX "$work/src" "$work/bin"
chown "$user:" "$work/tmp"
chmod 0700 "$work/tmp"

echo "Running the browser end-to-end tests as $user (uid $(id -u "$user"))..."
cd "$work/src/e2e"
runuser -u "$user" -- env -i \
  HOME="$(getent passwd "$user" | cut -d: -f6)" USER="$user" LOGNAME="$user" \
  PATH=/usr/local/bin:/usr/bin:/bin TMPDIR="$work/tmp" LANG=C.UTF-8 \
  APB_E2E_FIREFOX=1 APB_E2E_CHROMIUM=1 APB_E2E_REPO="$work/src" \
  ${APB_FIREFOX:+APB_FIREFOX="$APB_FIREFOX"} ${APB_CHROMIUM:+APB_CHROMIUM="$APB_CHROMIUM"} \
  ${APB_E2E_VERBOSE:+APB_E2E_VERBOSE=1} \
  "$work/bin/e2e.test" -test.run 'Firefox|Chromium' -test.v -test.count=1 -test.timeout 3m
