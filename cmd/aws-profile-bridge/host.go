package main

import (
	"io"

	"github.com/rs/zerolog"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/bridge"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/host"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/nativemsg"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/settings"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/signer"
)

// runHost is the native host that signs in itself: what a manifest naming this binary starts
// (one written before the lean host existed, or a `go install` with no lean host beside it), and
// what the lean host starts for each sign-in (internal/host/handoff.go).
func runHost(caller nativemsg.Caller, stdin io.Reader, stdout io.Writer) int {
	return host.Run(caller, stdin, stdout, host.Options{
		Version: version, Commit: commit, Date: date,
		Signer: func(st settings.Settings, _ zerolog.Logger) bridge.Signer {
			return signer.New(signer.Env{Paths: st.AWS, SigninEndpoint: st.SigninEndpoint})
		},
		SSOLogin:      startDetachedSSOLogin,
		DetachChildIO: true,
	})
}
