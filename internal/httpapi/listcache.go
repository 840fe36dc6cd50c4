package httpapi

import (
	"context"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/bridge"
)

// The extension asks for the whole list on every popup open, and a script may ask far more
// often; a list of 1 000 profiles costs milliseconds of CPU and megabytes of garbage to build.
// So the server keeps the last default /profiles reply in memory and serves it again while both
// AWS files have the same size, time and identity as when it was built and it is younger than
// listCacheTTL (so an "expired" flag is at most that late). Only replies built from files that
// were quiet (stable.go) are kept, so a change within the same clock tick cannot hide. One build
// runs at a time; requests that arrive meanwhile wait for it instead of building their own.
var listCacheTTL = time.Second

type listCache struct {
	key      []fileState
	at       time.Time
	reply    []byte
	building chan struct{}
}

func (s *Server) cachedProfiles(ctx context.Context, svc *bridge.Service, req bridge.Request) ([]byte, apierr.Code) {
	paths := []string{svc.Paths.ConfigFile, svc.Paths.CredentialsFile}
	for {
		now := time.Now()
		st := statFiles(paths...)
		s.lcMu.Lock()
		c := &s.lc
		if c.reply != nil && now.Sub(c.at) < listCacheTTL && sameStates(c.key, st) {
			r := c.reply
			s.lcMu.Unlock()
			return r, ""
		}
		if c.building != nil {
			ch := c.building
			s.lcMu.Unlock()
			select {
			case <-ch:
				continue
			case <-ctx.Done():
				return apierr.Reply(apierr.New(apierr.CodeCanceled, "the request was abandoned"), false), apierr.CodeCanceled
			}
		}
		done := make(chan struct{})
		c.building = done
		s.lcMu.Unlock()

		reply, code := s.stableDo(ctx, svc, req, true)
		after := statFiles(paths...)
		s.lcMu.Lock()
		if code == "" && sameStates(st, after) && youngest(after, time.Now()) >= quietWindow {
			c.key, c.at, c.reply = after, now, reply
		}
		c.building = nil
		close(done)
		s.lcMu.Unlock()
		return reply, code
	}
}
