#!/usr/bin/env bash
# scripts/dist.sh: `make dist`. Writes the release of this commit into dist/ (or $DIST_DIR) with
# tools/dist: the version from scripts/version.sh, every file time from the commit
# (SOURCE_DATE_EPOCH), so two runs give the same bytes. DIST_URL is where the release's files will
# be downloaded from ({{version}} is replaced; default: the project's GitHub releases). Works offline once the module cache holds
# tools/go.mod's modules (`cd tools && go mod download`).
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
version=${VERSION:-$(./scripts/version.sh)}
commit=${COMMIT:-$(git rev-parse --short=12 HEAD)}
epoch=${SOURCE_DATE_EPOCH:-$(./scripts/version.sh --epoch)}
out=${DIST_DIR:-dist}
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
echo "dist: aws-profile-bridge $version (commit $commit) into $out"
url=()
[ -z "${DIST_URL:-}" ] || url=(--url "$DIST_URL")
(cd tools && GOFLAGS=-mod=readonly "$GO" run ./dist --root .. --out "$out" \
  --version "$version" --commit "$commit" --source-date-epoch "$epoch" ${url[@]+"${url[@]}"})
(cd "$out" && ls -l --time-style=+ | awk 'NR > 1 { printf "  %10d  %s\n", $5, $NF }')
