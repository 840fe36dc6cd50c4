package console

import (
	"regexp"
	"strings"
	"sync"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/profiles"
)

// Partition describes one AWS partition that has a public console.
type Partition struct {
	ID string // "aws", "aws-us-gov", "aws-cn", "aws-eusc"
	// DefaultRegion is used when neither the request nor the profile names a region.
	DefaultRegion string
	// consoleDomain is the console's domain: "console.aws.amazon.com" etc.
	consoleDomain string
	// signinDomain is the federation endpoint's domain.
	signinDomain string
	// regionalSignin: the sign-in host is "<region>.<signinDomain>" (aws-eusc has no global one).
	regionalSignin bool
	// regionalConsole: the default destination uses "<region>.<consoleDomain>".
	regionalConsole bool
}

var (
	partitionAWS   = &Partition{ID: "aws", DefaultRegion: "us-east-1", consoleDomain: "console.aws.amazon.com", signinDomain: "signin.aws.amazon.com", regionalConsole: true}
	partitionGov   = &Partition{ID: "aws-us-gov", DefaultRegion: "us-gov-west-1", consoleDomain: "console.amazonaws-us-gov.com", signinDomain: "signin.amazonaws-us-gov.com"}
	partitionChina = &Partition{ID: "aws-cn", DefaultRegion: "cn-north-1", consoleDomain: "console.amazonaws.cn", signinDomain: "signin.amazonaws.cn"}
	partitionEUSC  = &Partition{ID: "aws-eusc", DefaultRegion: "eusc-de-east-1", consoleDomain: "console.amazonaws-eusc.eu", signinDomain: "signin.amazonaws-eusc.eu", regionalSignin: true}
)

var partitionsByID = map[string]*Partition{
	"aws": partitionAWS, "aws-us-gov": partitionGov, "aws-cn": partitionChina, "aws-eusc": partitionEUSC,
}

// isoPartitions have no public console.
var isoPartitions = map[string]bool{"aws-iso": true, "aws-iso-b": true, "aws-iso-e": true, "aws-iso-f": true}

// regionRE is the strict shape of a region name: "us-east-1", "us-gov-west-1", "eusc-de-east-1".
var regionRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z]{2,4}(-[a-z]{1,10}){1,3}-[0-9]{1,2}$`) }) // lazy: keeps process start fast

// validRegion reports whether r looks like a region name.
func validRegion(r string) bool { return len(r) <= 32 && regionRE().MatchString(r) }

// partitionOfARN returns the partition field of an ARN ("" when s is not an ARN).
func partitionOfARN(s string) string {
	parts := strings.SplitN(s, ":", 3)
	if len(parts) < 3 || parts[0] != "arn" {
		return ""
	}
	return parts[1]
}

// lookupPartition returns the partition for an ID, or an unsupported_partition error.
func lookupPartition(id, from string) (*Partition, error) {
	if p := partitionsByID[id]; p != nil {
		return p, nil
	}
	if isoPartitions[id] {
		return nil, newErr(CodeUnsupportedPartition, nil,
			"%s is in the %s partition, which has no public AWS Console; sign in through your agency's console portal instead", from, id)
	}
	return nil, newErr(CodeUnsupportedPartition, nil,
		"%s is in the unknown partition %q; supported partitions are aws, aws-us-gov, aws-cn and aws-eusc", from, id)
}

// SigninHost is the federation endpoint's host for a region of this partition.
func (p *Partition) SigninHost(region string) string {
	if p.regionalSignin {
		return region + "." + p.signinDomain
	}
	return p.signinDomain
}

// ConsoleHost is the console host used for default and service destinations.
func (p *Partition) ConsoleHost(region string) string {
	if p.regionalConsole {
		return region + "." + p.consoleDomain
	}
	return p.consoleDomain
}

// logoutURL is the partition's console logout endpoint that accepts a redirect_uri.
func (p *Partition) logoutURL(region string) string {
	if p == partitionAWS {
		return "https://us-east-1.signin.aws.amazon.com/oauth"
	}
	return "https://" + p.SigninHost(region) + "/oauth"
}

// allowedConsoleHost reports whether host may be a destination: exactly the partition's console
// domain, "<region>.<console domain>" for a region of this partition, or the S3 console
// ("s3.<console domain>"). Nothing else: no other subdomain, no port, no user info.
func (p *Partition) allowedConsoleHost(host string) bool {
	if host == p.consoleDomain || host == "s3."+p.consoleDomain {
		return true
	}
	prefix, ok := strings.CutSuffix(host, "."+p.consoleDomain)
	if !ok {
		return false
	}
	return validRegion(prefix) && profiles.PartitionOf(prefix) == p.ID
}
