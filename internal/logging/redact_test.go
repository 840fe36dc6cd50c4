package logging

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

// Canary secrets: realistic shapes, unique strings to grep for.
const (
	canaryAKID     = "AKIACANARY0EXAMPLE7Q"
	canaryASIA     = "ASIACANARY1EXAMPLE8Z"
	canarySecret   = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYCANARYKEY1"                     // 40
	canarySession  = "IQoJb3JpZ2luX2VjECANARYSESSIONaCXVzLWVhc3QtMSJHMEUCIQD+abc/x" // 62, base64
	canaryAPIToken = "awspc_CANARY0000000000000000000000000000000000000_0DofJ8"
	canarySignin   = "CANARY-signin_tokenAbCdEf0123456789-_" + "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_0123456789abcdefghij"
	canaryShortSig = "shortCANARYsig"
	canaryBearer   = "CANARYbearer.jwt.part"
	canaryXAmz     = "CANARYxamz%2Fsecuritytoken"
)

var canaries = []string{canaryAKID, canaryASIA, canarySecret, canarySession, canaryAPIToken, canarySignin, canaryShortSig, canaryBearer, canaryXAmz}

func TestRedact(t *testing.T) {
	tests := []struct {
		name, in string
		gone     []string // must not survive
		kept     []string // must survive
	}{
		{"access key id", "key " + canaryAKID + " used", []string{canaryAKID}, []string{"key ", " used"}},
		{"temporary key id", "id=" + canaryASIA, []string{canaryASIA}, []string{"id="}},
		{"key id glued to text", "x\n" + canaryAKID + "y", []string{canaryAKID}, nil},
		{"secret key", "aws_secret_access_key = " + canarySecret, []string{canarySecret}, []string{"aws_secret_access_key"}},
		{"bare 40-char secret", canarySecret, []string{canarySecret}, nil},
		{"session token", "token: " + canarySession, []string{canarySession}, nil},
		{"session token key", "aws_session_token=short", []string{"short"}, []string{"aws_session_token="}},
		{"api token", "got " + canaryAPIToken, []string{canaryAPIToken, "CANARY000"}, []string{"got "}},
		{"short api token", "awspc_abc", []string{"awspc_abc"}, nil},
		{"signin url", "open https://signin.aws.amazon.com/federation?Action=login&Issuer=x&Destination=https%3A%2F%2Fconsole.aws.amazon.com&SigninToken=" + canaryShortSig + " now",
			[]string{canaryShortSig, "signin.aws.amazon.com", "Issuer=x"}, []string{"open ", " now", URLMask}},
		{"signin url token first", "https://signin.amazonaws.cn/federation?SigninToken=" + canaryShortSig + "&Action=login", []string{canaryShortSig}, nil},
		{"signin param", "SigninToken=" + canaryShortSig + "&x=1", []string{canaryShortSig}, []string{"SigninToken=", "&x=1"}},
		{"signin json", `{"SigninToken":"` + canaryShortSig + `"}`, []string{canaryShortSig}, []string{`"SigninToken":"`}},
		{"signin value alone", canarySignin, []string{canarySignin, "CANARY-signin"}, nil},
		{"presigned url", "https://sts.amazonaws.com/?Action=GetCallerIdentity&X-Amz-Credential=AK%2F&X-Amz-Signature=" + canaryShortSig, []string{canaryShortSig}, nil},
		{"security token header", "X-Amz-Security-Token: " + canaryXAmz, []string{canaryXAmz}, []string{"X-Amz-Security-Token: "}},
		{"security token param", "x-amz-security-token=" + canaryXAmz + "&a=b", []string{canaryXAmz}, []string{"&a=b"}},
		{"bearer", "Authorization: Bearer " + canaryBearer, []string{canaryBearer}, []string{"Authorization"}},
		{"bearer lower", "bearer " + canaryBearer, []string{canaryBearer}, []string{"bearer "}},
		{"x-api-token header", "X-API-Token: " + canaryShortSig, []string{canaryShortSig}, nil},

		{"plain text untouched", "profile prod-admin opened in 12ms", nil, []string{"profile prod-admin opened in 12ms"}},
		{"url without token untouched", "https://console.aws.amazon.com/ec2/home?region=us-east-1", nil, []string{"https://console.aws.amazon.com/ec2/home?region=us-east-1"}},
		{"profile with token word", "token store opened", nil, []string{"token store opened"}},
		{"empty", "", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Redact(tt.in)
			for _, g := range tt.gone {
				if strings.Contains(got, g) {
					t.Errorf("Redact(%q) = %q still holds %q", tt.in, got, g)
				}
			}
			for _, k := range tt.kept {
				if !strings.Contains(got, k) {
					t.Errorf("Redact(%q) = %q lost %q", tt.in, got, k)
				}
			}
			if tt.gone == nil && got != tt.in {
				t.Errorf("Redact(%q) = %q, want unchanged", tt.in, got)
			}
		})
	}
}

// TestRedactJSONLineStaysValid: masks never break the JSON of a line, even
// when a secret follows an escape.
func TestRedactJSONLineStaysValid(t *testing.T) {
	for _, s := range []string{
		"\n" + canarySecret,
		"\t" + canaryAKID,
		"\u0001" + canarySecret,
		"é\"" + canarySecret + "\\",
		`{"SigninToken":"` + canaryShortSig + `"}`,
		"a\\" + canarySignin,
		"https://x/?SigninToken=" + canaryShortSig + "\"\n",
	} {
		var buf bytes.Buffer
		lg := New(&buf, zerolog.InfoLevel)
		lg.Info().Str("s", s).Msg(s)
		line := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
		if !json.Valid(line) {
			t.Fatalf("invalid JSON after redaction of %q: %s", s, line)
		}
		for _, c := range canaries {
			if bytes.Contains(line, []byte(c)) {
				t.Fatalf("canary %q in %s", c, line)
			}
		}
	}
}

func FuzzRedactJSONLine(f *testing.F) {
	f.Add("\n" + canarySecret)
	f.Add("\u0041" + canarySecret)
	f.Add(`{"SigninToken":"x"}`)
	f.Add("Bearer \"x")
	f.Add("https://a/?SigninToken=\\\"b")
	f.Fuzz(func(t *testing.T, s string) {
		var buf bytes.Buffer
		lg := New(&buf, zerolog.InfoLevel)
		lg.Info().Str("k", s).Msg(s)
		line := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
		if !json.Valid(line) || bytes.Count(buf.Bytes(), []byte("\n")) != 1 {
			t.Fatalf("bad line for %q: %s", s, buf.Bytes())
		}
		_ = Redact(s)
	})
}

func BenchmarkRedact(b *testing.B) {
	for _, tc := range []struct{ name, s string }{
		{"plain", "native request seq=3 req_bytes=40 reply_bytes=2048 profile=prod-admin"},
		{"secret", "Authorization: Bearer " + canaryBearer + " key " + canaryAKID},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = Redact(tc.s)
			}
		})
	}
}
