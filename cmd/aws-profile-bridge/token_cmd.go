package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/rs/zerolog"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/logging"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/settings"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/token"
)

const tokenHelp = `aws-profile-bridge token create [--label L] | list [--json] | rotate ID | revoke ID|--all

Manage the API tokens of the HTTP fallback (aws-profile-bridge serve). A token is shown once, when
it is created or rotated: paste it into the extension's settings. Only its SHA-256 is kept, in
tokens.json in the config directory (mode 0600 in a 0700 directory); there is no way to show it
again, so a lost token is rotated or revoked. A running server picks up every change at once.
Each change is written to the audit log (ids and labels, never a token).

Commands:
  create [--label L]    make a token; it is printed alone on stdout
  list [--json]         id, label, created, last used and bound origin of each token
  rotate ID             replace a token (same id and label; the old one stops working at once,
                        and the new one binds to the first extension that uses it)
  revoke ID | --all     delete a token, or every token`

func tokenUsage(w io.Writer) { fmt.Fprintf(w, "Usage: %s\n", tokenHelp) }

// redactingWriter masks tokens in what it writes: nothing the token commands print on stderr
// should hold one, but a token pasted where an id, a command or a flag belongs would be echoed
// by an error message ("unknown command", "unexpected argument"). It masks awspc_… and a lone
// run of exactly 43 Base62 characters (a token's random part pasted without its frame).
// logging.Redact is meant for log lines and also masks paths that look like secrets; here only
// tokens are masked, so that a chmod to run stays readable.
type redactingWriter struct{ w io.Writer }

var tokenLike = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`awspc_[A-Za-z0-9_]*|(?:^|[^A-Za-z0-9])[A-Za-z0-9]{43}(?:[^A-Za-z0-9]|$)`)
}) // lazy: keeps process start fast

func (r redactingWriter) Write(p []byte) (int, error) {
	out := tokenLike().ReplaceAllFunc(p, func(m []byte) []byte {
		if bytes.HasPrefix(m, []byte(token.Prefix)) {
			return []byte(logging.Mask)
		}
		// Keep the characters around a bare part.
		pre, post := []byte{}, []byte{}
		if !isAlnum(m[0]) {
			pre, m = m[:1], m[1:]
		}
		if !isAlnum(m[len(m)-1]) {
			post = m[len(m)-1:]
		}
		return append(append(append([]byte(nil), pre...), logging.Mask...), post...)
	})
	if _, err := r.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z'
}

func cmdToken(args []string, stdout, stderr io.Writer) int {
	stderr = redactingWriter{stderr}
	if len(args) == 0 {
		tokenUsage(stderr)
		return 2
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "create":
		return cmdTokenCreate(rest, stdout, stderr)
	case "list", "ls":
		return cmdTokenList(rest, stdout, stderr)
	case "rotate":
		return cmdTokenRotate(rest, stdout, stderr)
	case "revoke", "rm":
		return cmdTokenRevoke(rest, stdout, stderr)
	case "help", "-h", "-help", "--help":
		tokenUsage(stdout)
		return 0
	}
	errorf(stderr, "token", "unknown command %q (see aws-profile-bridge token --help)", sub)
	return 2
}

// tokenEnv is what a token command needs: the settings and the store.
type tokenEnv struct {
	name   string // "token create" …, for messages
	st     settings.Settings
	store  *token.Store
	stderr io.Writer
}

// openTokens loads the settings and opens the store (creating it when create is set). It prints
// what went wrong and returns false on failure.
func openTokens(name string, create bool, stderr io.Writer) (*tokenEnv, bool) {
	e := &tokenEnv{name: "aws-profile-bridge " + name, stderr: stderr}
	st, err := settings.Load()
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", e.name, err)
		return nil, false
	}
	e.st = st
	s, err := token.Open(st.ConfigDir, create)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", e.name, err)
		return nil, false
	}
	e.store = s
	return e, true
}

// audit opens the log for one audit event. required: fail (create, rotate: nothing is issued
// without a trail); otherwise warn and go on (revoke: never block taking a token away).
func (e *tokenEnv) audit(required bool) (zerolog.Logger, func(), bool) {
	log, closer, err := logging.Open(e.st.LogDir, e.st.LogLevel)
	if err != nil {
		if required {
			fmt.Fprintf(e.stderr, "%s: cannot open the audit log (%v); nothing was changed\n", e.name, err)
			return zerolog.Nop(), func() {}, false
		}
		fmt.Fprintf(e.stderr, "%s: warning: cannot open the audit log (%v); going on without it\n", e.name, err)
		return zerolog.Nop(), func() {}, true
	}
	return log.With().Str("mode", "cli").Logger(), func() { closer.Close() }, true
}

// fail prints err (never holding a token: the store guarantees it) and returns the exit code.
func (e *tokenEnv) fail(err error) int {
	switch {
	case errors.Is(err, token.ErrNotFound):
		fmt.Fprintf(e.stderr, "%s: %v; `aws-profile-bridge token list` shows the ids\n", e.name, err)
	default:
		fmt.Fprintf(e.stderr, "%s: %v\n", e.name, err)
	}
	return 1
}

func cmdTokenCreate(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("token create", "aws-profile-bridge token create [--label L]\n\nMake an API token for the HTTP fallback and print it once, alone on stdout. Paste it into the\nextension's settings: it is never shown again (only its SHA-256 is kept).", stderr)
	label := fs.String("label", "", "a name for the token, shown by \"token list\" (at most 64 characters, no control characters)")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if !token.ValidLabel(*label) {
		fmt.Fprintf(stderr, "aws-profile-bridge token create: --label: %v\n", token.ErrBadLabel)
		return 2
	}
	e, ok := openTokens("token create", true, stderr)
	if !ok {
		return 1
	}
	log, done, ok := e.audit(true)
	if !ok {
		return 1
	}
	defer done()
	tok, rec, err := e.store.Create(*label)
	if err != nil {
		return e.fail(err)
	}
	logging.Audit(log).Str("event", "token.create").Str("token_id", rec.ID).Str("label", rec.Label).Msg("token created")
	fmt.Fprintln(stdout, tok)
	fmt.Fprintf(stderr, "Created token %s%s. Paste it into the extension's settings; it will not be shown again.\n", rec.ID, labelSuffix(rec.Label))
	return 0
}

func labelSuffix(l string) string {
	if l == "" {
		return ""
	}
	return fmt.Sprintf(" (%q)", l)
}

// listedToken is what `token list --json` shows of a record: never the hash.
type listedToken struct {
	ID        string     `json:"id"`
	Label     string     `json:"label"`
	Created   time.Time  `json:"created"`
	LastUsed  *time.Time `json:"last_used"`
	Origin    string     `json:"origin"`
	RotatedAt *time.Time `json:"rotated_at"`
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func cmdTokenList(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("token list", "aws-profile-bridge token list [--json]\n\nList the API tokens: id, label, created, last used (recorded at most once a minute) and the\nextension origin each is bound to. Tokens themselves are never shown: they are not kept.", stderr)
	asJSON := fs.Bool("json", false, "print a JSON array")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	e, ok := openTokens("token list", false, stderr)
	if !ok {
		return 1
	}
	recs, err := e.store.List()
	if err != nil {
		return e.fail(err)
	}
	if *asJSON {
		out := make([]listedToken, 0, len(recs))
		for _, r := range recs {
			out = append(out, listedToken{ID: r.ID, Label: r.Label, Created: r.Created, LastUsed: optTime(r.LastUsed), Origin: r.Origin, RotatedAt: optTime(r.RotatedAt)})
		}
		_ = printJSON(stdout, out)
		return 0
	}
	if len(recs) == 0 {
		fmt.Fprintln(stderr, "No API tokens. Create one with: aws-profile-bridge token create --label firefox")
		return 0
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tLABEL\tCREATED\tLAST USED\tORIGIN")
	for _, r := range recs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, dash(r.Label), fmtTime(r.Created), fmtTime(r.LastUsed), dash(r.Origin))
	}
	tw.Flush()
	return 0
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.Local().Format("2006-01-02 15:04")
}

func cmdTokenRotate(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("token rotate", "aws-profile-bridge token rotate ID\n\nReplace the token ID (as `token list` shows it) with a new one, printed once alone on stdout.\nThe old token stops working at once, also for a running server; the new one keeps the id and\nthe label and binds to the first extension that uses it.", stderr)
	id, code, done := parseWithPositional(fs, args, stdout)
	if done {
		return code
	}
	if id == "" {
		fmt.Fprintln(stderr, "aws-profile-bridge token rotate: name a token id (aws-profile-bridge token list shows them)")
		return 2
	}
	e, ok := openTokens("token rotate", false, stderr)
	if !ok {
		return 1
	}
	log, closeLog, ok := e.audit(true)
	if !ok {
		return 1
	}
	defer closeLog()
	tok, rec, err := e.store.Rotate(id)
	if err != nil {
		return e.fail(err)
	}
	logging.Audit(log).Str("event", "token.rotate").Str("token_id", rec.ID).Str("label", rec.Label).Msg("token rotated")
	fmt.Fprintln(stdout, tok)
	fmt.Fprintf(stderr, "Rotated token %s%s: the old token no longer works. Paste the new one into the extension's settings; it will not be shown again.\n", rec.ID, labelSuffix(rec.Label))
	return 0
}

func cmdTokenRevoke(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("token revoke", "aws-profile-bridge token revoke ID | --all\n\nDelete the token ID (as `token list` shows it), or every token with --all. It stops working at\nonce, also for a running server.", stderr)
	all := fs.Bool("all", false, "revoke every token")
	id, code, done := parseWithPositional(fs, args, stdout)
	if done {
		return code
	}
	if (id == "") == !*all {
		fmt.Fprintln(stderr, "aws-profile-bridge token revoke: name one token id, or --all (aws-profile-bridge token list shows the ids)")
		return 2
	}
	e, ok := openTokens("token revoke", false, stderr)
	if !ok {
		return 1
	}
	log, closeLog, _ := e.audit(false)
	defer closeLog()
	if *all {
		n, err := e.store.RevokeAll()
		if err != nil {
			return e.fail(err)
		}
		logging.Audit(log).Str("event", "token.revoke_all").Int("count", n).Msg("every token revoked")
		fmt.Fprintf(stderr, "Revoked %d token%s.\n", n, plural(n))
		return 0
	}
	rec, _ := e.store.Get(id)
	if err := e.store.Revoke(id); err != nil {
		return e.fail(err)
	}
	logging.Audit(log).Str("event", "token.revoke").Str("token_id", id).Str("label", rec.Label).Msg("token revoked")
	fmt.Fprintf(stderr, "Revoked token %s%s.\n", id, labelSuffix(rec.Label))
	return 0
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
