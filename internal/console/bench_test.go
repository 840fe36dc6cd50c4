package console

import (
	"context"
	"testing"
)

// BenchmarkSignIn measures a whole SignIn against the local fake (which answers at once):
// config resolution by the SDK, the STS/SSO calls, getSigninToken and the URL.
func BenchmarkSignIn(b *testing.B) {
	for _, profile := range []string{"role", "role-chained", "static", "sso"} {
		b.Run(profile, func(b *testing.B) {
			w := newTestWorld(b)
			requests := 0
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				res, err := SignIn(context.Background(), w.env, w.cfg, profile, Options{})
				if err != nil {
					b.Fatal(err)
				}
				requests += res.Requests
			}
			b.ReportMetric(float64(requests)/float64(b.N), "requests/op")
		})
	}
}
