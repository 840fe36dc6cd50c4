package httpapi

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var updateRegions = flag.Bool("update-regions", false, "rewrite testdata/regions/*.json from the current /regions replies")

// TestRegionsGolden: the /regions reply of every partition with a public console is byte for
// byte the one the extension was built against (testdata/regions), and other partitions are
// refused. Change the golden files only with the region table, on purpose.
func TestRegionsGolden(t *testing.T) {
	e := newTestEnv(t)
	for _, part := range []string{"aws", "aws-us-gov", "aws-cn", "aws-eusc"} {
		r := e.do(req{path: "/regions?partition=" + part, hdr: tok(goodToken)})
		if r.status != 200 {
			t.Fatalf("%s: %d %s", part, r.status, r.body)
		}
		golden := filepath.Join("testdata", "regions", part+".json")
		if *updateRegions {
			if err := os.WriteFile(golden, r.body, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(r.body, want) {
			t.Errorf("/regions?partition=%s:\n got %s\nwant %s", part, r.body, want)
		}
	}
	if r := e.do(req{path: "/regions", hdr: tok(goodToken)}); r.status != 200 || !bytes.Contains(r.body, []byte(`"partition":"aws"`)) {
		t.Errorf("default partition: %d %s", r.status, r.body)
	}
	for _, part := range []string{"aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "nope", "AWS"} {
		if r := e.do(req{path: "/regions?partition=" + part, hdr: tok(goodToken)}); r.status != 400 {
			t.Errorf("%s: %d %s, want 400", part, r.status, r.body)
		}
	}
}
