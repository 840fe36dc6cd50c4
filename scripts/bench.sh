#!/usr/bin/env bash
# `make bench`: the native host's spawn-to-reply figures next to their targets, then the HTTP
# fallback under load.
#
# Rows (BenchmarkSpawn, cmd/aws-profile-bridge/spawn_bench_test.go): the floor (a trivial Go host
# answering one frame: process start alone), the version action (the host's own start-up), and
# getProfiles with 10, 1 000, 5 000 and 10 000 profiles, cold (reply cache off: both files parsed)
# and warm (served from the reply cache; files under 32 KiB, like the 10-profile row's, are never
# cached, so that warm row is a second cold one). Then BenchmarkLoad (parsing alone) and the peak
# RSS. The host is the lean one install registers; "version, aws-profile-bridge" is the same
# action from the binary that links the AWS SDK. Every target is on the median (p50) of RUNS spawns. The figures depend on how busy the
# machine is: the load average is printed with them.
#
# Usage: scripts/bench.sh [RUNS]  (default 100 runs per row)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-100}
load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)
out=$(go test -run '^$' -bench '^BenchmarkSpawn' -benchtime "${runs}x" -count 1 ./cmd/aws-profile-bridge/)
parse=$(go test -run '^$' -bench '^BenchmarkLoad$/^profiles=1000$' -benchmem -count 1 ./internal/awsconfig/)
load_after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)
echo "$out" | grep -E '^(goos|goarch|cpu):' || true
echo "load average before: $load_before; after: $load_after ($(nproc 2>/dev/null || echo ?) CPUs); $runs runs per row"
echo

{ echo "$out"; echo "$parse"; } | awk '
function field(unit,   i) { for (i = 3; i < NF; i++) if ($(i+1) == unit) return $i; return "" }
function verdict(ok) { return ok ? "met" : "NOT MET" }
/^BenchmarkSpawn\// {
  name = $1; sub(/^BenchmarkSpawn\//, "", name); sub(/-[0-9]+$/, "", name)
  order[++n] = name; p50[name] = field("p50-ms"); mx[name] = field("max-ms"); rss[name] = field("peak-RSS-MB")
}
/^BenchmarkSpawnOpenProfile/ { open50 = field("p50-ms"); openreq = field("requests/op") }
/^BenchmarkLoad\// { loadns = field("ns/op"); loadallocs = field("allocs/op") }
END {
  floor = p50["floor"]
  printf "%-28s %8s %10s %8s %8s  %-18s %s\n", "case", "p50 ms", "over floor", "max ms", "RSS MB", "target", "result"
  for (i = 1; i <= n; i++) {
    c = order[i]; label = c; over = sprintf("%+.2f", p50[c] - floor); target = "-"; result = "-"
    sub(/\/profiles=/, ", ", label); sub(/$/, "", label)
    if (c == "floor") { label = "floor (trivial Go host)"; over = "" }
    if (c == "version-full") label = "version, aws-profile-bridge"
    if (c ~ /^cold\/profiles=1000$/) { lim = 4 }
    else if (c ~ /^cold\/profiles=10000$/) { lim = 40 }
    else if (c ~ /^warm\//) { lim = 2 }
    else { lim = -1 }
    if (c ~ /profiles=/) label = label " profiles"
    if (lim >= 0) { target = sprintf("floor + %d ms", lim); result = verdict(p50[c] - floor <= lim) }
    printf "%-28s %8.2f %10s %8.2f %8.1f  %-18s %s\n", label, p50[c], over, mx[c], rss[c], target, result
  }
  peak = rss["cold/profiles=10000"]; if (rss["warm/profiles=10000"] > peak) peak = rss["warm/profiles=10000"]
  printf "%-28s %8s %10s %8s %8.1f  %-18s %s\n", "peak RSS, 10 000 profiles", "", "", "", peak, "<= 25 MB", verdict(peak <= 25)
  printf "%-28s %8.2f %10s %8s %8s  %-18s %s\n", "BenchmarkLoad, 1 000 (ms)", loadns / 1e6, "", "", "", "<= 1 ms", verdict(loadns <= 1e6)
  printf "%-28s %8d %10s %8s %8s  %-18s %s\n", "BenchmarkLoad, 1 000 (allocs)", loadallocs, "", "", "", "<= 3 000 allocs", verdict(loadallocs <= 3000)
  if (open50 != "") printf "\nopenProfile (role, local fake AWS): spawn to consoleUrl p50 %.2f ms, %s AWS requests per call\n", open50, openreq
}'

echo
# The HTTP fallback under load (50 clients x 10 s; see scripts/bench-http.sh).
[ "${BENCH_HTTP:-1}" = 0 ] || ./scripts/bench-http.sh
