#!/bin/sh
# scripts/version.sh: the version of this checkout, for `make build`, `make dist` and
# install/install.sh. A commit tagged v0.3.0 is 0.3.0; any other commit gets the pseudo-version
# 0.0.0-<commit time, UTC, YYYYMMDDhhmmss>-<commit, 12 hex>, which sorts before every release.
#   scripts/version.sh           the version
#   scripts/version.sh --date    the commit's time, RFC 3339 UTC (the embedded build date)
#   scripts/version.sh --epoch   the commit's time in Unix seconds (SOURCE_DATE_EPOCH)
# Outside a git checkout: 0.0.0-dev, unknown, 0.
set -eu
cd "$(dirname "$0")/.."
if ! git rev-parse --verify -q HEAD >/dev/null 2>&1; then
  case "${1:-}" in --date) echo unknown ;; --epoch) echo 0 ;; *) echo 0.0.0-dev ;; esac
  exit 0
fi
case "${1:-}" in
  --date) TZ=UTC0 git log -1 --date=format-local:%Y-%m-%dT%H:%M:%SZ --format=%cd; exit 0 ;;
  --epoch) git log -1 --format=%ct; exit 0 ;;
  "") ;;
  *) echo "usage: scripts/version.sh [--date|--epoch]" >&2; exit 2 ;;
esac
if tag=$(git describe --tags --exact-match --match 'v[0-9]*' HEAD 2>/dev/null); then
  echo "${tag#v}"
else
  echo "0.0.0-$(TZ=UTC0 git log -1 --date=format-local:%Y%m%d%H%M%S --format=%cd)-$(git rev-parse --short=12 HEAD)"
fi
