#!/usr/bin/env bash
# Load figures for the HTTP fallback (`aws-profile-bridge serve`): CLIENTS concurrent keep-alive
# clients for SECS seconds against a real server on 127.0.0.1 under a temporary HOME with 1 000
# profiles (a quarter SSO), on POST /profiles (served from the server's in-memory list cache),
# POST /profiles/enrich (rebuilt on every request) and GET /health. Prints
# throughput, p50/p99/max latency, errors (target 0) and the server's peak RSS (VmHWM, target
# < 50 MB). Loopback only. Usage: scripts/bench-http.sh [SECS] [CLIENTS]  (default 10 s, 50)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
clients=${2:-50}
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

CGO_ENABLED=0 go build -trimpath -o "$work/aws-profile-bridge" ./cmd/aws-profile-bridge
go build -o "$work/httpload" ./scripts/httpload
home="$work/home"
mkdir -p "$home/.aws"
chmod 700 "$home" "$home/.aws"
awk 'BEGIN {
  for (i = 0; i < 1000; i++) {
    k = i % 4
    if (k == 0) printf "[profile prod-%04d]\nregion = eu-west-1\nrole_arn = arn:aws:iam::111122223333:role/Admin%d\nsource_profile = base\n\n", i, i
    else if (k == 1) printf "[profile dev-sso-%04d]\nsso_session = corp\nsso_account_id = 444455556666\nsso_role_name = Dev%d\nregion = us-east-1\n\n", i, i
    else if (k == 2) printf "[profile test-%04d]\nregion = us-west-2\n\n", i
    else printf "[profile stg-%04d]\nregion = ap-southeast-2\nrole_arn = arn:aws:iam::111122223333:role/Stg%d\nsource_profile = base\nmfa_serial = arn:aws:iam::111122223333:mfa/me\n\n", i, i
  }
  printf "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-central-1\n"
}' > "$home/.aws/config"
printf '[base]\naws_access_key_id = AKIAEXAMPLEBENCH0001\naws_secret_access_key = benchSecretKey000000000000000000000000001\n' > "$home/.aws/credentials"
chmod 600 "$home/.aws/config" "$home/.aws/credentials"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 18999)
runenv=(env -i "HOME=$home" "PATH=$PATH" "AWS_EC2_METADATA_DISABLED=true"
  "AWS_PROFILE_BRIDGE_CONFIG_DIR=$home/.config/aws-profile-bridge" "AWS_PROFILE_BRIDGE_LOG_DIR=$home/logs"
  "AWS_PROFILE_BRIDGE_LOG_LEVEL=warn")
token=$("${runenv[@]}" "$work/aws-profile-bridge" token create --label bench 2>/dev/null)
origin="moz-extension://0b7c1a4e-4a8e-4f57-9d6c-1f2e3d4c5b6a"

# start_server starts serve and sets spid.
start_server() {
  "${runenv[@]}" "AWS_PROFILE_BRIDGE_CACHE_DIR=$home/cache" "$work/aws-profile-bridge" serve --port "$port" 2>"$work/serve.err" &
  spid=$!
  pids+=("$spid")
  for _ in $(seq 100); do
    if curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; then return; fi
    sleep 0.05
  done
  echo "serve did not start:"; cat "$work/serve.err"; exit 1
}
stop_server() {
  kill -TERM "$spid"
  wait "$spid" || { echo "serve exited non-zero after SIGTERM"; exit 1; }
  pids=()
}
hwm() { awk '/^VmHWM/ {printf "%.1f", $2/1024}' "/proc/$1/status" 2>/dev/null || echo n/a; }

echo "HTTP fallback: $clients clients x ${secs}s, 1 000 profiles, $(nproc 2>/dev/null || echo ?) CPUs ($(go env GOOS)/$(go env GOARCH))"
printf '%-30s %9s %10s %9s %9s %9s %7s %12s\n' case requests req/s p50-ms p99-ms max-ms errors peak-RSS-MB
load() { "$work/httpload" -c "$clients" -d "${secs}s" "$@"; }

start_server on
row=$(load -label "POST /profiles" -method POST -url "http://127.0.0.1:$port/profiles" -token "$token" -origin "$origin")
echo "$row $(printf '%12s' "$(hwm "$spid")")"
row=$(load -label "POST /profiles/enrich (no cache)" -method POST -url "http://127.0.0.1:$port/profiles/enrich" -token "$token" -origin "$origin")
echo "$row $(printf '%12s' "$(hwm "$spid")")"
row=$(load -label "GET /health" -url "http://127.0.0.1:$port/health")
echo "$row $(printf '%12s' "$(hwm "$spid")")"
stop_server
echo "(peak RSS: the server's VmHWM, cumulative over the rows; it then stopped on SIGTERM with exit 0)"
