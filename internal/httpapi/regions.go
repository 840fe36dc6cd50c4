package httpapi

import (
	"sync"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/partition"
)

// Region is one entry of the /regions reply.
type Region struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	Partition string `json:"partition"`
}

// regionTable is the region list of each partition with a public console, from the one
// partition table (no network, no SDK endpoint tables); the extension's region menu shows it.
// Built on first use: a native host process never needs it.
var regionTable = sync.OnceValue(func() map[string][]Region {
	t := map[string][]Region{}
	for _, id := range partition.WithConsole() {
		for _, r := range partition.Lookup(id).Regions {
			t[id] = append(t[id], Region{Code: r.Code, Name: r.Name, Partition: id})
		}
	}
	return t
})
