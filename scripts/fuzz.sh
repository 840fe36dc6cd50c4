#!/usr/bin/env bash
# Runs every fuzz target for a while (default 30s each). Usage: scripts/fuzz.sh [DURATION]
#
# A target fails only when the fuzzer wrote a new failing input to testdata/fuzz/<Target>/ (go
# test prints it and it is kept there as a regression seed). Go 1.26's fuzz coordinator can
# end a clean run with a bare "context deadline exceeded" at the -fuzztime boundary
# (golang/go#75804, fixed in Go 1.27); such a run wrote no input and counts as a flake.
set -uo pipefail
cd "$(dirname "$0")/.."
t=${1:-30s}
passed=0 failed=0 flaked=0
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for f in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/func //'); do
    corpus="$dir/testdata/fuzz/$f"
    before=$(ls "$corpus" 2>/dev/null | sort)
    echo "== $pkg $f ($t)"
    if go test -run '^$' -fuzz "^$f\$" -fuzztime "$t" "$pkg" > /tmp/fuzz.$$.log 2>&1; then
      passed=$((passed+1))
    else
      after=$(ls "$corpus" 2>/dev/null | sort)
      tail -20 /tmp/fuzz.$$.log
      if [ "$before" != "$after" ]; then
        echo "FAIL: $f wrote a failing input: $(comm -13 <(echo "$before") <(echo "$after") | tr '\n' ' ')"
        failed=$((failed+1))
      else
        echo "flake: $f stopped with an error but wrote no failing input (golang/go#75804)"
        flaked=$((flaked+1))
      fi
    fi
  done
done
rm -f /tmp/fuzz.$$.log
echo "fuzz: $passed passed, $failed failed, $flaked flaked"
[ "$failed" = 0 ]
