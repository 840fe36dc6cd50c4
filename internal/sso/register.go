package sso

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
)

// ClientName is the name the OIDC client registers under (IAM Identity Center shows it).
const ClientName = "aws-profile-bridge"

// registrationMargin is how long before its end a cached registration is no longer reused, so a
// device flow never starts with a client that expires while a person approves it.
const registrationMargin = 15 * time.Minute

// registration is an OIDC client registration. Secret is a secret.
type registration struct {
	ID, Secret string
	Expires    time.Time
}

// legacyRegistration is the AWS CLI's shape of a cached registration (botocore-client-id-*.json).
type legacyRegistration struct {
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret"`
	ExpiresAt    string `json:"expiresAt"`
}

// cachedRegistration returns the registration kept in the cache for t when it is still good at
// now, else nil: a session keeps it in its token file, a legacy profile in its own file.
func cachedRegistration(t Target, now time.Time) *registration {
	var r registration
	if t.Session != "" {
		e, err := awsconfig.ReadSSOCacheEntry(t.CacheFile)
		if err != nil || e.StartURL != t.StartURL {
			return nil
		}
		r.ID, r.Secret = e.ClientID, e.ClientSecret
		r.Expires, _ = awsconfig.ParseTime(e.RegistrationExpiresAt)
	} else {
		var l legacyRegistration
		if err := awsconfig.ReadSSOCacheJSON(t.registrationFile(), &l); err != nil {
			return nil
		}
		r.ID, r.Secret = l.ClientID, l.ClientSecret
		r.Expires, _ = awsconfig.ParseTime(l.ExpiresAt)
	}
	if r.ID == "" || r.Secret == "" || !r.Expires.After(now.Add(registrationMargin)) {
		return nil
	}
	return &r
}

// register reuses the cached registration of t or registers a new client (with t's scopes, so
// that a session gets a refresh token).
func (f *Flow) register(ctx context.Context, t Target) (*registration, error) {
	if r := cachedRegistration(t, f.now()); r != nil {
		return r, nil
	}
	out, err := f.OIDC.RegisterClient(ctx, &ssooidc.RegisterClientInput{
		ClientName: aws.String(ClientName),
		ClientType: aws.String("public"),
		Scopes:     t.Scopes,
	})
	if err != nil {
		return nil, fmt.Errorf("sso: registering with IAM Identity Center in %s: %w", t.Region, err)
	}
	r := &registration{ID: aws.ToString(out.ClientId), Secret: aws.ToString(out.ClientSecret), Expires: time.Unix(out.ClientSecretExpiresAt, 0).UTC()}
	if t.Session == "" {
		// A session's registration is written with its token; a legacy one has its own file.
		if err := awsconfig.WriteSSOCacheJSON(t.registrationFile(), legacyRegistration{r.ID, r.Secret, awsconfig.FormatTime(r.Expires)}); err != nil {
			return nil, err
		}
	}
	return r, nil
}
