// Command httpload is the load generator of scripts/bench-http.sh: C concurrent clients with
// keep-alive connections send the same request to a loopback URL for a duration, and it prints
// one line of figures: requests, throughput, p50/p99/max latency and errors (any transport error
// or status other than 200). Only loopback URLs are accepted.
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"sync"
	"time"
)

func main() {
	target := flag.String("url", "", "loopback URL to load")
	method := flag.String("method", "GET", "GET or POST")
	token := flag.String("token", "", "X-API-Token to send")
	origin := flag.String("origin", "", "Origin header to send (the extension's moz-extension://…)")
	clients := flag.Int("c", 50, "concurrent clients")
	dur := flag.Duration("d", 10*time.Second, "duration")
	label := flag.String("label", "", "row label")
	flag.Parse()
	u, err := url.Parse(*target)
	if err != nil || (u.Hostname() != "127.0.0.1" && u.Hostname() != "::1" && u.Hostname() != "localhost") {
		fmt.Fprintln(os.Stderr, "httpload: -url must be a loopback http URL")
		os.Exit(2)
	}
	tr := &http.Transport{MaxIdleConnsPerHost: *clients, MaxConnsPerHost: *clients, DisableCompression: true}
	client := &http.Client{Transport: tr, Timeout: 15 * time.Second}

	var mu sync.Mutex
	var all []time.Duration
	errs, non200 := 0, 0
	var firstErr string
	start := time.Now()
	deadline := start.Add(*dur)
	var wg sync.WaitGroup
	for c := 0; c < *clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat := make([]time.Duration, 0, 4096)
			e, n := 0, 0
			var fe string
			for time.Now().Before(deadline) {
				req, _ := http.NewRequest(*method, *target, nil)
				if *token != "" {
					req.Header.Set("X-API-Token", *token)
				}
				if *origin != "" {
					req.Header.Set("Origin", *origin)
				}
				if *method == "POST" {
					req.Header.Set("Content-Type", "application/json")
				}
				t0 := time.Now()
				res, err := client.Do(req)
				if err != nil {
					e++
					if fe == "" {
						fe = err.Error()
					}
					continue
				}
				_, cerr := io.Copy(io.Discard, res.Body)
				res.Body.Close()
				lat = append(lat, time.Since(t0))
				if res.StatusCode != 200 || cerr != nil {
					n++
					if fe == "" {
						fe = fmt.Sprintf("status %d %v", res.StatusCode, cerr)
					}
				}
			}
			mu.Lock()
			all = append(all, lat...)
			errs += e
			non200 += n
			if firstErr == "" {
				firstErr = fe
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	pct := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		return float64(all[int(p*float64(len(all)-1))].Microseconds()) / 1000
	}
	maxMs := 0.0
	if len(all) > 0 {
		maxMs = float64(all[len(all)-1].Microseconds()) / 1000
	}
	fmt.Printf("%-30s %9d %10.0f %9.2f %9.2f %9.2f %7d\n", *label, len(all), float64(len(all))/elapsed.Seconds(), pct(0.50), pct(0.99), maxMs, errs+non200)
	if firstErr != "" {
		fmt.Fprintln(os.Stderr, "httpload: first error:", firstErr)
	}
}
