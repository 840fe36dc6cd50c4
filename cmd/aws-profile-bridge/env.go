package main

import (
	"fmt"
	"io"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/settings"
)

func printVars(w io.Writer) {
	for _, v := range settings.Vars {
		fmt.Fprintf(w, "  %s\n%s", v.Name, wrap(v.Help+" (default "+v.Default+")", "      "))
	}
}
