package main

import (
	"fmt"
	"io"
	"os"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/settings"
)

func printVars(w io.Writer) {
	for _, v := range settings.Vars {
		fmt.Fprintf(w, "  %s\n%s", v.Name, wrap(v.Help+" (default "+v.Default+")", "      "))
	}
}

// loadSettings reads the environment once, for every command.
func loadSettings() (settings.Settings, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return settings.Settings{}, fmt.Errorf("cannot find your home directory (%v); set HOME", err)
	}
	return settings.FromEnv(os.Getenv, home)
}
