package main

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
)

// errNoSocket: no socket with these addresses (the connection is gone, or never existed).
var errNoSocket = errors.New("no such socket")

func handoffSupported() bool { return true }

// procNetTCP is read by peerUID; tests point it elsewhere.
var procNetTCP = "/proc/net/tcp"

// peerUID returns the owner of the IPv4 TCP socket whose local address is remote and whose peer
// is local: the client end of a connection this process accepted on local.
func peerUID(remote, local net.Addr) (int, error) {
	f, err := os.Open(procNetTCP)
	if err != nil {
		return -1, err
	}
	defer f.Close()
	return findPeerUID(f, remote, local)
}

func findPeerUID(r io.Reader, remote, local net.Addr) (int, error) {
	want1, err := procAddr(remote)
	if err != nil {
		return -1, err
	}
	want2, err := procAddr(local)
	if err != nil {
		return -1, err
	}
	sc := bufio.NewScanner(r)
	sc.Scan() // header
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 8 {
			continue
		}
		if strings.EqualFold(f[1], want1) && strings.EqualFold(f[2], want2) {
			uid, err := strconv.Atoi(f[7])
			if err != nil {
				return -1, fmt.Errorf("%s: bad uid %q", procNetTCP, f[7])
			}
			return uid, nil
		}
	}
	if err := sc.Err(); err != nil {
		return -1, err
	}
	return -1, errNoSocket
}

// procAddr writes an IPv4 TCP address as /proc/net/tcp does: the address as a 32-bit number in
// host byte order, then the port, both in upper-case hex.
func procAddr(a net.Addr) (string, error) {
	ta, ok := a.(*net.TCPAddr)
	if !ok {
		return "", fmt.Errorf("not a TCP address: %v", a)
	}
	ip4 := ta.IP.To4()
	if ip4 == nil {
		return "", fmt.Errorf("not an IPv4 address: %v", a)
	}
	n := binary.NativeEndian.Uint32(ip4)
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], n)
	return strings.ToUpper(hex.EncodeToString(b[:])) + fmt.Sprintf(":%04X", ta.Port), nil
}
