#!/usr/bin/env bash
# scripts/dist-check.sh: `make dist-check`. Builds the release (make dist) and checks what a user
# gets from it: SHA256SUMS verifies; a second build is byte-identical; every archive holds both
# binaries; the Homebrew formula and the Scoop manifest name the released archives and their sums;
# the .deb installs both binaries with dpkg and registers the lean host system-wide (it answers
# `version` when started the way Firefox starts it, and an openProfile it hands to
# aws-profile-bridge comes back with that binary's answer), keeps a user's data when installed
# again and leaves nothing when removed; the .rpm holds the same files; install/install.sh --from
# installs a release archive's two binaries with no Go on PATH and refuses an archive whose sum is
# wrong or missing.
# Needs root (dpkg -i), python3, rpm (apt-get install rpm) and ruby (apt-get install ruby).
set -euo pipefail
cd "$(dirname "$0")/.."
here=$PWD
pass=0
ok() { pass=$((pass + 1)); printf 'ok    %s\n' "$*"; }
fail() { printf 'FAIL  %s\n' "$*" >&2; printf 'dist-check: %d passed, 1 failed\n' "$pass"; exit 1; }

[ "$(id -u)" = 0 ] || fail "dist-check installs the .deb: run it as root (sudo make dist-check)"
for t in python3 rpm ruby dpkg sha256sum; do
  command -v "$t" >/dev/null 2>&1 || fail "$t is missing (Debian: apt-get install -y rpm ruby python3)"
done
pkg=aws-profile-bridge
if dpkg -s "$pkg" >/dev/null 2>&1; then fail "$pkg is installed as a package already: dpkg -r $pkg first"; fi

tmp=$(mktemp -d)
trap 'dpkg -r "$pkg" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT

# The release tool's own tests (its module is outside the product's `go vet ./...`).
(cd tools && go vet ./... && go test -count=1 ./...) || fail "tools/: go vet or go test failed"
ok "tools/dist: go vet and go test"

start=$(date +%s)
./scripts/dist.sh
first=$(( $(date +%s) - start ))
version=$(./scripts/version.sh)
cd dist
ok "make dist: ${first}s, $(ls | wc -l) files, $(du -sh . | cut -f1)"

# SHA256SUMS covers every other file of the release, and every line verifies.
sha256sum --quiet --strict -c SHA256SUMS || fail "SHA256SUMS does not verify"
listed=$(awk '{print $2}' SHA256SUMS | sort)
present=$(ls | grep -vx SHA256SUMS | sort)
[ "$listed" = "$present" ] || fail "SHA256SUMS lists $(echo $listed) but dist/ holds $(echo $present)"
ok "SHA256SUMS verifies all $(wc -l <SHA256SUMS) files"

for want in linux_amd64.tar.gz linux_arm64.tar.gz darwin_amd64.tar.gz darwin_arm64.tar.gz windows_amd64.zip windows_arm64.zip; do
  [ -f "${pkg}_${version}_$want" ] || fail "no ${pkg}_${version}_$want"
done
debs=( *.deb ); rpms=( *.rpm )
[ ${#debs[@]} = 2 ] && [ ${#rpms[@]} = 2 ] || fail "want 2 .deb and 2 .rpm, got ${debs[*]} ${rpms[*]}"
for a in *.tar.gz; do
  got=$(tar -tzf "$a" | sed 's|^[^/]*/||' | grep -v '/$' | grep . | sort | tr '\n' ' ')
  [ "$got" = "CHANGELOG.md LICENSE README.md aws-profile-bridge aws-profile-bridge-host install/install.ps1 install/install.sh " ] || fail "$a holds: $got"
done
for a in *.zip; do
  got=$(python3 -c 'import sys, zipfile; print(" ".join(sorted(n.split("/", 1)[1] for n in zipfile.ZipFile(sys.argv[1]).namelist() if not n.endswith("/"))))' "$a")
  [ "$got" = "CHANGELOG.md LICENSE README.md aws-profile-bridge-host.exe aws-profile-bridge.exe install/install.ps1 install/install.sh" ] || fail "$a holds: $got"
done
ok "an archive per OS and CPU (both binaries, README, LICENSE, CHANGELOG, install scripts), .deb and .rpm for linux amd64/arm64"

# A second build of the same commit is the same bytes.
start=$(date +%s)
(cd "$here" && DIST_DIR="$tmp/second" ./scripts/dist.sh >/dev/null)
second=$(( $(date +%s) - start ))
diff -r . "$tmp/second" >/dev/null || fail "a second build differs: $(diff -rq . "$tmp/second" | head -5)"
ok "a second build (${second}s) is byte-identical: $(ls | wc -l) files"

# Homebrew and Scoop name each archive with its sum from SHA256SUMS.
ruby -c "$pkg.rb" >/dev/null || fail "$pkg.rb is not valid Ruby"
python3 - "$version" <<'EOF' || fail "the Homebrew formula or the Scoop manifest does not match the release"
import json, re, sys
version = sys.argv[1]
sums = dict((l.split()[1], l.split()[0]) for l in open("SHA256SUMS"))
rb = open("aws-profile-bridge.rb").read()
pairs = re.findall(r'url "([^"]+)"\s+sha256 "([0-9a-f]{64})"', rb)
assert len(pairs) == 4, pairs
for url, sha in pairs:
    name = url.rsplit("/", 1)[1]
    assert sums.get(name) == sha, (name, sha)
    assert ("_darwin_" in name or "_linux_" in name) and name.endswith(".tar.gz"), name
assert f'version "{version}"' in rb and "class AwsProfileBridge < Formula" in rb
assert 'bin.install "aws-profile-bridge", "aws-profile-bridge-host"' in rb, "the formula does not install both binaries"
m = json.load(open("aws-profile-bridge.json"))
assert m["version"] == version and m["bin"] == "aws-profile-bridge.exe" and m["license"] == "MIT", m
assert sorted(m["architecture"]) == ["64bit", "arm64"], m["architecture"]
for arch, a in m["architecture"].items():
    name = a["url"].rsplit("/", 1)[1]
    assert name.endswith(".zip") and "_windows_" in name and sums.get(name) == a["hash"], (arch, a)
    assert a["extract_dir"] == name[:-4], a
for key in ("description", "homepage", "post_install", "pre_uninstall"):
    assert m[key], key
EOF
ok "Homebrew formula (ruby -c) and Scoop manifest name every archive with its sum"

# host_ask MANIFEST ID REQUEST: start the host the way Firefox does (argv: the manifest's path and
# the extension id), send REQUEST (JSON) as one frame and print the reply.
host_ask() {
  python3 - "$@" <<'EOF'
import json, struct, subprocess, sys
manifest, ext_id, req = sys.argv[1], sys.argv[2], sys.argv[3].encode()
m = json.load(open(manifest))
p = subprocess.run([m["path"], manifest, ext_id], input=struct.pack("<I", len(req)) + req,
                   capture_output=True, timeout=60)
n = struct.unpack("<I", p.stdout[:4])[0]
print(p.stdout[4:4 + n].decode())
EOF
}

# host_check MANIFEST ID: start the host the way Firefox does, send a version frame and check the
# reply.
host_check() {
  python3 - "$1" "$2" "$version" <<'EOF'
import json, os, struct, subprocess, sys
manifest, ext_id, version = sys.argv[1:]
m = json.load(open(manifest))
assert m["name"] == "aws_profile_bridge" and m["type"] == "stdio", m
assert ext_id in m["allowed_extensions"], m
assert os.path.isabs(m["path"]) and os.access(m["path"], os.X_OK), m
req = json.dumps({"action": "version"}).encode()
p = subprocess.run([m["path"], manifest, ext_id], input=struct.pack("<I", len(req)) + req,
                   capture_output=True, timeout=30)
n = struct.unpack("<I", p.stdout[:4])[0]
r = json.loads(p.stdout[4:4 + n])
assert r["action"] == "version" and r["version"] == version and r["date"] != "unknown", r
print(m["path"], "answered", json.dumps(r))
EOF
}
ext_id=aws-profile-containers@yourname.local
mkdir -p "$tmp/home"

# The .deb: no maintainer scripts, so it writes nothing but its own files.
deb=$(ls *_"$(dpkg --print-architecture)".deb)
ctl=$(dpkg-deb -I "$deb" | grep -E '^ +[0-9]+ bytes, +[0-9]+ lines +[a-z]+' | awk '{print $NF}' | sort | tr '\n' ' ')
[ "$ctl" = "control md5sums " ] || fail "$deb has maintainer scripts: $ctl"
dpkg-deb -c "$deb" | awk '{print substr($6, 2)}' | sed 's|/$||' | grep . >"$tmp/deb.list"
: >"$tmp/absent"
while read -r p; do [ -e "$p" ] || echo "$p" >>"$tmp/absent"; done <"$tmp/deb.list"
dpkg -i "$deb" >/dev/null
sysmanifest=/usr/lib/mozilla/native-messaging-hosts/aws_profile_bridge.json
for p in /usr/bin/aws-profile-bridge /usr/bin/aws-profile-bridge-host "$sysmanifest" /usr/share/doc/$pkg/LICENSE; do
  [ -f "$p" ] || fail "dpkg -i $deb did not install $p"
done
for p in /usr/bin/aws-profile-bridge /usr/bin/aws-profile-bridge-host; do
  [ "$(stat -c %a "$p")" = 755 ] || fail "$p has mode $(stat -c %a "$p"), want 755"
done
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["path"] == "/usr/bin/aws-profile-bridge-host"' "$sysmanifest" \
  || fail "$sysmanifest does not name the lean host /usr/bin/aws-profile-bridge-host"
out=$(HOME="$tmp/home" host_check "$sysmanifest" "$ext_id") || fail "the installed host did not answer version"
ok "dpkg -i $deb: $out"
[ "$(/usr/bin/aws-profile-bridge version --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')" = "$version" ] \
  || fail "/usr/bin/aws-profile-bridge version --json does not say $version"
case "$(/usr/bin/aws-profile-bridge-host version)" in "aws-profile-bridge-host $version "*) ;; *) fail "/usr/bin/aws-profile-bridge-host version does not say $version" ;; esac
ok "aws-profile-bridge version --json and aws-profile-bridge-host version say $version"

# The hand-off: the lean host lists profiles itself but hands openProfile to aws-profile-bridge
# beside it. A profile with no credentials gets aws-profile-bridge's own answer (no_credentials,
# which only the signer gives); without that binary, the lean host's internal_error naming it.
mkdir -p "$tmp/home/.aws"
printf '[profile dist-check-nocreds]\nregion = us-east-1\n' >"$tmp/home/.aws/config"
open_req='{"action":"openProfile","profileName":"dist-check-nocreds"}'
reply_code() { python3 -c 'import json,sys; r = json.loads(sys.stdin.read()); print(r.get("code") or r["action"])'; }
reply=$(HOME="$tmp/home" AWS_EC2_METADATA_DISABLED=true host_ask "$sysmanifest" "$ext_id" "$open_req") || fail "openProfile through the lean host: no reply"
[ "$(echo "$reply" | reply_code)" = no_credentials ] || fail "openProfile through the lean host answered $reply, want aws-profile-bridge's no_credentials"
mv /usr/bin/aws-profile-bridge "$tmp/aws-profile-bridge.aside"
reply=$(HOME="$tmp/home" host_ask "$sysmanifest" "$ext_id" "$open_req") || true
mv "$tmp/aws-profile-bridge.aside" /usr/bin/aws-profile-bridge
case "$reply" in *'"internal_error"'*/usr/bin/aws-profile-bridge*) ;; *) fail "without /usr/bin/aws-profile-bridge the lean host answered: $reply" ;; esac
ok "openProfile through the lean host reaches /usr/bin/aws-profile-bridge (no_credentials; internal_error without it)"
rm -f "$tmp/home/.aws/config"
doctor=$(HOME="$tmp/home" /usr/bin/aws-profile-bridge doctor --json || true)
echo "$doctor" | python3 -c '
import json, sys
f = json.load(sys.stdin)["findings"]
want = {("manifest", "/usr/lib/mozilla/native-messaging-hosts/aws_profile_bridge.json"), ("host", "/usr/bin/aws-profile-bridge-host"), ("handoff", "/usr/bin/aws-profile-bridge")}
got = {(x["check"], x.get("path", "")) for x in f if x.get("browser") == "firefox" and x["status"] == "ok"}
assert want <= got, (want - got, [x for x in f if x.get("browser") == "firefox"])
' || fail "doctor does not find the packaged lean host and its hand-off healthy: $doctor"
ok "doctor: the packaged manifest, the lean host and its hand-off to aws-profile-bridge are healthy"

# A user's data (an API token, the host's log) survives installing the package again.
HOME="$tmp/home" /usr/bin/aws-profile-bridge token create --label dist-check >/dev/null
before=$(cd "$tmp/home" && find . -type f | sort | xargs sha256sum)
[ -n "$before" ] || fail "no user data was written under HOME"
dpkg -i "$deb" >/dev/null
after=$(cd "$tmp/home" && find . -type f | sort | xargs sha256sum)
[ "$before" = "$after" ] || fail "installing the package again changed the user's files"
ok "installing again keeps the user's $(echo "$before" | wc -l) files (token store, log)"

# The packaged manifest belongs to dpkg: the binary's own uninstall --system leaves it alone.
HOME="$tmp/home" /usr/bin/aws-profile-bridge uninstall --system >"$tmp/uninstall.out" 2>&1 \
  || fail "uninstall --system with the package installed failed: $(cat "$tmp/uninstall.out")"
[ -f "$sysmanifest" ] || fail "uninstall --system removed the package's $sysmanifest"
grep -q "package manager" "$tmp/uninstall.out" || fail "uninstall --system did not say the manifest is the package's: $(cat "$tmp/uninstall.out")"
dpkg -V "$pkg" || fail "dpkg -V $pkg: the package's files changed"
ok "uninstall --system leaves the package's manifest to dpkg (dpkg -V clean)"

dpkg -r "$pkg" >/dev/null
left=""
while read -r p; do [ -e "$p" ] && left="$left $p"; done <"$tmp/absent"
[ -z "$left" ] || fail "dpkg -r left:$left"
[ "$(cd "$tmp/home" && find . -type f | sort | xargs sha256sum)" = "$before" ] || fail "dpkg -r touched the user's files"
ok "dpkg -r removes all $(wc -l <"$tmp/absent") paths it added and no user file"

# The .rpm: the .deb's files, the /usr/lib64 manifest, no scripts.
rpm=$(ls *.x86_64.rpm)
rpm -qlp "$rpm" 2>/dev/null | sort >"$tmp/rpm.list"
debfiles=$(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ {print substr($6, 2)}' | sort)
missing=$(comm -23 <(echo "$debfiles") "$tmp/rpm.list")
[ -z "$missing" ] || fail "$rpm lacks: $missing"
grep -qx /usr/lib64/mozilla/native-messaging-hosts/aws_profile_bridge.json "$tmp/rpm.list" || fail "$rpm lacks the /usr/lib64 manifest"
[ -z "$(rpm -qp --scripts "$rpm" 2>/dev/null)" ] || fail "$rpm has scripts"
ok "rpm -qlp $rpm: the .deb's $(echo "$debfiles" | wc -l) files plus the /usr/lib64 manifest, no scripts"

# install.sh --from: a downloaded release, no Go on PATH, checked against SHA256SUMS.
arch=$(dpkg --print-architecture)
archive=${pkg}_${version}_linux_${arch}.tar.gz
dl="$tmp/Downloads"; mkdir -p "$dl"
cp "$archive" SHA256SUMS install.sh "$dl/"
nogo=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin
! env -i PATH=$nogo sh -c 'command -v go' >/dev/null || fail "go is in $nogo: the check would not prove that no Go is needed"
home2="$tmp/user"; mkdir -p "$home2"
runinst() { env -i HOME="$home2" PATH=$nogo bash "$dl/install.sh" --bin-dir "$home2/bin" "$@" 2>&1; }
out=$(runinst --from "$dl/$archive") || fail "install.sh --from failed: $out"
usermanifest="$home2/.mozilla/native-messaging-hosts/aws_profile_bridge.json"
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["path"] == sys.argv[2]' "$usermanifest" "$home2/bin/aws-profile-bridge-host" \
  || fail "install.sh --from wrote no manifest naming the lean host $home2/bin/aws-profile-bridge-host: $out"
[ -x "$home2/bin/aws-profile-bridge" ] || fail "install.sh --from did not install aws-profile-bridge beside the lean host: $out"
res=$(HOME="$home2" host_check "$usermanifest" "$ext_id") || fail "the host installed by install.sh --from did not answer"
ok "install.sh --from $archive without Go: $res"
runinst --uninstall >/dev/null || fail "install.sh --uninstall failed"
[ ! -e "$home2/bin/aws-profile-bridge" ] && [ ! -e "$home2/bin/aws-profile-bridge-host" ] && [ ! -e "$usermanifest" ] || fail "install.sh --uninstall left files"

# An extracted archive: its install/install.sh installs the binary beside it, again without Go.
mkdir "$tmp/x" && tar -xzf "$archive" -C "$tmp/x"
out=$(env -i HOME="$home2" PATH=$nogo bash "$tmp/x/${archive%.tar.gz}/install/install.sh" --bin-dir "$home2/bin" 2>&1) \
  || fail "install/install.sh in the extracted archive failed: $out"
cmp -s "$home2/bin/aws-profile-bridge" "$tmp/x/${archive%.tar.gz}/aws-profile-bridge" && [ -f "$usermanifest" ] \
  && cmp -s "$home2/bin/aws-profile-bridge-host" "$tmp/x/${archive%.tar.gz}/aws-profile-bridge-host" \
  || fail "install/install.sh in the extracted archive did not install its binaries: $out"
env -i HOME="$home2" PATH=$nogo bash "$tmp/x/${archive%.tar.gz}/install/install.sh" --bin-dir "$home2/bin" --uninstall >/dev/null \
  || fail "install/install.sh --uninstall in the extracted archive failed"
[ ! -e "$home2/bin/aws-profile-bridge" ] && [ ! -e "$home2/bin/aws-profile-bridge-host" ] || fail "install/install.sh --uninstall in the extracted archive left a binary"
ok "install/install.sh inside the extracted archive installs its binaries without Go"

cp SHA256SUMS "$tmp/sums.good"
sed -i "s/^[0-9a-f]\{8\}\(.*  $archive\)\$/00000000\1/" "$dl/SHA256SUMS"
out=$(runinst --from "$dl/$archive") && fail "install.sh --from accepted a wrong sum"
case "$out" in *"does not match SHA256SUMS"*) ;; *) fail "a wrong sum was refused with: $out" ;; esac
grep -v "  $archive\$" "$tmp/sums.good" >"$dl/SHA256SUMS"
out=$(runinst --from "$dl/$archive") && fail "install.sh --from accepted an archive without a sum"
case "$out" in *"has no sum for $archive"*) ;; *) fail "a missing sum was refused with: $out" ;; esac
rm "$dl/SHA256SUMS"
out=$(runinst --from "$dl/$archive") && fail "install.sh --from accepted an archive without SHA256SUMS"
case "$out" in *"no SHA256SUMS beside"*) ;; *) fail "a missing SHA256SUMS was refused with: $out" ;; esac
[ ! -e "$home2/bin/aws-profile-bridge" ] && [ ! -e "$home2/bin/aws-profile-bridge-host" ] && [ ! -e "$usermanifest" ] || fail "a refused install left files"
ok "install.sh --from refuses a wrong sum, a missing sum and a missing SHA256SUMS, installing nothing"

printf 'dist-check: %d passed, 0 failed\n' "$pass"
