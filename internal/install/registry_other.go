//go:build !windows

package install

// OSRegistry returns the system registry: none outside Windows.
func OSRegistry() Registry { return nil }
