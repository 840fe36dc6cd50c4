package fakeaws

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// post sends a JSON body to the fake and decodes the JSON answer.
func post(t *testing.T, s *Server, path, body string) (int, http.Header, map[string]any) {
	t.Helper()
	resp, err := http.Post(s.URL+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, resp.Header, m
}

func TestSSODeviceFlowWire(t *testing.T) {
	s := Start(t)
	_, _, reg := post(t, s, OIDCRegisterPath, `{"clientName":"x","clientType":"public","scopes":["sso:account:access"]}`)
	id, secret := reg["clientId"].(string), reg["clientSecret"].(string)
	client := `"clientId":"` + id + `","clientSecret":"` + secret + `"`
	_, _, dev := post(t, s, OIDCDevicePath, `{`+client+`,"startUrl":"https://corp.awsapps.com/start"}`)
	poll := `{` + client + `,"grantType":"urn:ietf:params:oauth:grant-type:device_code","deviceCode":"` + dev["deviceCode"].(string) + `"}`

	// Pending: the OIDC error shape (x-amzn-ErrorType and the OAuth body).
	status, hdr, body := post(t, s, OIDCTokenPath, poll)
	if status != 400 || hdr.Get("X-Amzn-Errortype") != "AuthorizationPendingException" || body["error"] != "authorization_pending" {
		t.Fatalf("pending: %d %v %v", status, hdr.Get("X-Amzn-Errortype"), body)
	}
	// Polled again at once (the fake's clock has not moved): slow_down.
	if status, _, body = post(t, s, OIDCTokenPath, poll); status != 400 || body["error"] != "slow_down" {
		t.Fatalf("fast poll: %d %v", status, body)
	}
	resp, err := http.Get(dev["verificationUriComplete"].(string))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if v := s.Find("VerifyDevice"); len(v) != 1 || v[0].Get("user_code") != dev["userCode"] {
		t.Fatalf("VerifyDevice recorded %+v", v)
	}
	s.mu.Lock()
	for _, d := range s.sso.devices {
		d.lastPoll = d.lastPoll.Add(-d.interval) // as if the interval had passed
	}
	s.mu.Unlock()
	status, _, tok := post(t, s, OIDCTokenPath, poll)
	if status != 200 || tok["accessToken"] == "" || tok["refreshToken"] == nil || tok["expiresIn"] != float64(3600) {
		t.Fatalf("token: %d %v", status, tok)
	}
	// A device code is good once; a refresh token rotates.
	if _, _, body = post(t, s, OIDCTokenPath, poll); body["error"] != "invalid_grant" {
		t.Errorf("second exchange: %v", body)
	}
	refresh := `{` + client + `,"grantType":"refresh_token","refreshToken":"` + tok["refreshToken"].(string) + `"}`
	if status, _, _ = post(t, s, OIDCTokenPath, refresh); status != 200 {
		t.Errorf("refresh: %d", status)
	}
	if _, _, body = post(t, s, OIDCTokenPath, refresh); body["error"] != "invalid_grant" {
		t.Errorf("reused refresh token: %v", body)
	}
	// Every request is recorded, with its JSON members.
	if ct := s.Find("CreateToken"); len(ct) != 6 || ct[0].Get("grantType") != "urn:ietf:params:oauth:grant-type:device_code" || ct[0].Status != 400 {
		t.Errorf("CreateToken recorded %d", len(ct))
	}
	if r := s.Find("RegisterClient"); len(r) != 1 || r[0].Params["scopes"][0] != "sso:account:access" {
		t.Errorf("RegisterClient recorded %+v", r)
	}
}
