package sso

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sso"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
)

// OIDC is the part of the SSO OIDC client the device flow and the refresh use (*ssooidc.Client).
type OIDC interface {
	RegisterClient(context.Context, *ssooidc.RegisterClientInput, ...func(*ssooidc.Options)) (*ssooidc.RegisterClientOutput, error)
	StartDeviceAuthorization(context.Context, *ssooidc.StartDeviceAuthorizationInput, ...func(*ssooidc.Options)) (*ssooidc.StartDeviceAuthorizationOutput, error)
	CreateToken(context.Context, *ssooidc.CreateTokenInput, ...func(*ssooidc.Options)) (*ssooidc.CreateTokenOutput, error)
}

// Portal is the part of the SSO portal client sign-out and populate use (*sso.Client).
type Portal interface {
	sso.ListAccountsAPIClient
	sso.ListAccountRolesAPIClient
	Logout(context.Context, *sso.LogoutInput, ...func(*sso.Options)) (*sso.LogoutOutput, error)
}

// Clients makes the SSO OIDC and portal clients of region. They are loaded as the SDK loads any
// client, so AWS_ENDPOINT_URL_SSO_OIDC and AWS_ENDPOINT_URL_SSO point them elsewhere (tests
// point them at a local fake). configFile is the AWS config file ("" for the SDK's default); hc
// the HTTP client (nil for the SDK's). The calls are unsigned: no credentials are needed.
func Clients(ctx context.Context, region, configFile string, hc config.HTTPClient) (OIDC, Portal, error) {
	opts := []func(*config.LoadOptions) error{
		config.WithRegion(region),
		config.WithCredentialsProvider(aws.AnonymousCredentials{}),
	}
	if hc != nil {
		opts = append(opts, config.WithHTTPClient(hc))
	}
	if configFile != "" {
		opts = append(opts, config.WithSharedConfigFiles([]string{configFile}))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	var missing config.SharedConfigProfileNotExistError
	if errors.As(err, &missing) {
		// AWS_PROFILE names a profile that does not exist: nothing of it applies to these
		// clients, so they are made from the SDK's environment variables alone.
		env, eerr := config.NewEnvConfig()
		if eerr != nil {
			return nil, nil, fmt.Errorf("sso: loading the AWS SDK configuration: %w", eerr)
		}
		cfg, err = aws.Config{Region: region, Credentials: aws.AnonymousCredentials{}, ConfigSources: []any{env}}, nil
		if hc != nil {
			cfg.HTTPClient = hc
		}
		if env.BaseEndpoint != "" {
			cfg.BaseEndpoint = aws.String(env.BaseEndpoint)
		}
	}
	if err != nil {
		return nil, nil, fmt.Errorf("sso: loading the AWS SDK configuration: %w", err)
	}
	return ssooidc.NewFromConfig(cfg), sso.NewFromConfig(cfg), nil
}
