#!/usr/bin/env bash
# Spawn-to-reply figures for the native host: the floor (a trivial Go host) and getProfiles with
# 10, 1 000 and 10 000 profiles, cold (reply cache off: both files parsed) and warm (served
# from the reply cache because the files did not change; files under 32 KiB, like the
# 10-profile row, are never cached, so its warm row is a second cold one). Usage: scripts/bench.sh [RUNS]  (default 100 runs per row)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-100}
out=$(go test -run '^$' -bench 'BenchmarkSpawn' -benchtime "${runs}x" -count 1 ./cmd/aws-profile-bridge/)
echo "$out" | grep -E '^(goos|goarch|cpu):' || true
echo
printf '%-22s %10s %10s %10s %12s %12s\n' case mean-ms p50-ms max-ms peak-RSS-MB vs-floor-p50
echo "$out" | awk '
/^BenchmarkSpawnGetProfiles\// {
  name=$1; sub(/^BenchmarkSpawnGetProfiles\//,"",name); sub(/-[0-9]+$/,"",name)
  for (i=3;i<=NF;i++) { if ($(i+1)=="ns/op") mean=$i/1e6; if ($(i+1)=="p50-ms") p50=$i; if ($(i+1)=="max-ms") mx=$i; if ($(i+1)=="peak-RSS-MB") rss=$i }
  if (name=="floor") floor=p50
  printf "%-22s %10.2f %10.2f %10.2f %12.1f %11.2fx\n", name, mean, p50, mx, rss, (floor>0? p50/floor : 0)
}'
echo
echo "$out" | awk '
/^BenchmarkSpawnOpenProfile/ {
  for (i=3;i<=NF;i++) { if ($(i+1)=="p50-ms") p50=$i; if ($(i+1)=="requests/op") r=$i }
  printf "openProfile (role, local fake AWS): spawn to consoleUrl p50 %.2f ms, %s requests per call\n", p50, r
}'

echo
# The HTTP fallback under load (50 clients x 10 s; see scripts/bench-http.sh).
./scripts/bench-http.sh
