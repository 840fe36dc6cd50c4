package bridge

import (
	"context"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
)

// Do runs an already-decoded request, as Handle does for raw bytes, and returns the reply JSON
// and, when the reply is an error object, its code ("" on success). The HTTP front end decodes
// the path and body itself and calls this, so both transports share one core and one set of
// error codes. Like Handle it logs one "request" line on s.Log.
func (s *Service) Do(ctx context.Context, req Request) (reply []byte, code apierr.Code) {
	start := time.Now()
	reply, err := s.do(ctx, req)
	return s.finish(start, req.Action, -1, reply, err)
}
