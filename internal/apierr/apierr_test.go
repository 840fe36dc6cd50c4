package apierr

import (
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// documentedCodes reads the codes of PROTOCOL.md's error tables: the first cell of each row of
// the tables under "### Errors" (both) and "### Statuses and HTTP error codes" (the second
// cell, which may name several codes), until the next heading.
func documentedCodes(t *testing.T) []Code {
	t.Helper()
	doc, err := os.ReadFile("../../PROTOCOL.md")
	if err != nil {
		t.Fatal(err)
	}
	code := regexp.MustCompile("`([a-z_]+)`")
	var out []Code
	section := ""
	for _, line := range strings.Split(string(doc), "\n") {
		if strings.HasPrefix(line, "#") {
			section = strings.TrimSpace(strings.TrimLeft(line, "#"))
			continue
		}
		if !strings.HasPrefix(line, "| ") {
			continue
		}
		cells := strings.Split(line, "|")
		var cell string
		switch section {
		case "Errors":
			cell = cells[1]
		case "Statuses and HTTP error codes":
			cell = cells[2]
		default:
			continue
		}
		for _, m := range code.FindAllStringSubmatch(cell, -1) {
			out = append(out, Code(m[1]))
		}
	}
	if len(out) < 10 {
		t.Fatalf("found only %d codes in PROTOCOL.md's error tables: has the layout changed?", len(out))
	}
	return out
}

// declaredCodes parses apierr.go for every constant of type Code, so a code declared but left
// out of Codes is caught too.
func declaredCodes(t *testing.T) []Code {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "apierr.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []Code
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Code" {
				continue
			}
			for _, v := range vs.Values {
				lit, ok := v.(*ast.BasicLit)
				if !ok {
					t.Fatalf("a Code constant that is not a string literal: %#v", v)
				}
				s, _ := strconv.Unquote(lit.Value)
				out = append(out, Code(s))
			}
		}
	}
	return out
}

func TestCodesMatchProtocol(t *testing.T) {
	doc := documentedCodes(t)
	declared := declaredCodes(t)
	for _, c := range Codes {
		if !slices.Contains(doc, c) {
			t.Errorf("code %q is not in PROTOCOL.md's error tables: document it (codes are part of the protocol)", c)
		}
	}
	for _, c := range doc {
		if !slices.Contains(Codes, c) {
			t.Errorf("PROTOCOL.md documents %q, which apierr does not define", c)
		}
	}
	for _, c := range declared {
		if !slices.Contains(Codes, c) {
			t.Errorf("constant %q is missing from Codes", c)
		}
	}
	if len(declared) != len(Codes) {
		t.Errorf("%d Code constants, %d in Codes", len(declared), len(Codes))
	}
	seen := map[Code]bool{}
	for _, c := range Codes {
		if seen[c] {
			t.Errorf("code %q listed twice", c)
		}
		seen[c] = true
	}
}

func TestReply(t *testing.T) {
	long := strings.Repeat("é", maxMessage) // 2 bytes a rune: the cut falls inside one
	tests := []struct {
		name         string
		err          error
		detail       bool
		code         Code
		msg          string
		hasDetail    bool
		msgMaxLength int
	}{
		{"coded", New(CodeProfileNotFound, "no profile %q", "x"), false, CodeProfileNotFound, `no profile "x"`, false, 0},
		{"wrapped", fmt.Errorf("context: %w", Wrap(CodeTimeout, errors.New("secret-cause"), "too slow")), false, CodeTimeout, "too slow", false, 0},
		{"uncoded", errors.New("AKIACANARY0000000000 leaked"), false, CodeInternal, "internal error in aws-profile-bridge; the log file has the details", false, 0},
		{"detail", New(CodeNotFound, "not found"), true, CodeNotFound, "not found", true, 0},
		{"long", New(CodeInternal, "%s", long), false, CodeInternal, "", false, maxMessage + len("…")},
		{"bad utf8", New(CodeInvalidJSON, "bad \xff byte"), false, CodeInvalidJSON, "bad \ufffd byte", false, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := Reply(tc.err, tc.detail)
			var m map[string]string
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatalf("%s: %v", b, err)
			}
			if m["action"] != "error" || Code(m["code"]) != tc.code {
				t.Errorf("reply %s: want action error, code %s", b, tc.code)
			}
			if tc.msgMaxLength > 0 {
				if len(m["message"]) > tc.msgMaxLength || !utf8.ValidString(m["message"]) || len(m["message"]) < maxMessage/2 {
					t.Errorf("long message: %d bytes, valid %v", len(m["message"]), utf8.ValidString(m["message"]))
				}
			} else if m["message"] != tc.msg {
				t.Errorf("message %q, want %q", m["message"], tc.msg)
			}
			if _, ok := m["detail"]; ok != tc.hasDetail || (ok && m["detail"] != m["message"]) {
				t.Errorf("detail in %s: want present=%v and equal to message", b, tc.hasDetail)
			}
			if strings.ContainsAny(string(b), "\n\r") || !json.Valid(b) {
				t.Errorf("not one compact JSON object: %q", b)
			}
			if strings.Contains(string(b), "secret-cause") || strings.Contains(string(b), "AKIACANARY") {
				t.Errorf("a cause leaked into the reply: %s", b)
			}
		})
	}
}

func TestReplyIsCompact(t *testing.T) {
	if got := string(Reply(New("c", "m <&>"), false)); got != `{"action":"error","code":"c","message":"m \u003c\u0026\u003e"}` {
		t.Errorf("Reply = %s", got)
	}
}

func TestErrorIsAndCode(t *testing.T) {
	err := fmt.Errorf("outer: %w", Wrap(CodeMFAInvalid, errors.New("cause"), "bad code"))
	if !errors.Is(err, &Error{Code: CodeMFAInvalid}) || errors.Is(err, &Error{Code: CodeTimeout}) {
		t.Error("errors.Is matches on the code")
	}
	if got := err.Error(); strings.Contains(got, "cause") || !strings.Contains(got, "mfa_invalid: bad code") {
		t.Errorf("Error() = %q: want code and message, never the cause", got)
	}
	if CodeOf(nil) != "" || CodeOf(errors.New("x")) != CodeInternal || CodeOf(err) != CodeMFAInvalid {
		t.Error("CodeOf")
	}
}
