//go:build !linux

package main

import (
	"errors"
	"net"
)

var errNoSocket = errors.New("no such socket")

// handoffSupported: the owner of a loopback connection is only checked on Linux; elsewhere
// `console --open` hands the URL to the browser directly.
func handoffSupported() bool { return false }

func peerUID(remote, local net.Addr) (int, error) { return -1, errors.ErrUnsupported }
