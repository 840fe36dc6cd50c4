<#
.SYNOPSIS
Puts aws-profile-bridge.exe and the lean native host aws-profile-bridge-host.exe side by side into
%LOCALAPPDATA%\aws-profile-bridge\bin and registers the lean host for every browser found (files
plus HKCU registry keys). The binaries come from a downloaded release (-From ARCHIVE, checked
against the SHA256SUMS beside it; no Go needed), from the extracted release this script sits in,
or are built with Go from this source tree.

.DESCRIPTION
The Windows counterpart of install/install.sh. It takes the binaries from -From ARCHIVE or from
the release it was extracted with, or else checks for Go and builds both with their version,
commit and build date; it copies them into the bin directory (an identical binary is left alone),
then runs `aws-profile-bridge.exe install --binary <that path>` with the flags you add, which
writes the host manifests (naming aws-profile-bridge-host.exe, which hands sign-ins to
aws-profile-bridge.exe beside it) under %LOCALAPPDATA%\aws-profile-bridge\NativeMessagingHosts
and the registry keys under HKCU (HKLM with -System), Firefox in both the 32-bit and 64-bit
views. Safe to run again. -Uninstall runs `aws-profile-bridge.exe uninstall` and removes both
binaries; your .aws folder is never touched.

.PARAMETER From
A release archive, aws-profile-bridge_<version>_windows_<arch>.zip. The SHA256SUMS file of the
same release must sit beside it: a missing file, a missing line or a wrong sum stops the script
before anything is installed.

.PARAMETER Uninstall
Remove the registration (manifests, registry keys, scheduled task) and both binaries.

.PARAMETER System
Register for every user: binaries under %ProgramFiles%\aws-profile-bridge\bin, keys under HKLM.
Needs an elevated PowerShell.

.PARAMETER BinDir
Where to put aws-profile-bridge.exe and aws-profile-bridge-host.exe (default
%LOCALAPPDATA%\aws-profile-bridge\bin).

.PARAMETER InstallArgs
Flags passed on to `aws-profile-bridge.exe install`, e.g.
  -InstallArgs '--extension-id','me@example.com'
  -InstallArgs '--browser','chrome','--chrome-origin','chrome-extension://<id>/'
  -InstallArgs '--http-service'
Arguments after the named parameters are collected here too.

.EXAMPLE
powershell -ExecutionPolicy Bypass -File install\install.ps1

.EXAMPLE
powershell -ExecutionPolicy Bypass -File install\install.ps1 -InstallArgs '--extension-id','me@example.com'

.EXAMPLE
powershell -ExecutionPolicy Bypass -File install.ps1 -From aws-profile-bridge_0.3.0_windows_amd64.zip

.EXAMPLE
powershell -ExecutionPolicy Bypass -File install\install.ps1 -Uninstall
#>
[CmdletBinding()]
param(
    [switch]$Uninstall,
    [switch]$System,
    [string]$BinDir,
    [string]$From,
    [Parameter(ValueFromRemainingArguments = $true)]
    [string[]]$InstallArgs = @()
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

function Test-Admin {
    $id = [Security.Principal.WindowsIdentity]::GetCurrent()
    (New-Object Security.Principal.WindowsPrincipal $id).IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)
}

$root = Split-Path -Parent $PSScriptRoot
if (-not $BinDir) {
    if ($System) { $BinDir = Join-Path $env:ProgramFiles 'aws-profile-bridge\bin' }
    else { $BinDir = Join-Path $env:LOCALAPPDATA 'aws-profile-bridge\bin' }
}
$BinDir = [IO.Path]::GetFullPath($BinDir)
$bin = Join-Path $BinDir 'aws-profile-bridge.exe'
$hostBin = Join-Path $BinDir 'aws-profile-bridge-host.exe'
$scope = @()
if ($System) {
    $scope = @('--system')
    if (-not (Test-Admin)) {
        Write-Host "-System writes HKLM and Program Files and needs an administrator. Open PowerShell with 'Run as administrator' and run:"
        Write-Host "  powershell -ExecutionPolicy Bypass -File `"$PSCommandPath`" -System"
        exit 1
    }
}

if ($Uninstall) {
    if (Test-Path -LiteralPath $bin) {
        & $bin uninstall @scope
        if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
        foreach ($f in @($bin, $hostBin)) {
            if (Test-Path -LiteralPath $f) { Remove-Item -LiteralPath $f -Force }
            Remove-Item -LiteralPath "$f.old" -Force -ErrorAction SilentlyContinue
        }
        Write-Host "Removed $bin and $hostBin."
        if (-not (Get-ChildItem -LiteralPath $BinDir -Force)) {
            Remove-Item -LiteralPath $BinDir -Force
            $parent = Split-Path -Parent $BinDir
            if (-not (Get-ChildItem -LiteralPath $parent -Force)) { Remove-Item -LiteralPath $parent -Force }
        }
    } elseif (Test-Path -LiteralPath $hostBin) {
        Remove-Item -LiteralPath $hostBin -Force
        Remove-Item -LiteralPath "$hostBin.old" -Force -ErrorAction SilentlyContinue
        Write-Host "Removed $hostBin. There is no aws-profile-bridge.exe beside it to remove the browsers' registration: run ``aws-profile-bridge uninstall`` with another copy of it."
    } else {
        Write-Host "No binary at ${bin}: nothing to uninstall there. (If it lives elsewhere: install\install.ps1 -Uninstall -BinDir DIR)"
    }
    exit 0
}

$tmp = Join-Path ([IO.Path]::GetTempPath()) ("aws-profile-bridge-" + [Guid]::NewGuid().ToString('N') + ".exe")
$tmpHost = Join-Path ([IO.Path]::GetTempPath()) ("aws-profile-bridge-host-" + [Guid]::NewGuid().ToString('N') + ".exe")
if ($From) {
    if (-not (Test-Path -LiteralPath $From -PathType Leaf)) { Write-Host "-From ${From}: no such file"; exit 1 }
    $From = (Resolve-Path -LiteralPath $From).Path
    $name = Split-Path -Leaf $From
    $sums = Join-Path (Split-Path -Parent $From) 'SHA256SUMS'
    if (-not (Test-Path -LiteralPath $sums -PathType Leaf)) {
        Write-Host "No SHA256SUMS beside ${From}: download it from the same release into the same folder, then run this again."
        exit 1
    }
    $want = @(Get-Content -LiteralPath $sums | ForEach-Object {
        $f = $_ -split '\s+', 2
        if ($f.Count -eq 2 -and ($f[1] -ceq $name -or $f[1] -ceq "*$name")) { $f[0] }
    })
    if ($want.Count -ne 1) {
        Write-Host "$sums has no single sum for ${name}: is it from the same release? Nothing was installed."
        exit 1
    }
    $got = (Get-FileHash -Algorithm SHA256 -LiteralPath $From).Hash
    if ($got -ne $want[0]) {
        Write-Host "$name does not match SHA256SUMS (got $($got.ToLower()), want $($want[0])): download it again. Nothing was installed."
        exit 1
    }
    Write-Host "Checked $name against SHA256SUMS."
    $unpack = Join-Path ([IO.Path]::GetTempPath()) ("aws-profile-bridge-" + [Guid]::NewGuid().ToString('N'))
    try {
        Expand-Archive -LiteralPath $From -DestinationPath $unpack
        $exe = @(Get-ChildItem -LiteralPath $unpack -Directory | ForEach-Object { Join-Path $_.FullName 'aws-profile-bridge.exe' } | Where-Object { Test-Path -LiteralPath $_ -PathType Leaf })
        if ($exe.Count -ne 1) { Write-Host "$name holds no aws-profile-bridge.exe: is it the Windows release?"; exit 1 }
        Move-Item -LiteralPath $exe[0] -Destination $tmp
        # Releases hold the lean host beside it; one from before it existed does not.
        $lean = Join-Path (Split-Path -Parent $exe[0]) 'aws-profile-bridge-host.exe'
        if (Test-Path -LiteralPath $lean -PathType Leaf) { Move-Item -LiteralPath $lean -Destination $tmpHost }
    } finally {
        Remove-Item -LiteralPath $unpack -Recurse -Force -ErrorAction SilentlyContinue
    }
} elseif ((Test-Path -LiteralPath (Join-Path $root 'aws-profile-bridge.exe')) -and -not (Test-Path -LiteralPath (Join-Path $root 'go.mod'))) {
    # An extracted release: its binaries sit beside install\.
    Copy-Item -LiteralPath (Join-Path $root 'aws-profile-bridge.exe') -Destination $tmp
    $lean = Join-Path $root 'aws-profile-bridge-host.exe'
    if (Test-Path -LiteralPath $lean -PathType Leaf) { Copy-Item -LiteralPath $lean -Destination $tmpHost }
} elseif (-not (Test-Path -LiteralPath (Join-Path $root 'go.mod'))) {
    Write-Host "No source tree or release around this script: run it with -From aws-profile-bridge_<version>_windows_<arch>.zip (with SHA256SUMS beside it)."
    exit 1
} else {
    $go = Get-Command go -ErrorAction SilentlyContinue
    if (-not $go) {
        Write-Host "Go is needed to build aws-profile-bridge: install Go 1.26 or newer (winget install GoLang.Go, or https://go.dev/doc/install), open a new PowerShell, and run this script again; or install a release: install.ps1 -From aws-profile-bridge_<version>_windows_<arch>.zip"
        exit 1
    }

    # The version as scripts/version.sh makes it: the tag v<version> of this commit, or else
    # 0.0.0-<commit time UTC>-<commit>; the build date is the commit's time.
    $commit = $null; $epoch = $null; $tag = $null
    try {
        $commit = (& git -C $root rev-parse --short=12 HEAD 2>$null)
        $epoch = (& git -C $root log -1 --format=%ct 2>$null)
        $tag = (& git -C $root describe --tags --exact-match --match 'v[0-9]*' HEAD 2>$null)
    } catch { }
    if (-not $commit) { $commit = 'unknown' }
    $date = 'unknown'
    $version = '0.0.0-dev'
    if ($epoch) {
        $t = [DateTimeOffset]::FromUnixTimeSeconds([int64]$epoch).UtcDateTime
        $date = $t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'")
        $version = "0.0.0-" + $t.ToString('yyyyMMddHHmmss') + "-$commit"
    }
    if ($tag) { $version = $tag.Substring(1) }
    if ($env:VERSION) { $version = $env:VERSION }

    Write-Host "Building aws-profile-bridge and aws-profile-bridge-host $version (commit $commit)..."
    Push-Location $root
    # As `make build` builds them: static, so the lean host starts as fast as it can.
    $cgo = $env:CGO_ENABLED
    $env:CGO_ENABLED = '0'
    try {
        foreach ($t in @(@($tmp, './cmd/aws-profile-bridge'), @($tmpHost, './cmd/aws-profile-bridge-host'))) {
            & go build -trimpath -ldflags "-s -w -X main.version=$version -X main.commit=$commit -X main.date=$date" -o $t[0] $t[1]
            if ($LASTEXITCODE -ne 0) { throw "go build of $($t[1]) failed (exit $LASTEXITCODE)" }
        }
    } finally {
        $env:CGO_ENABLED = $cgo
        Pop-Location
    }
}

# Put-Binary installs the file $src as $dest, unless $dest is already this build.
function Put-Binary([string]$src, [string]$dest) {
    if ((Test-Path -LiteralPath $dest) -and ((Get-FileHash -LiteralPath $dest).Hash -eq (Get-FileHash -LiteralPath $src).Hash)) {
        Remove-Item -LiteralPath $src -Force
        Write-Host "Unchanged: $dest is already this build."
        return
    }
    if (Test-Path -LiteralPath $dest) {
        # A running host keeps the file open; Windows lets us rename it out of the way.
        Remove-Item -LiteralPath "$dest.old" -Force -ErrorAction SilentlyContinue
        Move-Item -LiteralPath $dest -Destination "$dest.old" -Force
    }
    Move-Item -LiteralPath $src -Destination $dest -Force
    Remove-Item -LiteralPath "$dest.old" -Force -ErrorAction SilentlyContinue
    Write-Host "Installed $dest"
}

New-Item -ItemType Directory -Force -Path $BinDir | Out-Null
Put-Binary $tmp $bin
if (Test-Path -LiteralPath $tmpHost) {
    Put-Binary $tmpHost $hostBin
} elseif (Test-Path -LiteralPath $hostBin) {
    # A lean host of another build would hand its sign-ins to this one: install names this binary.
    Remove-Item -LiteralPath $hostBin -Force
    Write-Host "Removed ${hostBin}: this release has no lean host, and one from another build must not stay beside it."
}

& $bin install --binary $bin @scope @InstallArgs
$code = $LASTEXITCODE
if ($code -ne 0) { exit $code }

if (-not $System) {
    $userPath = [Environment]::GetEnvironmentVariable('Path', 'User')
    if (-not (($userPath -split ';') -contains $BinDir)) {
        Write-Host "Note: $BinDir is not on your Path. To type aws-profile-bridge by name, run:"
        Write-Host "  [Environment]::SetEnvironmentVariable('Path', [Environment]::GetEnvironmentVariable('Path','User') + ';$BinDir', 'User')"
    }
}
exit 0
