package awsconfig

// ReadSSOToken reads the cached SSO token for an sso-session name (when sessionName != "") or a
// legacy start URL: first the file named by the lower-case hex SHA-1 of that key, then a scan of the
// cache directory for a file whose startUrl matches. It returns an error wrapping fs.ErrNotExist
// when there is no token.
func ReadSSOToken(cacheDir, sessionName, startURL string) (*SSOToken, error) {
	return nil, ErrNotImplemented
}
