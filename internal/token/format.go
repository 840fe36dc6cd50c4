package token

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"hash/crc32"
	"math/big"
)

// The extension's token format (PROTOCOL.md, "API tokens"): Prefix, PartLen Base62 characters of 32
// random bytes, '_', SumLen Base62 characters of the part's CRC-32 (IEEE).
const (
	Prefix  = "awspc_"
	PartLen = 43
	SumLen  = 6
	Len     = len(Prefix) + PartLen + 1 + SumLen // 56
)

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// isBase62 reports whether every byte of s is in 0-9A-Za-z.
func isBase62(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
			return false
		}
	}
	return true
}

// checksum returns the 6-character Base62 CRC-32 (IEEE) of part, left-padded with '0'.
func checksum(part string) string {
	b := checksumOf(part)
	return string(b[:])
}

func checksumOf(part string) [SumLen]byte {
	var b [SumLen]byte
	n := ^uint32(0) // CRC-32 IEEE, table-driven on the string itself (no []byte copy)
	for i := 0; i < len(part); i++ {
		n = crc32.IEEETable[byte(n)^part[i]] ^ n>>8
	}
	n = ^n
	for i := SumLen - 1; i >= 0; i-- { // 62^6 > 2^32: six digits always suffice
		b[i] = base62[n%62]
		n /= 62
	}
	return b
}

// encodePart returns the Base62 of the big-endian number in b, left-padded with '0' to PartLen.
func encodePart(b []byte) string {
	n := new(big.Int).SetBytes(b)
	out := []byte(n.Text(62)) // big.Int's base-62 digits are 0-9a-zA-Z: map to 0-9A-Za-z
	for i, c := range out {
		switch {
		case 'a' <= c && c <= 'z':
			out[i] = c - 'a' + 'A'
		case 'A' <= c && c <= 'Z':
			out[i] = c - 'A' + 'a'
		}
	}
	if n.Sign() == 0 {
		out = out[:0]
	}
	for len(out) < PartLen {
		out = append([]byte{'0'}, out...)
	}
	return string(out)
}

// format builds a token from its 43-character part.
func format(part string) string { return Prefix + part + "_" + checksum(part) }

// Generate returns a new random token in the extension's format.
func Generate() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return format(encodePart(b[:])), nil
}

// ValidFormat reports whether s is awspc_ + 43 Base62 + _ + the 6-character Base62 CRC-32 checksum.
func ValidFormat(s string) bool {
	if len(s) != Len || s[:len(Prefix)] != Prefix || s[len(Prefix)+PartLen] != '_' {
		return false
	}
	part, sum := s[len(Prefix):len(Prefix)+PartLen], s[len(Prefix)+PartLen+1:]
	if !isBase62(part) {
		return false
	}
	want := checksumOf(part)
	return string(want[:]) == sum // no allocation: the conversion is only compared
}

// hashToken is the SHA-256 of a token, the only form of it ever stored.
func hashToken(tok string) [sha256.Size]byte { return sha256.Sum256([]byte(tok)) }

func hexHash(h [sha256.Size]byte) string { return hex.EncodeToString(h[:]) }
