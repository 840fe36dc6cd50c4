package fsafe

import "testing"

func TestShellQuote(t *testing.T) {
	tests := map[string]string{
		"corp": "corp", "my profile": "'my profile'", "it's": `'it'\''s'`, "": "''", "a.b-c_d": "a.b-c_d",
		"~/.aws/config": "~/.aws/config", "~/my file": "'~/my file'", "a~b": "'a~b'", "$HOME": "'$HOME'",
		"arn:aws:iam::1:role/R": "arn:aws:iam::1:role/R", "x;rm": "'x;rm'",
	}
	for in, want := range tests {
		if got := ShellQuote(in); got != want {
			t.Errorf("ShellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
