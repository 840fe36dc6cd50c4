package console

import (
	"strings"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/partition"
)

// lookupPartition returns the partition for an ID, or an unsupported_partition error when it has
// no public console or is unknown; from says where the ID came from ("role arn:…", "region …").
func lookupPartition(id, from string) (*partition.Partition, error) {
	p := partition.Lookup(id)
	switch {
	case p != nil && p.HasConsole():
		return p, nil
	case p != nil:
		return nil, newErr(apierr.CodeUnsupportedPartition, nil,
			"%s is in the %s partition, which has no public AWS Console; sign in through your agency's console portal instead", from, id)
	}
	ids := partition.WithConsole()
	return nil, newErr(apierr.CodeUnsupportedPartition, nil,
		"%s is in the unknown partition %q; supported partitions are %s and %s", from, id,
		strings.Join(ids[:len(ids)-1], ", "), ids[len(ids)-1])
}

// logoutURL is the partition's console logout endpoint that accepts a redirect_uri.
func logoutURL(p *partition.Partition, region string) string {
	return "https://" + p.LogoutHost(region) + "/oauth"
}

// allowedConsoleHost reports whether host may be a destination: exactly the partition's console
// domain, "<region>.<console domain>" for a region of this partition, or the S3 console
// ("s3.<console domain>"). Nothing else: no other subdomain, no port, no user info.
func allowedConsoleHost(p *partition.Partition, host string) bool {
	if host == p.ConsoleDomain || host == "s3."+p.ConsoleDomain {
		return true
	}
	prefix, ok := strings.CutSuffix(host, "."+p.ConsoleDomain)
	if !ok {
		return false
	}
	return partition.ValidRegion(prefix) && partition.Of(prefix) == p.ID
}
