package console

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/processcreds"
	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/logging"
	"github.com/aws/smithy-go/middleware"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/fsafe"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/profiles"
)

// allowAllPolicy is the inline session policy for GetFederationToken: the effective rights are
// the intersection with the IAM user's own policies, so this grants exactly the user's rights.
const allowAllPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

// awsCall resolves credentials through aws-sdk-go-v2 and makes the console-capable ones.
type awsCall struct {
	s       *signer
	top     *profiles.Link
	region  string // region of the SDK's STS calls
	mfaCode string
	ssoFile string // the SSO token cache file (when the chain ends in SSO)

	roleDuration time.Duration // DurationSeconds for the top role's AssumeRole
	opCtx        context.Context
}

// consoleCreds are credentials the federation endpoint accepts, and what the session will be.
type consoleCreds struct {
	aws.Credentials
	sessionDuration time.Duration // sent as SessionDuration; 0 = omitted
	consoleExpires  time.Time
}

func (a *awsCall) consoleCredentials(ctx context.Context, m mode) (*consoleCreds, error) {
	s := a.s
	requested, explicit := s.opt.SessionDuration, s.opt.SessionDuration > 0
	switch m {
	case modeRoleDirect, modeRoleChained:
		if requested == 0 {
			if d, ok := profileDuration(a.top.Profile.Get("duration_seconds")); ok {
				requested, explicit = d, true
			}
		}
	}
	if requested == 0 {
		requested = DefaultSessionDuration
	}

	switch m {
	case modeRoleDirect:
		a.roleDuration = clampDuration(requested, MinSessionDuration, MaxSessionDuration)
		cr, err := a.retrieve(ctx)
		if err != nil && a.roleDuration > MaxChainedDuration && isMaxDurationError(err) {
			// The role's MaxSessionDuration is lower than asked: every role allows 1 h.
			s.warn("the role allows less than " + a.roleDuration.String() + "; the session was limited to 1h (raise the role's MaxSessionDuration for longer sessions)")
			a.roleDuration = MaxChainedDuration
			cr, err = a.retrieve(ctx)
		}
		if err != nil {
			return nil, err
		}
		return &consoleCreds{Credentials: cr, sessionDuration: a.roleDuration, consoleExpires: s.now.Add(a.roleDuration)}, nil

	case modeRoleChained:
		a.roleDuration = clampDuration(requested, MinSessionDuration, MaxChainedDuration)
		if explicit && requested > MaxChainedDuration {
			s.warn("the session was limited to 1h: AWS allows no more for a role assumed with temporary credentials (role chaining)")
		}
		cr, err := a.retrieve(ctx)
		if err != nil {
			return nil, err
		}
		return &consoleCreds{Credentials: cr, consoleExpires: credsExpiry(cr)}, nil

	case modeFederationToken:
		return a.federationToken(ctx, requested)

	case modeCheckedAsIs, modeAsIs:
		if explicit {
			s.warn("the session duration was ignored: these credentials are used as they are, and AWS decides how long the session lasts")
		}
		cfg, err := a.load(ctx)
		if err != nil {
			return nil, err
		}
		cr, err := cfg.Credentials.Retrieve(ctx)
		if err != nil {
			return nil, err
		}
		s.addSecret(cr.AccessKeyID, cr.SecretAccessKey, cr.SessionToken)
		if cr.SessionToken == "" {
			return nil, newErr(apierr.CodeSessionCredentialsUnsupported, nil,
				"profile %q produced credentials without a session token, which cannot open the console; use long-term keys in the credentials file or a role", s.profile)
		}
		if m == modeCheckedAsIs {
			if err := a.refuseUserSession(ctx, cfg); err != nil {
				return nil, err
			}
		}
		exp := credsExpiry(cr)
		if exp.IsZero() {
			exp = fileExpiry(a.top.Profile)
		}
		return &consoleCreds{Credentials: cr, consoleExpires: exp}, nil
	}
	return nil, errors.New("unknown mode")
}

// retrieve loads the SDK config and retrieves the chain's credentials (the AssumeRole calls
// happen here, with the options of assumeRoleOptions).
func (a *awsCall) retrieve(ctx context.Context) (aws.Credentials, error) {
	cfg, err := a.load(ctx)
	if err != nil {
		return aws.Credentials{}, err
	}
	cr, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return aws.Credentials{}, err
	}
	a.s.addSecret(cr.AccessKeyID, cr.SecretAccessKey, cr.SessionToken)
	return cr, nil
}

// federationToken calls GetCallerIdentity (for the user name and to recognise the root user)
// and GetFederationToken with the allow-all policy.
func (a *awsCall) federationToken(ctx context.Context, requested time.Duration) (*consoleCreds, error) {
	s := a.s
	cfg, err := a.load(ctx)
	if err != nil {
		return nil, err
	}
	if cr, err := cfg.Credentials.Retrieve(ctx); err == nil {
		s.addSecret(cr.AccessKeyID, cr.SecretAccessKey)
	}
	client := sts.NewFromConfig(cfg)
	id, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, err
	}
	arn := aws.ToString(id.Arn)
	d := clampDuration(requested, MinSessionDuration, MaxFederationTokenDuration)
	if strings.HasSuffix(arn, ":root") && d > MaxChainedDuration {
		d = MaxChainedDuration
		s.warn("the session was limited to 1h: AWS allows no more for the root user's federation token (and do use an IAM user or role instead of root keys)")
	}
	out, err := client.GetFederationToken(ctx, &sts.GetFederationTokenInput{
		Name:            aws.String(federationName(arn, s.profile)),
		Policy:          aws.String(allowAllPolicy),
		DurationSeconds: aws.Int32(int32(d / time.Second)),
	})
	if err != nil {
		return nil, err
	}
	if out.Credentials == nil {
		return nil, newErr(apierr.CodeFederationFailed, nil, "STS GetFederationToken returned no credentials; try again")
	}
	c := out.Credentials
	cr := aws.Credentials{
		AccessKeyID:     aws.ToString(c.AccessKeyId),
		SecretAccessKey: aws.ToString(c.SecretAccessKey),
		SessionToken:    aws.ToString(c.SessionToken),
	}
	s.addSecret(cr.AccessKeyID, cr.SecretAccessKey, cr.SessionToken)
	exp := s.now.Add(d)
	if c.Expiration != nil {
		exp = *c.Expiration
		cr.CanExpire, cr.Expires = true, exp
	}
	return &consoleCreds{Credentials: cr, consoleExpires: exp}, nil
}

// refuseUserSession refuses credentials that belong to an IAM user (GetSessionToken's), which
// the federation endpoint does not accept.
func (a *awsCall) refuseUserSession(ctx context.Context, cfg aws.Config) error {
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return err
	}
	arn := aws.ToString(id.Arn)
	if strings.Contains(arn, ":user/") || strings.HasSuffix(arn, ":root") {
		return newErr(apierr.CodeSessionCredentialsUnsupported, nil,
			"profile %q holds GetSessionToken credentials of IAM user %s, which cannot open the console; use a role profile (role_arn with source_profile, and mfa_serial for MFA) instead", a.s.profile, arn)
	}
	return nil
}

// load runs config.LoadDefaultConfig for the profile with our options.
func (a *awsCall) load(ctx context.Context) (aws.Config, error) {
	s := a.s
	opts := []func(*config.LoadOptions) error{
		config.WithSharedConfigProfile(a.top.Name),
		config.WithRegion(a.region),
		config.WithEC2IMDSClientEnableState(imds.ClientDisabled),
		config.WithHTTPClient(s.sdkClient),
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = 2
				o.MaxBackoff = 300 * time.Millisecond
			})
		}),
		config.WithLogger(logging.Nop{}),
		config.WithClientLogMode(0),
		config.WithAPIOptions([]func(*middleware.Stack) error{a.bindContext, a.countAttempts}),
		config.WithAssumeRoleCredentialOptions(a.assumeRoleOptions),
		config.WithProcessCredentialOptions(func(o *processcreds.Options) { o.Timeout = s.env.Timeout }),
	}
	if a.ssoFile != "" {
		opts = append(opts,
			config.WithSSOTokenProviderOptions(func(o *ssocreds.SSOTokenProviderOptions) { o.CachedTokenFilepath = a.ssoFile }),
			config.WithSSOProviderOptions(func(o *ssocreds.Options) { o.CachedTokenFilepath = a.ssoFile }))
	}
	if f := s.env.Paths.ConfigFile; f != "" {
		opts = append(opts, config.WithSharedConfigFiles([]string{f}))
	}
	if f := s.env.Paths.CredentialsFile; f != "" {
		opts = append(opts, config.WithSharedCredentialsFiles([]string{f}))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, newErr(apierr.CodeInvalidConfig, err,
			"the AWS SDK cannot use profile %q; run `aws configure list --profile %s` to check it", s.profile, fsafe.ShellQuote(s.profile))
	}
	if cfg.HTTPClient != nil {
		s.fedClient = cfg.HTTPClient
	}
	return cfg, nil
}

// bindContext ties every SDK operation to SignIn's own context. The SDK's credentials cache runs
// providers under a context whose cancellation it suppresses, so without this a source's
// GetRoleCredentials or AssumeRole would go on after SignIn gave up (until the HTTP timeout).
func (a *awsCall) bindContext(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("consoleBindContext",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			if a.opCtx == nil {
				return next.HandleInitialize(ctx, in)
			}
			ctx, cancel := context.WithCancelCause(ctx)
			defer cancel(nil)
			stop := context.AfterFunc(a.opCtx, func() { cancel(context.Cause(a.opCtx)) })
			defer stop()
			return next.HandleInitialize(ctx, in)
		}), middleware.Before)
}

// countAttempts counts every HTTP attempt of every SDK operation (retries included) for
// Result.Requests and names it in Result.Calls ("sts:AssumeRole"). It sits at the end of the
// finalize step, after retries and signing, so a source's calls (made while signing) come first.
func (a *awsCall) countAttempts(stack *middleware.Stack) error {
	return stack.Finalize.Add(middleware.FinalizeMiddlewareFunc("consoleCountAttempts",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			a.s.requests.Add(1)
			a.s.addCall(strings.ToLower(awsmiddleware.GetServiceID(ctx)) + ":" + awsmiddleware.GetOperationName(ctx))
			return next.HandleFinalize(ctx, in)
		}), middleware.After)
}

// assumeRoleOptions adjusts every AssumeRole of the chain: the MFA token provider, mfa_serial
// from a long-term-keys source (when the role has none), a session name, and for the profile's
// own role the DurationSeconds chosen by kind. Inner links keep the SDK's defaults.
func (a *awsCall) assumeRoleOptions(o *stscreds.AssumeRoleOptions) {
	code := a.mfaCode
	o.TokenProvider = func() (string, error) {
		if code == "" {
			return "", newErr(apierr.CodeMFARequired, nil, "profile %q needs an MFA code; send it and try again", a.s.profile)
		}
		return code, nil
	}
	rs := roles(a.top)
	for i := len(rs) - 1; i >= 0; i-- { // outermost first: the profile's own role wins
		l := rs[i]
		if o.RoleARN == "" || l.RoleARN != o.RoleARN {
			continue
		}
		if o.SerialNumber == nil {
			if m := effectiveMFA(l); m != "" {
				o.SerialNumber = aws.String(m)
			}
		}
		if o.RoleSessionName == "" {
			o.RoleSessionName = "aws-profile-bridge-" + a.s.now.UTC().Format("20060102T150405")
		}
		if l == a.top && a.roleDuration > 0 {
			o.Duration = a.roleDuration
		}
		break
	}
}

// isMaxDurationError recognises AssumeRole's refusal of a DurationSeconds above the role's
// MaxSessionDuration.
func isMaxDurationError(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "ValidationError" &&
		(strings.Contains(ae.ErrorMessage(), "MaxSessionDuration") || strings.Contains(ae.ErrorMessage(), "DurationSeconds"))
}

// federationName derives GetFederationToken's Name (2–32 characters of [\w+=,.@-]) from the IAM
// user in the caller ARN, else from the profile name.
func federationName(arn, profile string) string {
	name := ""
	if i := strings.Index(arn, ":user/"); i >= 0 {
		name = arn[i+len(":user/"):]
		if j := strings.LastIndex(name, "/"); j >= 0 {
			name = name[j+1:]
		}
	}
	if name == "" {
		name = profile
	}
	b := make([]byte, 0, 32)
	for i := 0; i < len(name) && len(b) < 32; i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', strings.IndexByte("_+=,.@-", c) >= 0:
			b = append(b, c)
		default:
			b = append(b, '-')
		}
	}
	if len(b) < 2 {
		return DefaultIssuer
	}
	return string(b)
}

func credsExpiry(cr aws.Credentials) time.Time {
	if cr.CanExpire {
		return cr.Expires
	}
	return time.Time{}
}

// profileDuration parses duration_seconds.
func profileDuration(v string) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	n := 0
	for _, c := range v {
		if c < '0' || c > '9' || n > 1e6 {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	if n == 0 {
		return 0, false
	}
	return time.Duration(n) * time.Second, true
}

// fileExpiry reads the expiry tools write next to session keys in the credentials file.
func fileExpiry(p *awsconfig.Profile) time.Time {
	for _, k := range []string{"aws_expiration", "x_security_token_expires", "expiration"} {
		if t, ok := parseTime(p.Get(k)); ok {
			return t
		}
	}
	if t, ok := parseTime(p.ExpiresComment); ok {
		return t
	}
	return time.Time{}
}

// parseTime reads an expiry the way the profile list does (awsconfig.ParseTime), so the list and
// the sign-in never disagree about when keys expire.
func parseTime(v string) (time.Time, bool) {
	if v == "" {
		return time.Time{}, false
	}
	t, err := awsconfig.ParseTime(v)
	return t, err == nil
}
