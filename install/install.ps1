<#
.SYNOPSIS
Builds aws-profile-bridge into %LOCALAPPDATA%\aws-profile-bridge\bin and registers it as the
native-messaging host for every browser found (files plus HKCU registry keys).

.DESCRIPTION
The Windows counterpart of install/install.sh. It checks for Go, builds the binary with its
version and commit, copies it into the bin directory (an identical binary is left alone), then
runs `aws-profile-bridge.exe install --binary <that path>` with the flags you add, which writes
the host manifests under %LOCALAPPDATA%\aws-profile-bridge\NativeMessagingHosts and the registry
keys under HKCU (HKLM with -System), Firefox in both the 32-bit and 64-bit views. Safe to run
again. -Uninstall runs `aws-profile-bridge.exe uninstall` and removes the binary; your .aws
folder is never touched.

.PARAMETER Uninstall
Remove the registration (manifests, registry keys, scheduled task) and the binary.

.PARAMETER System
Register for every user: binary under %ProgramFiles%\aws-profile-bridge\bin, keys under HKLM.
Needs an elevated PowerShell.

.PARAMETER BinDir
Where to put aws-profile-bridge.exe (default %LOCALAPPDATA%\aws-profile-bridge\bin).

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
powershell -ExecutionPolicy Bypass -File install\install.ps1 -Uninstall
#>
[CmdletBinding()]
param(
    [switch]$Uninstall,
    [switch]$System,
    [string]$BinDir,
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
        Remove-Item -LiteralPath $bin -Force
        Remove-Item -LiteralPath "$bin.old" -Force -ErrorAction SilentlyContinue
        Write-Host "Removed $bin."
        if (-not (Get-ChildItem -LiteralPath $BinDir -Force)) {
            Remove-Item -LiteralPath $BinDir -Force
            $parent = Split-Path -Parent $BinDir
            if (-not (Get-ChildItem -LiteralPath $parent -Force)) { Remove-Item -LiteralPath $parent -Force }
        }
    } else {
        Write-Host "No binary at ${bin}: nothing to uninstall there. (If it lives elsewhere: install\install.ps1 -Uninstall -BinDir DIR)"
    }
    exit 0
}

$go = Get-Command go -ErrorAction SilentlyContinue
if (-not $go) {
    Write-Host "Go is needed to build aws-profile-bridge: install Go 1.26 or newer (winget install GoLang.Go, or https://go.dev/doc/install), open a new PowerShell, and run this script again."
    exit 1
}

$version = if ($env:VERSION) { $env:VERSION } else { '0.1.0-dev' }
$commit = $null
try { $commit = (& git -C $root rev-parse --short=12 HEAD 2>$null) } catch { }
if (-not $commit) { $commit = 'unknown' }

$tmp = Join-Path ([IO.Path]::GetTempPath()) ("aws-profile-bridge-" + [Guid]::NewGuid().ToString('N') + ".exe")
Write-Host "Building aws-profile-bridge $version (commit $commit)..."
Push-Location $root
try {
    & go build -trimpath -ldflags "-s -w -X main.version=$version -X main.commit=$commit" -o $tmp ./cmd/aws-profile-bridge
    if ($LASTEXITCODE -ne 0) { throw "go build failed (exit $LASTEXITCODE)" }
} finally {
    Pop-Location
}

New-Item -ItemType Directory -Force -Path $BinDir | Out-Null
if ((Test-Path -LiteralPath $bin) -and ((Get-FileHash -LiteralPath $bin).Hash -eq (Get-FileHash -LiteralPath $tmp).Hash)) {
    Remove-Item -LiteralPath $tmp -Force
    Write-Host "Unchanged: $bin is already this build."
} else {
    if (Test-Path -LiteralPath $bin) {
        # A running host keeps the file open; Windows lets us rename it out of the way.
        Remove-Item -LiteralPath "$bin.old" -Force -ErrorAction SilentlyContinue
        Move-Item -LiteralPath $bin -Destination "$bin.old" -Force
    }
    Move-Item -LiteralPath $tmp -Destination $bin -Force
    Remove-Item -LiteralPath "$bin.old" -Force -ErrorAction SilentlyContinue
    Write-Host "Installed $bin"
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
