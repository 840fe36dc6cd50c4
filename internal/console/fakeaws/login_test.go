package fakeaws

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"strings"
	"testing"
	"time"
)

// proof makes a DPoP proof as aws-sdk-go-v2's logincreds does (x/y without leading zeros,
// raw r||s signature), for key, htu and jti.
func proof(t *testing.T, pemKey, htu, jti string, iat time.Time) string {
	t.Helper()
	b, _ := pem.Decode([]byte(pemKey))
	k, err := x509.ParseECPrivateKey(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	enc := func(v any) string { j, _ := json.Marshal(v); return base64.RawURLEncoding.EncodeToString(j) }
	msg := enc(map[string]any{"typ": "dpop+jwt", "alg": "ES256", "jwk": map[string]string{"kty": "EC", "crv": "P-256",
		"x": base64.RawURLEncoding.EncodeToString(k.X.Bytes()), "y": base64.RawURLEncoding.EncodeToString(k.Y.Bytes())}}) +
		"." + enc(map[string]any{"jti": jti, "htm": "POST", "htu": htu, "iat": iat.Unix()})
	h := sha256.Sum256([]byte(msg))
	r, s, err := ecdsa.Sign(rand.Reader, k, h[:])
	if err != nil {
		t.Fatal(err)
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return msg + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// The fake refuses every CreateOAuth2Token the real service would, and answers a good one
// with rotated tokens; the SDK-driven tests are in internal/console (login_test.go).
func TestCreateOAuth2TokenChecks(t *testing.T) {
	s := Start(t)
	ls := s.AddLoginSession(LoginSession{Expires: time.Now().Add(-time.Minute)})
	u := s.URL + LoginTokenPath
	body := func(refresh string) string {
		return `{"clientId":"` + ls.ClientID + `","grantType":"refresh_token","refreshToken":"` + refresh + `"}`
	}
	post := func(b, dpop string) (int, map[string]any) {
		req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		if dpop != "" {
			req.Header.Set("DPoP", dpop)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	now := time.Now()
	for name, tc := range map[string]struct{ body, dpop, want string }{
		"no proof":        {body(ls.RefreshToken), "", "missing DPoP"},
		"other key":       {body(ls.RefreshToken), proof(t, NewDPoPKey(), u, "j1", now), "not the key"},
		"other URL":       {body(ls.RefreshToken), proof(t, ls.DPoPKey, s.URL+"/v1/other", "j2", now), "htm/htu"},
		"old proof":       {body(ls.RefreshToken), proof(t, ls.DPoPKey, u, "j3", now.Add(-time.Hour)), "iat"},
		"tampered":        {body(ls.RefreshToken), proof(t, ls.DPoPKey, u, "j4", now) + "A", "invalid DPoP"},
		"unknown refresh": {body("nope"), proof(t, ls.DPoPKey, u, "j5", now), "refresh token is invalid"},
		"other grant":     {strings.Replace(body(ls.RefreshToken), "refresh_token", "authorization_code", 1), proof(t, ls.DPoPKey, u, "j6", now), "only refresh_token"},
		"other client":    {strings.Replace(body(ls.RefreshToken), ls.ClientID, "x", 1), proof(t, ls.DPoPKey, u, "j7", now), "not issued to this client"},
	} {
		code, m := post(tc.body, tc.dpop)
		if code != 400 || !strings.Contains(m["message"].(string), tc.want) || m["__type"] == "" {
			t.Errorf("%s: %d %v, want 400 mentioning %q", name, code, m, tc.want)
		}
	}
	code, m := post(body(ls.RefreshToken), proof(t, ls.DPoPKey, u, "good", now))
	at, _ := m["accessToken"].(map[string]any)
	if code != 200 || at == nil || m["refreshToken"] == ls.RefreshToken || m["expiresIn"] != float64(900) {
		t.Fatalf("good request: %d %v", code, m)
	}
	if iss, ok := s.IssuedFor(at["accessKeyId"].(string)); !ok || iss.Kind != "login" || iss.ARN != ls.ARN {
		t.Errorf("issued %+v", iss)
	}
	// The jti cannot be replayed, and the old refresh token is gone.
	if code, m := post(body(m["refreshToken"].(string)), proof(t, ls.DPoPKey, u, "good", now)); code != 400 || !strings.Contains(m["message"].(string), "jti") {
		t.Errorf("replayed proof: %d %v", code, m)
	}
	if code, _ := post(body(ls.RefreshToken), proof(t, ls.DPoPKey, u, "again", now)); code != 400 {
		t.Errorf("rotated-out refresh token accepted: %d", code)
	}
	s.EndLoginSession(ls.ARN)
	if code, m := post(body(m["refreshToken"].(string)), proof(t, ls.DPoPKey, u, "ended", now)); code != 400 || m["error"] != "TOKEN_EXPIRED" || m["__type"] != "AccessDeniedException" {
		t.Errorf("ended session: %d %v", code, m)
	}
}
