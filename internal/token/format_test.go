package token

import (
	"bytes"
	"math/big"
	"strings"
	"testing"
)

// TestChecksumVectors: the vectors of PROTOCOL.md, "API tokens".
func TestChecksumVectors(t *testing.T) {
	for _, tc := range []struct{ part, sum string }{
		{strings.Repeat("A", 43), "0DofJ8"},
		{"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefg", "37cCQ0"},
	} {
		if got := checksum(tc.part); got != tc.sum {
			t.Errorf("checksum(%q) = %q, want %q", tc.part, got, tc.sum)
		}
		tok := "awspc_" + tc.part + "_" + tc.sum
		if len(tok) != 56 || !ValidFormat(tok) {
			t.Errorf("ValidFormat(%q) = false (len %d)", tok, len(tok))
		}
	}
}

// decodePart is an independent Base62 decoder (0-9A-Za-z) for the round-trip test.
func decodePart(t *testing.T, part string) []byte {
	t.Helper()
	n := new(big.Int)
	for _, c := range []byte(part) {
		i := strings.IndexByte(base62, c)
		if i < 0 {
			t.Fatalf("%q is not Base62", part)
		}
		n.Mul(n, big.NewInt(62)).Add(n, big.NewInt(int64(i)))
	}
	b := n.Bytes()
	if len(b) > 32 {
		t.Fatalf("%q is more than 32 bytes", part)
	}
	return append(make([]byte, 32-len(b)), b...)
}

func TestEncodePart(t *testing.T) {
	zero := make([]byte, 32)
	if got := encodePart(zero); got != strings.Repeat("0", 43) {
		t.Errorf("encodePart(zero) = %q", got)
	}
	one := append(make([]byte, 31), 1)
	if got := encodePart(one); got != strings.Repeat("0", 42)+"1" {
		t.Errorf("encodePart(1) = %q", got)
	}
	small := append(make([]byte, 31), 61) // the last digit: lowercase z in 0-9A-Za-z
	if got := encodePart(small); got != strings.Repeat("0", 42)+"z" {
		t.Errorf("encodePart(61) = %q", got)
	}
	ten := append(make([]byte, 31), 10)
	if got := encodePart(ten); got != strings.Repeat("0", 42)+"A" {
		t.Errorf("encodePart(10) = %q (uppercase comes before lowercase)", got)
	}
	max := bytes.Repeat([]byte{0xff}, 32)
	for _, b := range [][]byte{zero, one, max, bytes.Repeat([]byte{0x80}, 32), append([]byte{1}, make([]byte, 31)...)} {
		p := encodePart(b)
		if len(p) != 43 || !isBase62(p) {
			t.Fatalf("encodePart(%x) = %q", b, p)
		}
		if got := decodePart(t, p); !bytes.Equal(got, b) {
			t.Errorf("round trip %x -> %q -> %x", b, p, got)
		}
	}
}

func TestGenerate(t *testing.T) {
	const n = 2000
	seen := make(map[string]bool, n)
	parts := make(map[string]bool, n)
	for i := 0; i < n; i++ {
		tok, err := Generate()
		if err != nil {
			t.Fatal(err)
		}
		if len(tok) != 56 || !strings.HasPrefix(tok, "awspc_") || tok[49] != '_' || !ValidFormat(tok) {
			t.Fatalf("Generate() = %q: not in the extension's format", tok)
		}
		if seen[tok] || parts[tok[6:49]] {
			t.Fatalf("Generate() repeated %q", tok)
		}
		seen[tok], parts[tok[6:49]] = true, true
		decodePart(t, tok[6:49])
	}
	// The last digit is the number mod 62, close to uniform: over 2000 tokens each of the 62
	// values is missing with probability (61/62)^2000 < 1e-14.
	last := map[byte]bool{}
	for tok := range seen {
		last[tok[48]] = true
	}
	if len(last) < 60 {
		t.Errorf("last digit takes only %d values over %d tokens: not random", len(last), n)
	}
}

func TestValidFormatNegatives(t *testing.T) {
	good, _ := Generate()
	part := good[6:49]
	sum := good[50:]
	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'a' {
			b[i] = 'b'
		} else {
			b[i] = 'a'
		}
		return string(b)
	}
	for name, s := range map[string]string{
		"empty":              "",
		"prefix":             "awspx_" + part + "_" + sum,
		"upper prefix":       "AWSPC_" + part + "_" + sum,
		"no prefix":          part + "_" + sum,
		"short":              good[:55],
		"long":               good + "0",
		"trailing newline":   good + "\n",
		"leading space":      " " + good[:55],
		"separator":          "awspc_" + part + "-" + sum,
		"alphabet in part":   "awspc_" + part[:42] + "-" + "_" + checksum(part[:42]+"-"),
		"alphabet plus":      "awspc_" + part[:42] + "+" + "_" + sum,
		"non-ASCII":          "awspc_" + part[:41] + "é" + "_" + sum,
		"alphabet in sum":    "awspc_" + part + "_" + sum[:5] + "/",
		"checksum":           "awspc_" + part + "_" + flip(sum, 5),
		"part changed":       "awspc_" + flip(part, 0) + "_" + sum,
		"42 part, 7 sum":     "awspc_" + part[:42] + "_0" + sum,
		"sum of another":     "awspc_" + part + "_" + checksum(flip(part, 10)),
		"zero-padded sum":    "awspc_" + part + "_" + "000000",
		"plain vector order": "awspc_" + strings.Repeat("A", 43) + "_" + "J8fOD0",
	} {
		if ValidFormat(s) {
			t.Errorf("%s: ValidFormat(%q) = true", name, s)
		}
	}
	if !ValidFormat(good) {
		t.Fatalf("ValidFormat(%q) = false", good)
	}
}

func FuzzValidFormat(f *testing.F) {
	good, _ := Generate()
	f.Add(good)
	f.Add("awspc_" + strings.Repeat("A", 43) + "_0DofJ8")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		if !ValidFormat(s) {
			return
		}
		if len(s) != 56 || !strings.HasPrefix(s, "awspc_") || format(s[6:49]) != s {
			t.Fatalf("ValidFormat accepted %q", s)
		}
	})
}
