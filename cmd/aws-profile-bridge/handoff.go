package main

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"sync"
	"time"
)

// A sign-in URL handed to xdg-open sits in the argument lists of xdg-open and of the browser it
// starts (for a browser that was not running: for the whole browser session), and on Linux every
// local user can read those from /proc/PID/cmdline or ps. So `console --open` never puts it there:
// it serves the URL once, as a redirect, from http://127.0.0.1:<random port>/<random path>, and
// opens that instead. The redirect is given only to a connection whose socket belongs to this
// OS user (checked in /proc/net/tcp), so another user who reads the loopback URL from ps gets 403.
// On systems where the owner of a loopback connection cannot be checked, the URL is opened as
// before (see handoffSupported).

// handoffTimeout is how long `console --open` waits for the browser to fetch the hand-off URL
// (a browser that was not running may take a while to start).
var handoffTimeout = 2 * time.Minute

type handoff struct {
	url  string // what the browser is given: http://127.0.0.1:PORT/<nonce>
	path string
	host string
	to   string // the sign-in URL
	srv  *http.Server
	once sync.Once
	done chan struct{}
	// refused counts requests refused (another user, wrong path); for the message on timeout.
	mu      sync.Mutex
	refused int
}

// startHandoff starts the one-shot redirect for target. It returns nil, nil where the owner of a
// loopback connection cannot be checked (the caller opens target itself).
func startHandoff(target string) (*handoff, error) {
	if !handoffSupported() {
		return nil, nil
	}
	if _, err := peerUID(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)}, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)}); err != nil && !errors.Is(err, errNoSocket) {
		return nil, fmt.Errorf("cannot check who connects to a loopback port (%v)", err)
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	h := &handoff{path: "/" + hex.EncodeToString(b[:]), host: l.Addr().String(), to: target, done: make(chan struct{})}
	h.url = "http://" + h.host + h.path
	h.srv = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second,
		ErrorLog: log.New(io.Discard, "", 0), MaxHeaderBytes: 16 << 10}
	go h.srv.Serve(l)
	return h, nil
}

func (h *handoff) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Connection", "close")
	local, _ := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	remote, err := net.ResolveTCPAddr("tcp", r.RemoteAddr)
	ok := err == nil && local != nil && r.Method == http.MethodGet && r.Host == h.host &&
		subtle.ConstantTimeCompare([]byte(r.URL.Path), []byte(h.path)) == 1
	if ok {
		uid, err := peerUID(remote, local)
		ok = err == nil && uid == os.Getuid()
	}
	if !ok {
		h.mu.Lock()
		h.refused++
		h.mu.Unlock()
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	served := false
	h.once.Do(func() { served = true })
	if !served {
		http.Error(w, "this sign-in link was used already", http.StatusGone)
		return
	}
	w.Header().Set("Location", h.to)
	w.WriteHeader(http.StatusSeeOther)
	close(h.done)
}

// wait returns nil once the browser got the redirect, an error after timeout.
func (h *handoff) wait(timeout time.Duration) error {
	select {
	case <-h.done:
		return nil
	case <-time.After(timeout):
		h.mu.Lock()
		n := h.refused
		h.mu.Unlock()
		if n > 0 {
			return fmt.Errorf("the browser did not fetch the sign-in link within %s (%d request(s) from elsewhere were refused)", timeout, n)
		}
		return fmt.Errorf("the browser did not fetch the sign-in link within %s", timeout)
	}
}

// close stops the server after the redirect is written.
func (h *handoff) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if h.srv.Shutdown(ctx) != nil {
		h.srv.Close()
	}
}
