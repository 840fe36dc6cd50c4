package fakeaws

// The sign-in service's CreateOAuth2Token, as aws-sdk-go-v2's logincreds provider (the
// credential provider of `login_session` profiles, written by `aws login`) calls it:
//
//	POST /v1/token                     restJson1, no SigV4 (anonymous auth)
//	Content-Type: application/json
//	DPoP: <ES256 JWT signed with the cache file's dpopKey; htm POST, htu the request URL>
//	{"clientId":"…","grantType":"refresh_token","refreshToken":"…"}
//
//	200 {"accessToken":{"accessKeyId":"…","secretAccessKey":"…","sessionToken":"…"},
//	     "expiresIn":900,"refreshToken":"…","tokenType":"aws_sigv4","idToken":"…"}
//	4xx/5xx {"__type":"AccessDeniedException","error":"TOKEN_EXPIRED","message":"…"}
//	        (x-amzn-ErrorType too; AccessDeniedException is a 400 in the service model)
//
// The SDK reaches it through AWS_ENDPOINT_URL_SIGNIN (Setenv sets it). It only calls it when
// the cached access token has expired; otherwise it uses the cached credentials as they are.

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"time"
)

// LoginTokenPath is the path of the sign-in service's CreateOAuth2Token.
const LoginTokenPath = "/v1/token"

// LoginCredentialsDuration is how long the credentials CreateOAuth2Token hands out last
// (expiresIn).
const LoginCredentialsDuration = 15 * time.Minute

// LoginSession is an `aws login` session: what the sign-in service knows about it, and what
// `aws login` caches in ~/.aws/login/cache (see testaws.LoginToken for the file).
type LoginSession struct {
	// ARN is the profile's login_session value (the signed-in principal).
	ARN       string
	AccountID string
	// ClientID and RefreshToken are the OAuth client and refresh token; DPoPKey is the PEM
	// ("EC PRIVATE KEY", P-256) whose public half the session is bound to.
	ClientID, RefreshToken, DPoPKey string
	// The cached access token: credentials the fake has issued (kind "login") and when they expire.
	AccessKeyID, SecretAccessKey, SessionToken string
	Expires                                    time.Time
	// Ends is when the session itself ends (CreateOAuth2Token answers TOKEN_EXPIRED from then on).
	Ends time.Time
}

// DPoPProof is the decoded DPoP header of a CreateOAuth2Token request.
type DPoPProof struct {
	Typ, Alg, Jti, Htm, Htu string
	Iat                     int64
	// Err says why the proof is invalid ("" when its signature verifies with its own key;
	// whether that key is the session's is checked when the request is answered).
	Err string

	key *ecdsa.PublicKey
}

type loginState struct {
	ses LoginSession
	pub *ecdsa.PublicKey
}

// AddLoginSession registers an `aws login` session and returns it completed: an empty ARN becomes
// arn:aws:iam::<AccountID or DefaultAccount>:user/fake-login-user, an empty ClientID, RefreshToken
// or DPoPKey a new one (a fresh P-256 key), empty credentials new ones the fake issues with kind
// "login", a zero Expires now+LoginCredentialsDuration (set it in the past to make the SDK call
// CreateOAuth2Token), a zero Ends now+12h. Given credentials are registered as issued by the
// fake, so getSigninToken knows their kind and expiry.
func (s *Server) AddLoginSession(ls LoginSession) LoginSession {
	now := s.Now()
	if ls.AccountID == "" {
		ls.AccountID = accountOf(ls.ARN)
	}
	if ls.ARN == "" {
		ls.ARN = "arn:aws:iam::" + ls.AccountID + ":user/fake-login-user"
	}
	if ls.Expires.IsZero() {
		ls.Expires = now.Add(LoginCredentialsDuration).UTC().Truncate(time.Second)
	}
	if ls.Ends.IsZero() {
		ls.Ends = now.Add(12 * time.Hour)
	}
	if ls.DPoPKey == "" {
		ls.DPoPKey = NewDPoPKey()
	}
	pub, err := publicKeyOf(ls.DPoPKey)
	if err != nil {
		panic("fakeaws: AddLoginSession: " + err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	if ls.ClientID == "" {
		ls.ClientID = fmt.Sprintf("arn:aws:signin:::devtools/same-device-%d", s.seq)
	}
	if ls.RefreshToken == "" {
		ls.RefreshToken = fmt.Sprintf("FakeLoginRefreshToken-%d-%s", s.seq, strings.Repeat("r", 24))
	}
	if ls.AccessKeyID == "" {
		ls.AccessKeyID = fmt.Sprintf("ASIAFAKE%012d", s.seq)
		ls.SecretAccessKey = fmt.Sprintf("fakeSecretAccessKey%021d", s.seq)
		ls.SessionToken = fmt.Sprintf("FakeSessionToken//%d//%s", s.seq, strings.Repeat("x", 32))
	}
	s.issued[ls.AccessKeyID] = Issued{Kind: "login", ARN: ls.ARN, Expires: ls.Expires}
	if s.logins == nil {
		s.logins = map[string]*loginState{}
	}
	s.logins[ls.RefreshToken] = &loginState{ses: ls, pub: pub}
	return ls
}

// LoginSessionOf returns the session as the fake knows it now (after CreateOAuth2Token rotated
// its refresh token and credentials).
func (s *Server) LoginSessionOf(arn string) (LoginSession, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range s.logins {
		if st.ses.ARN == arn {
			return st.ses, true
		}
	}
	return LoginSession{}, false
}

// EndLoginSession ends a login session: CreateOAuth2Token answers AccessDeniedException
// TOKEN_EXPIRED for it from now on (credentials already issued stay valid until they expire).
func (s *Server) EndLoginSession(arn string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range s.logins {
		if st.ses.ARN == arn {
			st.ses.Ends = time.Time{}.Add(1)
		}
	}
}

// NewDPoPKey returns a new P-256 private key in the PEM form `aws login` caches it in
// ("-----BEGIN EC PRIVATE KEY-----", SEC 1).
func NewDPoPKey() string {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	der, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		panic(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}))
}

func publicKeyOf(pemKey string) (*ecdsa.PublicKey, error) {
	b, _ := pem.Decode([]byte(pemKey))
	if b == nil {
		return nil, errors.New("DPoPKey is not PEM")
	}
	k, err := x509.ParseECPrivateKey(b.Bytes)
	if err != nil {
		return nil, err
	}
	if k.Curve != elliptic.P256() {
		return nil, errors.New("DPoPKey is not a P-256 key")
	}
	return &k.PublicKey, nil
}

// loginStatus is the HTTP status the sign-in service's model gives an error type.
func loginStatus(code string) int {
	switch code {
	case "AccessDeniedException", "ValidationException", "InvalidGrantException", "InvalidScopeException":
		return http.StatusBadRequest
	case "ResourceNotFoundException":
		return http.StatusNotFound
	case "ConflictException":
		return http.StatusConflict
	case "ServiceQuotaExceededException":
		return http.StatusPaymentRequired
	case "TooManyRequestsError":
		return http.StatusTooManyRequests
	case "ServiceUnavailableException":
		return http.StatusServiceUnavailable
	case "InternalServerException", "InternalFailure":
		return http.StatusInternalServerError
	}
	return defaultStatus(code)
}

// writeLoginError writes a restJson1 error of the sign-in service.
func writeLoginError(w http.ResponseWriter, status int, code, oauthErr, msg string) {
	if status == 0 {
		status = loginStatus(code)
	}
	if code == "" {
		code = "InternalServerException"
	}
	if msg == "" {
		msg = code
	}
	body := map[string]string{"__type": code, "message": msg}
	if oauthErr != "" {
		body["error"] = oauthErr
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-Errortype", code)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

type oauthTokenBody struct {
	ClientID     string `json:"clientId"`
	GrantType    string `json:"grantType"`
	RefreshToken string `json:"refreshToken"`
	Code         string `json:"code"`
	CodeVerifier string `json:"codeVerifier"`
	RedirectURI  string `json:"redirectUri"`
}

// parseLoginRequest fills req from a CreateOAuth2Token request: the body's members as Params,
// the decoded DPoP proof.
func parseLoginRequest(r *http.Request, body []byte, req *Request) {
	var b oauthTokenBody
	if json.Unmarshal(body, &b) == nil {
		for k, v := range map[string]string{"clientId": b.ClientID, "grantType": b.GrantType, "refreshToken": b.RefreshToken,
			"code": b.Code, "codeVerifier": b.CodeVerifier, "redirectUri": b.RedirectURI} {
			if v != "" {
				req.Params.Set(k, v)
			}
		}
	}
	if h := r.Header.Get("DPoP"); h != "" {
		req.DPoP = decodeDPoP(h)
	}
	req.requestURL = "http://" + r.Host + r.URL.RequestURI()
	req.contentType = r.Header.Get("Content-Type")
	req.AccessKeyID = sigv4Key(r.Header.Get("Authorization")) // "": the SDK sends it unsigned
}

type dpopJWK struct {
	Kty string `json:"kty"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y"`
}

// decodeDPoP decodes a DPoP proof and checks its signature against its own JWK (binding to the
// session's key is checked in createOAuth2Token).
func decodeDPoP(tok string) *DPoPProof {
	p := &DPoPProof{}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		p.Err = "not a JWS"
		return p
	}
	var hdr struct {
		Typ string  `json:"typ"`
		Alg string  `json:"alg"`
		JWK dpopJWK `json:"jwk"`
	}
	var pl struct {
		Jti string `json:"jti"`
		Htm string `json:"htm"`
		Htu string `json:"htu"`
		Iat int64  `json:"iat"`
	}
	hb, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	pb, err2 := base64.RawURLEncoding.DecodeString(parts[1])
	sig, err3 := base64.RawURLEncoding.DecodeString(parts[2])
	if err := errors.Join(err1, err2, err3); err != nil {
		p.Err = "not base64url: " + err.Error()
		return p
	}
	if json.Unmarshal(hb, &hdr) != nil || json.Unmarshal(pb, &pl) != nil {
		p.Err = "header or payload is not JSON"
		return p
	}
	p.Typ, p.Alg, p.Jti, p.Htm, p.Htu, p.Iat = hdr.Typ, hdr.Alg, pl.Jti, pl.Htm, pl.Htu, pl.Iat
	switch {
	case hdr.Typ != "dpop+jwt":
		p.Err = "typ is not dpop+jwt"
	case hdr.Alg != "ES256":
		p.Err = "alg is not ES256"
	case hdr.JWK.Kty != "EC" || hdr.JWK.Crv != "P-256":
		p.Err = "jwk is not an EC P-256 key"
	case len(sig) != 64:
		p.Err = "signature is not 64 bytes (r||s)"
	}
	if p.Err != "" {
		return p
	}
	pub, err := jwkKey(hdr.JWK)
	if err != nil {
		p.Err = err.Error()
		return p
	}
	h := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if !ecdsa.Verify(pub, h[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		p.Err = "signature does not verify with the proof's jwk"
		return p
	}
	p.key = pub
	return p
}

func jwkKey(j dpopJWK) (*ecdsa.PublicKey, error) {
	x, err1 := base64.RawURLEncoding.DecodeString(j.X)
	y, err2 := base64.RawURLEncoding.DecodeString(j.Y)
	if err1 != nil || err2 != nil || len(x) > 32 || len(y) > 32 {
		return nil, errors.New("jwk x/y are not 32-byte base64url")
	}
	// The SDK writes x and y without their leading zero bytes (big.Int.Bytes): pad them back.
	pt := append([]byte{4}, append(append(make([]byte, 32-len(x)), x...), append(make([]byte, 32-len(y)), y...)...)...)
	k, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), pt) // checks the point is on the curve
	if err != nil {
		return nil, errors.New("jwk is not a point on P-256")
	}
	return k, nil
}

func sameKey(a, b *ecdsa.PublicKey) bool {
	return a != nil && b != nil && a.X.Cmp(b.X) == 0 && a.Y.Cmp(b.Y) == 0
}

// createOAuth2Token answers CreateOAuth2Token with grantType refresh_token: it checks the DPoP
// proof (signature, typ/alg, htm/htu, iat within 5 minutes, a fresh jti, bound to the session's
// key), the client id and the refresh token, rotates the refresh token and issues new
// credentials of kind "login" for LoginCredentialsDuration.
func (s *Server) createOAuth2Token(w http.ResponseWriter, req Request) {
	bad := func(code, oauthErr, msg string) { writeLoginError(w, 0, code, oauthErr, msg) }
	if req.Method != http.MethodPost {
		bad("ValidationException", "INVALID_REQUEST", "method not allowed")
		return
	}
	if !strings.HasPrefix(req.contentType, "application/json") {
		bad("ValidationException", "INVALID_REQUEST", "Content-Type must be application/json")
		return
	}
	p := req.DPoP
	switch {
	case p == nil:
		bad("AccessDeniedException", "INVALID_REQUEST", "missing DPoP proof")
		return
	case p.Err != "":
		bad("AccessDeniedException", "INVALID_REQUEST", "invalid DPoP proof: "+p.Err)
		return
	case p.Htm != http.MethodPost || p.Htu != req.requestURL:
		bad("AccessDeniedException", "INVALID_REQUEST", "DPoP proof htm/htu do not match the request")
		return
	case p.Jti == "":
		bad("AccessDeniedException", "INVALID_REQUEST", "DPoP proof has no jti")
		return
	}
	// iat is the client's wall clock: compare with ours, not with the fake's Now.
	if d := time.Since(time.Unix(p.Iat, 0)); d > 5*time.Minute || d < -5*time.Minute {
		bad("AccessDeniedException", "INVALID_REQUEST", "DPoP proof iat is too far from now")
		return
	}
	switch req.Get("grantType") {
	case "refresh_token":
	case "":
		bad("ValidationException", "INVALID_REQUEST", "grantType is required")
		return
	default:
		bad("ValidationException", "unsupported_grant_type", "only refresh_token is supported by this fake")
		return
	}
	s.mu.Lock()
	if s.jtis == nil {
		s.jtis = map[string]bool{}
	}
	replay := s.jtis[p.Jti]
	s.jtis[p.Jti] = true
	st := s.logins[req.Get("refreshToken")]
	s.mu.Unlock()
	switch {
	case replay:
		bad("AccessDeniedException", "INVALID_REQUEST", "DPoP proof jti was used before")
		return
	case st == nil:
		bad("InvalidGrantException", "invalid_grant", "the refresh token is invalid")
		return
	case req.Get("clientId") != st.ses.ClientID:
		bad("InvalidGrantException", "invalid_grant", "the refresh token was not issued to this client")
		return
	}
	if !sameKey(p.key, st.pub) {
		bad("AccessDeniedException", "INVALID_REQUEST", "DPoP proof key is not the key the session is bound to")
		return
	}
	if !st.ses.Ends.After(s.Now()) {
		bad("AccessDeniedException", "TOKEN_EXPIRED", "Your session has expired. Please reauthenticate.")
		return
	}
	id, secret, token, exp := s.issue("login", st.ses.ARN, LoginCredentialsDuration)
	s.mu.Lock()
	s.seq++
	newRefresh := fmt.Sprintf("FakeLoginRefreshToken-%d-%s", s.seq, strings.Repeat("r", 24))
	idToken := fmt.Sprintf("FakeLoginIdToken-%d", s.seq)
	delete(s.logins, st.ses.RefreshToken)
	st.ses.RefreshToken, st.ses.AccessKeyID, st.ses.SecretAccessKey, st.ses.SessionToken, st.ses.Expires = newRefresh, id, secret, token, exp
	s.logins[newRefresh] = st
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"accessToken":  map[string]string{"accessKeyId": id, "secretAccessKey": secret, "sessionToken": token},
		"expiresIn":    int(LoginCredentialsDuration / time.Second),
		"refreshToken": newRefresh,
		"tokenType":    "aws_sigv4",
		"idToken":      idToken,
	})
}
