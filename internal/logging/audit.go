package logging

import "github.com/rs/zerolog"

// AuditField is the key that marks an audit event.
const AuditField = "audit"

// Audit starts an audit event on log: a line with "audit":true and
// "level":"info" that is written whatever the logger's level (except
// disabled), for security-relevant events such as token create, rotate,
// revoke, refused callers and HTTP auth failures. Finish it with Msg:
//
//	logging.Audit(log).Str("event", "token.create").Str("token_id", id).Msg("token created")
func Audit(log zerolog.Logger) *zerolog.Event {
	// Log() has no level of its own, so the level filter does not drop it.
	return log.Log().Str(zerolog.LevelFieldName, zerolog.InfoLevel.String()).Bool(AuditField, true)
}
