package sso

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/fsafe"
)

// DefaultNameTemplate names populated profiles; {account_name}, {account_id}, {role_name} and
// {session} are replaced.
const DefaultNameTemplate = "{account_name}.{role_name}"

// PopulateOptions tune Populate.
type PopulateOptions struct {
	// Template names each profile (default DefaultNameTemplate); the result is reduced to
	// [A-Za-z0-9._-].
	Template string
	// Region of every profile (default: the session's sso_region).
	Region string
}

// PopulatePlan is the config file before and after populating one session's block.
type PopulatePlan struct {
	Old, New []byte
	// Profiles are the generated profile names, in block order.
	Profiles []string
	// Added and Removed are the profile names that enter and leave the block.
	Added, Removed []string
	// Notes say what the person should know (a name taken by a hand-written profile ...).
	Notes []string
}

// Changed reports whether the file changes.
func (p *PopulatePlan) Changed() bool { return !bytes.Equal(p.Old, p.New) }

// The block of one session is marked by these comment lines; everything between them belongs to
// populate, everything outside is never changed.
func blockBegin(session string) string {
	return "# aws-profile-bridge sso populate --sso-session " + session + ": begin (generated; edits in here are replaced)"
}

func blockEnd(session string) string {
	return "# aws-profile-bridge sso populate --sso-session " + session + ": end"
}

// PlanPopulate works out the config file (data, as cfg was loaded from it) with one profile per
// assignment in t's block. The file is edited as lines, not through an INI library: only the
// block's lines change, so the rest stays byte for byte as it was, comments and layout included
// (gopkg.in/ini.v1 rewrites every section when it saves). Profiles defined outside the block —
// by hand, in another block or in the credentials file — are never touched: a generated name
// that clashes with one gets the account id appended, and a note says so.
func PlanPopulate(data []byte, cfg *awsconfig.Config, t Target, as []Assignment, opt PopulateOptions) (*PopulatePlan, error) {
	if t.Session == "" {
		return nil, fmt.Errorf("populate needs an [sso-session]: profiles it writes name one")
	}
	if opt.Template == "" {
		opt.Template = DefaultNameTemplate
	}
	if opt.Region == "" {
		opt.Region = t.Region
	}
	eol := "\n"
	if bytes.Contains(data, []byte("\r\n")) {
		eol = "\r\n"
	}
	lines := splitLines(data)
	begin, end := -1, -1
	for i, l := range lines {
		switch strings.TrimRight(l, "\r\n") {
		case blockBegin(t.Session):
			if begin >= 0 {
				return nil, fmt.Errorf("the config file has two blocks for sso-session %s; remove one (lines %d and %d)", t.Session, begin+1, i+1)
			}
			begin = i
		case blockEnd(t.Session):
			if begin >= 0 && end < 0 {
				end = i
			}
		}
	}
	if begin >= 0 && end < 0 {
		return nil, fmt.Errorf("the config file's block for sso-session %s starts at line %d but has no end line %q; restore it, or remove the block", t.Session, begin+1, blockEnd(t.Session))
	}

	// Names defined outside this block, and the names the block held before.
	taken := map[string]bool{}
	var before []string
	for _, p := range cfg.Profiles {
		inBlock := p.InConfig && begin >= 0 && p.ConfigLine > begin && p.ConfigLine <= end+1
		if inBlock && !p.InCredentials {
			before = append(before, p.Name)
			continue
		}
		taken[p.Name] = true
	}

	plan := &PopulatePlan{Old: data}
	used := map[string]bool{}
	var body strings.Builder
	body.WriteString(blockBegin(t.Session) + eol)
	for i, a := range as {
		base := profileName(opt.Template, t.Session, a)
		name := base
		if taken[name] || used[name] {
			if taken[name] {
				plan.Notes = append(plan.Notes, fmt.Sprintf("profile %s is defined outside the generated block, which is left alone; the account %s role %s is written as %s-%s", name, a.AccountID, a.RoleName, name, a.AccountID))
			}
			name = base + "-" + a.AccountID
			for n := 2; taken[name] || used[name]; n++ {
				name = fmt.Sprintf("%s-%s-%d", base, a.AccountID, n)
			}
		}
		used[name] = true
		plan.Profiles = append(plan.Profiles, name)
		if i > 0 {
			body.WriteString(eol)
		}
		fmt.Fprintf(&body, "[profile %s]%s", name, eol)
		fmt.Fprintf(&body, "sso_session = %s%s", t.Session, eol)
		fmt.Fprintf(&body, "sso_account_id = %s%s", a.AccountID, eol)
		fmt.Fprintf(&body, "sso_role_name = %s%s", a.RoleName, eol)
		fmt.Fprintf(&body, "region = %s%s", opt.Region, eol)
	}
	body.WriteString(blockEnd(t.Session) + eol)

	var out bytes.Buffer
	if begin >= 0 {
		for _, l := range lines[:begin] {
			out.WriteString(l)
		}
		out.WriteString(body.String())
		for _, l := range lines[end+1:] {
			out.WriteString(l)
		}
	} else {
		out.Write(data)
		if len(data) > 0 {
			if !bytes.HasSuffix(data, []byte("\n")) {
				out.WriteString(eol)
			}
			out.WriteString(eol)
		}
		out.WriteString(body.String())
	}
	plan.New = out.Bytes()

	was := map[string]bool{}
	for _, n := range before {
		was[n] = true
	}
	for _, n := range plan.Profiles {
		if !was[n] {
			plan.Added = append(plan.Added, n)
		}
	}
	for _, n := range before {
		if !used[n] {
			plan.Removed = append(plan.Removed, n)
		}
	}
	return plan, nil
}

// profileName renders the template for a and reduces it to [A-Za-z0-9._-]: every other run of
// characters becomes one "-".
func profileName(tmpl, session string, a Assignment) string {
	s := strings.NewReplacer("{account_name}", a.AccountName, "{account_id}", a.AccountID,
		"{role_name}", a.RoleName, "{session}", session).Replace(tmpl)
	var b strings.Builder
	dash := false
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' {
			b.WriteRune(r)
			dash = false
		} else if !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	name := strings.Trim(b.String(), "-")
	if name == "" {
		name = a.AccountID + "." + a.RoleName
	}
	return name
}

// splitLines splits data after each "\n", keeping the line ends.
func splitLines(data []byte) []string {
	var out []string
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			out = append(out, string(data))
			break
		}
		out = append(out, string(data[:i+1]))
		data = data[i+1:]
	}
	return out
}

// Diff is a unified diff (one hunk, three lines of context) from p.Old to p.New, for --dry-run;
// "" when nothing changes.
func (p *PopulatePlan) Diff(name string) string {
	if !p.Changed() {
		return ""
	}
	a, b := splitLines(p.Old), splitLines(p.New)
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	const ctx = 3
	from := max(pre-ctx, 0)
	aTo, bTo := len(a)-suf+min(suf, ctx), len(b)-suf+min(suf, ctx)
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n@@ -%s +%s @@\n", name, name, hunkRange(from, aTo), hunkRange(from, bTo))
	line := func(prefix, l string) {
		out.WriteString(prefix + strings.TrimRight(l, "\r\n") + "\n")
	}
	for _, l := range a[from:pre] {
		line(" ", l)
	}
	for _, l := range a[pre : len(a)-suf] {
		line("-", l)
	}
	for _, l := range b[pre : len(b)-suf] {
		line("+", l)
	}
	for _, l := range a[len(a)-suf : aTo] {
		line(" ", l)
	}
	return out.String()
}

func hunkRange(from, to int) string {
	n := to - from
	if n == 0 {
		return fmt.Sprintf("%d,0", from)
	}
	return fmt.Sprintf("%d,%d", from+1, n)
}

// WritePopulate writes p.New to file: the old file is kept as file.bak, then the new one replaces
// it atomically (0600). A symbolic link is followed, so its target is what changes.
func WritePopulate(file string, p *PopulatePlan) error {
	if real, err := filepath.EvalSymlinks(file); err == nil {
		file = real
	}
	if len(p.Old) > 0 {
		if err := fsafe.WriteFile(file+".bak", p.Old, fsafe.FileMode); err != nil {
			return fmt.Errorf("keeping the old file as %s.bak: %w", file, err)
		}
	}
	if err := fsafe.WriteFile(file, p.New, fsafe.FileMode); err != nil {
		return fmt.Errorf("writing %s: %w", file, err)
	}
	return nil
}

// Populate plans the populate of t's block in the config file of p: it makes sure the cached
// token is usable (refreshing it when it can), lists the accounts and roles, and reads the file.
// Nothing is written: see WritePopulate.
func (f *Flow) Populate(ctx context.Context, p awsconfig.Paths, portal Portal, t Target, opt PopulateOptions) (*PopulatePlan, error) {
	e, err := f.Refresh(ctx, t)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("there is no sign-in for %s yet; run `%s` first", t, t.LoginCommand())
	}
	if err != nil {
		return nil, err
	}
	as, err := Assignments(ctx, portal, e.AccessToken)
	if err != nil {
		return nil, fmt.Errorf("%w; if the sign-in has ended, run `%s` and try again", err, t.LoginCommand())
	}
	data, err := os.ReadFile(p.ConfigFile)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	cfg, err := awsconfig.Load(p)
	if err != nil {
		return nil, err
	}
	return PlanPopulate(data, cfg, t, as, opt)
}
