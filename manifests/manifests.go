// Package manifests holds the templates the installer renders: the native-messaging host manifests
// of both browser families and the units that run the HTTP fallback as a per-user service. They are
// embedded in the binary, so `aws-profile-bridge install` needs nothing but itself.
package manifests

import "embed"

// FS holds every template, by file name:
//
//	firefox.json.tmpl                  host manifest for Firefox (allowed_extensions)
//	chromium.json.tmpl                 host manifest for the Chromium family (allowed_origins)
//	aws-profile-bridge.service.tmpl    systemd user unit (Linux)
//	launchagent.plist.tmpl             LaunchAgent (macOS)
//	task.xml.tmpl                      Task Scheduler task (Windows)
//
//go:embed *.tmpl
var FS embed.FS
