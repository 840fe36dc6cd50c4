package httpapi

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// Paging values at the edge of int64 are clamped (or refused), never a panic; and whatever a
// request does, it cannot keep the list routes' build slots: the routes answer afterwards.
func TestHugePagingNeitherPanicsNorLeaksASlot(t *testing.T) {
	e := newTestEnv(t)
	hdr := map[string]string{"X-API-Token": goodToken, "Content-Type": "application/json"}
	for _, body := range []string{
		`{"offset":1,"limit":9223372036854775807}`,
		`{"offset":9223372036854775807,"limit":9223372036854775807}`,
		`{"offset":1,"limit":9223372036854775807}`,
		`{"offset":1,"limit":9223372036854775807}`,
		`{"offset":1,"limit":9223372036854775807}`,
	} {
		for _, path := range []string{"/profiles", "/profiles/enrich"} {
			hr, _ := http.NewRequest("POST", "http://"+e.addr+path, strings.NewReader(body))
			for k, v := range hdr {
				hr.Header.Set(k, v)
			}
			res, err := e.client.Do(hr)
			if err != nil {
				t.Fatalf("%s %s: %v (the server dropped the connection: a panic?)", path, body, err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusBadRequest {
				t.Errorf("%s %s: status %d", path, body, res.StatusCode)
			}
		}
	}
	// The routes still answer: no slot was leaked. (A generous bound: a leak hangs for ever.)
	e.client.Timeout = 10 * time.Second
	for _, path := range []string{"/profiles", "/profiles/enrich"} {
		for i := 0; i < 6; i++ {
			r := e.do(req{method: "POST", path: path, hdr: tok(goodToken)})
			if m := r.json(t); m["action"] != "profileList" {
				t.Fatalf("%s after huge paging: %s", path, r.body)
			}
		}
	}
}
