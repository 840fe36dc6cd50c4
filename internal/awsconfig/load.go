package awsconfig

import "errors"

// ErrNotImplemented marks code that has not landed yet.
var ErrNotImplemented = errors.New("not implemented")

// PathsFromEnv resolves Paths the way aws-sdk-go-v2 does: AWS_CONFIG_FILE and
// AWS_SHARED_CREDENTIALS_FILE override ~/.aws/config and ~/.aws/credentials; home is the user's
// home directory. getenv is passed in so this package never reads the environment itself.
func PathsFromEnv(getenv func(string) string, home string) Paths {
	panic("TODO")
}

// Load reads and merges both files. A missing file is an empty file; an unreadable file or a
// malformed line is an error (a *ParseError for syntax) naming the file and the line.
func Load(p Paths) (*Config, error) {
	return nil, ErrNotImplemented
}
