package bridge

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/profiles"
)

// compactProfile is the compact form of a profile (the extension's keys) as encoding/json
// writes it; appendProfile(…, true) must give the same bytes.
type compactProfile struct {
	Name           string  `json:"name"`
	HasCredentials bool    `json:"has_credentials"`
	Expiration     *string `json:"expiration"`
	Expired        bool    `json:"expired"`
	IsSSO          bool    `json:"is_sso"`
	SSOStartURL    string  `json:"sso_start_url,omitempty"`
	SSOSession     string  `json:"sso_session,omitempty"`
	SSORegion      string  `json:"sso_region,omitempty"`
	SSOAccountID   string  `json:"sso_account_id,omitempty"`
	SSORoleName    string  `json:"sso_role_name,omitempty"`
	AWSRegion      string  `json:"aws_region,omitempty"`
	Color          string  `json:"color"`
	Icon           string  `json:"icon"`
}

func compact(p *profiles.Profile) compactProfile {
	return compactProfile{p.Name, p.HasCredentials, p.Expiration, p.Expired, p.IsSSO, p.SSOStartURL,
		p.SSOSession, p.SSORegion, p.SSOAccountID, p.SSORoleName, p.AWSRegion, p.Color, p.Icon}
}

// referenceProfileListReply is ProfileListReply as it was written with encoding/json; the
// hand-written encoder must produce the same bytes.
func referenceProfileListReply(list []profiles.Profile, warnings []string, offset, limit int) ([]byte, error) {
	total := len(list)
	if offset > total {
		offset = total
	}
	end := total
	if limit > 0 && offset+limit < end {
		end = offset + limit
	}
	page := list[offset:end]
	head := func(b *bytes.Buffer) {
		b.WriteString(`{"action":"profileList","total":`)
		b.WriteString(strconv.Itoa(total))
		b.WriteString(`,"offset":`)
		b.WriteString(strconv.Itoa(offset))
		if len(warnings) > 0 {
			w, _ := json.Marshal(warnings)
			if len(w) > 64<<10 {
				w = []byte(`["too many warnings to list; run aws-profile-bridge profiles"]`)
			}
			b.WriteString(`,"warnings":`)
			b.Write(w)
		}
	}
	tail := func(b *bytes.Buffer, compactForm, truncated bool, next int) {
		b.WriteString("]")
		if compactForm {
			b.WriteString(`,"compact":true`)
		}
		if next < total {
			b.WriteString(`,"next_offset":`)
			b.WriteString(strconv.Itoa(next))
		}
		if truncated {
			b.WriteString(`,"truncated":true`)
		}
		b.WriteString("}")
	}
	full, err := json.Marshal(page)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	head(&b)
	b.WriteString(`,"profiles":[`)
	if len(page) > 0 {
		b.Write(full[1 : len(full)-1])
	}
	tail(&b, false, false, end)
	if b.Len() <= MaxReply {
		return b.Bytes(), nil
	}
	b.Reset()
	head(&b)
	b.WriteString(`,"profiles":[`)
	const reserve = 128
	n := 0
	for i := range page {
		item, err := json.Marshal(compact(&page[i]))
		if err != nil {
			return nil, err
		}
		if b.Len()+len(item)+1+reserve > MaxReply {
			break
		}
		if n > 0 {
			b.WriteByte(',')
		}
		b.Write(item)
		n++
	}
	tail(&b, true, offset+n < end, offset+n)
	return b.Bytes(), nil
}

// presizedJSONProfileListReply is encoding/json at its best for the default list: one
// json.Encoder into one pre-sized buffer, profile by profile, stopping at MaxReply as
// ProfileListReply does (then the compact form). It exists for BenchmarkProfileListReply, which
// is what keeps the hand-written encoder (encode.go) honest.
func presizedJSONProfileListReply(list []profiles.Profile) []byte {
	b := bytes.NewBuffer(make([]byte, 0, min(MaxReply+1024, 512+len(list)*estimatedProfileSize)))
	enc := json.NewEncoder(b)
	head := func() {
		b.WriteString(`{"action":"profileList","total":`)
		b.WriteString(strconv.Itoa(len(list)))
		b.WriteString(`,"offset":0,"profiles":[`)
	}
	head()
	fits := true
	for i := range list {
		if i > 0 {
			b.WriteByte(',')
		}
		enc.Encode(&list[i])
		b.Truncate(b.Len() - 1) // Encode's newline
		if b.Len() > MaxReply {
			fits = false
			break
		}
	}
	if fits {
		b.WriteString("]}")
		return b.Bytes()
	}
	b.Reset()
	head()
	n := 0
	for i := range list {
		mark := b.Len()
		if n > 0 {
			b.WriteByte(',')
		}
		enc.Encode(compact(&list[i]))
		b.Truncate(b.Len() - 1)
		if b.Len()+1+128 > MaxReply {
			b.Truncate(mark)
			break
		}
		n++
	}
	b.WriteString(`],"compact":true`)
	if n < len(list) {
		b.WriteString(`,"next_offset":` + strconv.Itoa(n) + `,"truncated":true`)
	}
	b.WriteString("}")
	return b.Bytes()
}

// The pre-sized encoding/json variant gives the same bytes (else the benchmark compares unlike
// work).
func TestPresizedJSONVariantMatches(t *testing.T) {
	for _, n := range []int{0, 3, 10000} {
		list := benchList(n)
		want, _ := ProfileListReply(list, nil, 0, 0)
		if got := presizedJSONProfileListReply(list); !bytes.Equal(got, want) {
			t.Errorf("%d profiles: the encoding/json variant differs:\n%.300s\n%.300s", n, got, want)
		}
	}
}

// nastyStrings exercise every escaping rule of encoding/json.
var nastyStrings = []string{
	"", "plain", `quote " and \ backslash`, "<script>&amp;</script>", "ctl \x00\x01\x07\b\f\n\r\t\x1f\x7f",
	"line\u2028sep\u2029para", "caf\u00e9 \u65e5\u672c \U0001F600", "bad \xff utf8 \xc3", "\xed\xa0\x80 surrogate",
	"trunc \xe2\x80", "\u2027\u202a", strings.Repeat("long-", 300),
}

func randString(r *rand.Rand) string {
	if r.IntN(4) == 0 {
		return nastyStrings[r.IntN(len(nastyStrings))]
	}
	const alphabet = "abcXYZ019-_./ :=\"\\<>&\x00\n\t\u00e9\u2028\U0001F600"
	var b strings.Builder
	for range r.IntN(30) {
		b.WriteByte(alphabet[r.IntN(len(alphabet))])
	}
	return b.String()
}

func randProfile(r *rand.Rand) profiles.Profile {
	s := func() string {
		if r.IntN(3) == 0 {
			return ""
		}
		return randString(r)
	}
	p := profiles.Profile{
		Name: randString(r), HasCredentials: r.IntN(2) == 0, Expired: r.IntN(2) == 0, IsSSO: r.IntN(2) == 0,
		SSOStartURL: s(), SSOSession: s(), SSORegion: s(), SSOAccountID: s(), SSORoleName: s(), AWSRegion: s(),
		Color: s(), Icon: s(), Kind: profiles.Kind(s()), Region: s(), Partition: s(), AccountID: s(), RoleARN: s(),
		SourceProfile: s(), MFASerial: s(), SSOTokenState: s(),
	}
	if r.IntN(2) == 0 {
		e := s()
		p.Expiration = &e
	}
	switch r.IntN(3) {
	case 0:
		p.Warnings = []string{} // empty, not nil: omitted too
	case 1:
		for range 1 + r.IntN(3) {
			p.Warnings = append(p.Warnings, randString(r))
		}
	}
	return p
}

func checkProfileEncoding(t *testing.T, p *profiles.Profile) {
	t.Helper()
	want, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if got := appendProfile(nil, p, false); !bytes.Equal(got, want) {
		t.Fatalf("full form differs from encoding/json:\n got %s\nwant %s", got, want)
	}
	want, _ = json.Marshal(compact(p))
	if got := appendProfile(nil, p, true); !bytes.Equal(got, want) {
		t.Fatalf("compact form differs from encoding/json:\n got %s\nwant %s", got, want)
	}
}

func TestAppendProfileMatchesEncodingJSON(t *testing.T) {
	exp := "2030-01-01T00:00:00Z"
	full := profiles.Profile{Name: "a", HasCredentials: true, Expiration: &exp, Expired: true, IsSSO: true,
		SSOStartURL: "u", SSOSession: "s", SSORegion: "r", SSOAccountID: "1", SSORoleName: "n", AWSRegion: "eu-west-1",
		Color: "red", Icon: "circle", Kind: profiles.KindSSO, Region: "eu-west-1", Partition: "aws", AccountID: "1",
		RoleARN: "arn", SourceProfile: "src", MFASerial: "mfa", SSOTokenState: "valid", Warnings: []string{"w1", "<w2>"}}
	checkProfileEncoding(t, &full)
	checkProfileEncoding(t, &profiles.Profile{})
	for _, s := range nastyStrings {
		checkProfileEncoding(t, &profiles.Profile{Name: s, Warnings: []string{s}})
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		p := randProfile(r)
		checkProfileEncoding(t, &p)
	}
}

func TestProfileListReplyMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	big := make([]profiles.Profile, 12000) // more than fits in MaxReply, even compact
	for i := range big {
		big[i] = randProfile(r)
		if i%2 == 0 {
			big[i].Name = fmt.Sprintf("profile-%06d", i)
		}
	}
	manyWarnings := make([]string, 3000)
	for i := range manyWarnings {
		manyWarnings[i] = fmt.Sprintf("warning %d <%s>", i, strings.Repeat("x", 20))
	}
	cases := []struct {
		n, offset, limit int
		warnings         []string
	}{
		{0, 0, 0, nil}, {1, 0, 0, nil}, {10, 0, 0, []string{"w", "<&>"}}, {10, 5, 0, nil}, {10, 20, 0, nil},
		{10, 3, 4, nil}, {1500, 0, 0, nil}, {3000, 0, 0, nil}, {12000, 0, 0, nil}, {12000, 0, 0, manyWarnings},
		{12000, 7000, 0, nil}, {12000, 100, 2500, []string{"w"}}, {12000, 11990, 100, nil},
	}
	// Sizes around the point where the full form stops fitting.
	for n := 1; n <= 12000; n *= 2 {
		cases = append(cases, struct {
			n, offset, limit int
			warnings         []string
		}{n, 0, 0, nil})
	}
	var sawFull, sawCompact, sawTruncated bool
	for _, c := range cases {
		want, err := referenceProfileListReply(big[:c.n], c.warnings, c.offset, c.limit)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ProfileListReply(big[:c.n], c.warnings, c.offset, c.limit)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("n=%d offset=%d limit=%d: %d bytes, reference %d bytes; first difference at %d",
				c.n, c.offset, c.limit, len(got), len(want), firstDiff(got, want))
		}
		if len(got) > MaxReply || !json.Valid(got) {
			t.Fatalf("n=%d: %d bytes, valid %v", c.n, len(got), json.Valid(got))
		}
		sawCompact = sawCompact || bytes.Contains(got, []byte(`,"compact":true`))
		sawTruncated = sawTruncated || bytes.Contains(got, []byte(`,"truncated":true`))
		sawFull = sawFull || (c.n > 1000 && !bytes.Contains(got, []byte(`,"compact":true`)))
	}
	if !sawFull || !sawCompact || !sawTruncated {
		t.Fatalf("cases do not cover every form: full %v, compact %v, truncated %v", sawFull, sawCompact, sawTruncated)
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range nastyStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("appendJSONString(%q) = %s, encoding/json %s", s, got, want)
		}
		if utf8.ValidString(s) {
			var back string
			if err := json.Unmarshal(appendJSONString(nil, s), &back); err != nil || back != s {
				t.Fatalf("round trip of %q: %q, %v", s, back, err)
			}
		}
		p := profiles.Profile{Name: s, Color: s, Kind: profiles.Kind(s), Region: s, Warnings: []string{s, s}, Expiration: &s}
		checkProfileEncoding(t, &p)
	})
}

func benchList(n int) []profiles.Profile {
	list := make([]profiles.Profile, n)
	exp := "2030-01-01T00:00:00Z"
	for i := range list {
		p := profiles.Profile{Name: fmt.Sprintf("prod-role-%d", i), HasCredentials: true, Color: "red", Icon: "briefcase",
			Kind: profiles.KindRole, Region: "eu-west-1", AWSRegion: "eu-west-1", Partition: "aws", AccountID: "000000000001",
			RoleARN: "arn:aws:iam::000000000001:role/Admin", SourceProfile: fmt.Sprintf("user-%d", i)}
		if i%4 == 3 {
			p.Expiration = &exp
			p.Kind = profiles.KindSession
		}
		list[i] = p
	}
	return list
}

// BenchmarkProfileListReply: 10 000 profiles do not fit with every field (compact form).
func BenchmarkProfileListReply(b *testing.B) {
	for _, n := range []int{10, 1000, 10000} {
		list := benchList(n)
		b.Run(fmt.Sprintf("profiles=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ProfileListReply(list, nil, 0, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("encoding-json/profiles=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := referenceProfileListReply(list, nil, 0, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("encoding-json-presized/profiles=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				presizedJSONProfileListReply(list)
			}
		})
	}
}
