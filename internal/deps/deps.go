// Package deps pins the core dependencies in go.mod until the packages that use them land.
package deps

import (
	_ "github.com/aws/aws-sdk-go-v2/config"
	_ "github.com/aws/aws-sdk-go-v2/service/sso"
	_ "github.com/aws/aws-sdk-go-v2/service/sts"
	_ "github.com/rs/zerolog"
	_ "gopkg.in/ini.v1"
	_ "gopkg.in/natefinch/lumberjack.v2"
)
