// Package partition is the one table of AWS partitions: which partition a region or an ARN
// belongs to, which partitions have a public AWS Console and on which domains, and the regions
// the extension's region menu lists. The profile list, console sign-in and the HTTP API's
// /regions all read it; nothing here touches the network or the SDK's endpoint tables.
package partition

import (
	"regexp"
	"strings"
	"sync"
)

// Partition IDs.
const (
	AWS      = "aws"
	GovCloud = "aws-us-gov"
	China    = "aws-cn"
	EUSC     = "aws-eusc"
	ISO      = "aws-iso"
	ISOB     = "aws-iso-b"
	ISOE     = "aws-iso-e"
	ISOF     = "aws-iso-f"
)

// Region is one region of a partition.
type Region struct {
	Code string // "eu-west-1"
	Name string // "Europe (Ireland)"
}

// Partition is one AWS partition.
type Partition struct {
	ID string
	// regionPrefix is the prefix of its region names ("" for aws, which takes every other name).
	regionPrefix string
	// DefaultRegion is used when neither the request nor the profile names a region.
	DefaultRegion string
	// ConsoleDomain is the console's domain ("console.aws.amazon.com"); "" when the partition
	// has no public console.
	ConsoleDomain string
	// SigninDomain is the federation endpoint's domain.
	SigninDomain string
	// RegionalSignin: the sign-in host is "<region>.<SigninDomain>" (aws-eusc has no global one).
	RegionalSignin bool
	// RegionalConsole: console pages live on "<region>.<ConsoleDomain>".
	RegionalConsole bool
	// logoutHost is the host of the console's logout endpoint when it is not the sign-in host.
	logoutHost string
	// Regions are the regions the region menu offers, in the order it shows them.
	Regions []Region
}

var table = [...]Partition{
	{ID: AWS, DefaultRegion: "us-east-1", ConsoleDomain: "console.aws.amazon.com", SigninDomain: "signin.aws.amazon.com",
		RegionalConsole: true, logoutHost: "us-east-1.signin.aws.amazon.com", Regions: []Region{
			{"us-east-1", "US East (N. Virginia)"},
			{"us-east-2", "US East (Ohio)"},
			{"us-west-1", "US West (N. California)"},
			{"us-west-2", "US West (Oregon)"},
			{"af-south-1", "Africa (Cape Town)"},
			{"ap-east-1", "Asia Pacific (Hong Kong)"},
			{"ap-east-2", "Asia Pacific (Taipei)"},
			{"ap-south-1", "Asia Pacific (Mumbai)"},
			{"ap-south-2", "Asia Pacific (Hyderabad)"},
			{"ap-southeast-1", "Asia Pacific (Singapore)"},
			{"ap-southeast-2", "Asia Pacific (Sydney)"},
			{"ap-southeast-3", "Asia Pacific (Jakarta)"},
			{"ap-southeast-4", "Asia Pacific (Melbourne)"},
			{"ap-southeast-5", "Asia Pacific (Malaysia)"},
			{"ap-southeast-6", "Asia Pacific (New Zealand)"},
			{"ap-southeast-7", "Asia Pacific (Thailand)"},
			{"ap-northeast-1", "Asia Pacific (Tokyo)"},
			{"ap-northeast-2", "Asia Pacific (Seoul)"},
			{"ap-northeast-3", "Asia Pacific (Osaka)"},
			{"ca-central-1", "Canada (Central)"},
			{"ca-west-1", "Canada West (Calgary)"},
			{"eu-central-1", "Europe (Frankfurt)"},
			{"eu-central-2", "Europe (Zurich)"},
			{"eu-west-1", "Europe (Ireland)"},
			{"eu-west-2", "Europe (London)"},
			{"eu-west-3", "Europe (Paris)"},
			{"eu-south-1", "Europe (Milan)"},
			{"eu-south-2", "Europe (Spain)"},
			{"eu-north-1", "Europe (Stockholm)"},
			{"il-central-1", "Israel (Tel Aviv)"},
			{"me-south-1", "Middle East (Bahrain)"},
			{"me-central-1", "Middle East (UAE)"},
			{"mx-central-1", "Mexico (Central)"},
			{"sa-east-1", "South America (São Paulo)"},
		}},
	{ID: GovCloud, regionPrefix: "us-gov-", DefaultRegion: "us-gov-west-1", ConsoleDomain: "console.amazonaws-us-gov.com",
		SigninDomain: "signin.amazonaws-us-gov.com", Regions: []Region{
			{"us-gov-west-1", "AWS GovCloud (US-West)"},
			{"us-gov-east-1", "AWS GovCloud (US-East)"},
		}},
	{ID: China, regionPrefix: "cn-", DefaultRegion: "cn-north-1", ConsoleDomain: "console.amazonaws.cn",
		SigninDomain: "signin.amazonaws.cn", Regions: []Region{
			{"cn-north-1", "China (Beijing)"},
			{"cn-northwest-1", "China (Ningxia)"},
		}},
	{ID: EUSC, regionPrefix: "eusc-", DefaultRegion: "eusc-de-east-1", ConsoleDomain: "console.amazonaws-eusc.eu",
		SigninDomain: "signin.amazonaws-eusc.eu", RegionalSignin: true, Regions: []Region{
			{"eusc-de-east-1", "AWS European Sovereign Cloud (Germany)"},
		}},
	// The isolated partitions have no public console.
	{ID: ISO, regionPrefix: "us-iso-"},
	{ID: ISOB, regionPrefix: "us-isob-"},
	{ID: ISOE, regionPrefix: "eu-isoe-"},
	{ID: ISOF, regionPrefix: "us-isof-"},
}

// Lookup returns the partition with this ID, or nil.
func Lookup(id string) *Partition {
	for i := range table {
		if table[i].ID == id {
			return &table[i]
		}
	}
	return nil
}

// WithConsole lists the IDs of the partitions that have a public console, in table order.
func WithConsole() []string {
	var ids []string
	for i := range table {
		if table[i].HasConsole() {
			ids = append(ids, table[i].ID)
		}
	}
	return ids
}

// Of returns the partition of a region by its name (case-insensitive): us-gov-* is aws-us-gov,
// cn-* aws-cn, eusc-* aws-eusc, us-iso-* aws-iso, us-isob-* aws-iso-b, eu-isoe-* aws-iso-e,
// us-isof-* aws-iso-f, anything else (including "") aws.
func Of(region string) string {
	region = strings.ToLower(strings.TrimSpace(region))
	id, longest := AWS, 0
	for i := range table {
		if p := table[i].regionPrefix; len(p) > longest && strings.HasPrefix(region, p) {
			id, longest = table[i].ID, len(p)
		}
	}
	return id
}

// HasConsole reports whether the partition has a public AWS Console.
func (p *Partition) HasConsole() bool { return p.ConsoleDomain != "" }

// SigninHost is the federation endpoint's host for a region of this partition.
func (p *Partition) SigninHost(region string) string {
	if p.RegionalSignin {
		return region + "." + p.SigninDomain
	}
	return p.SigninDomain
}

// ConsoleHost is the console host of a region's pages.
func (p *Partition) ConsoleHost(region string) string {
	if p.RegionalConsole {
		return region + "." + p.ConsoleDomain
	}
	return p.ConsoleDomain
}

// LogoutHost is the host of the console's logout endpoint (which accepts a redirect_uri).
func (p *Partition) LogoutHost(region string) string {
	if p.logoutHost != "" {
		return p.logoutHost
	}
	return p.SigninHost(region)
}

// regionRE is the strict shape of a region name: "us-east-1", "us-gov-west-1", "eusc-de-east-1".
var regionRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z]{2,4}(-[a-z]{1,10}){1,3}-[0-9]{1,2}$`) }) // lazy: keeps process start fast

// ValidRegion reports whether r has the shape of a region name (lower case, no more than 32
// bytes); it need not be a region the table lists.
func ValidRegion(r string) bool { return len(r) <= 32 && regionRE().MatchString(r) }

// ParseARN splits "arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE" and returns the partition and
// the account id; ok is false when s is not an ARN.
func ParseARN(s string) (partition, account string, ok bool) {
	rest, found := strings.CutPrefix(strings.TrimSpace(s), "arn:")
	if !found {
		return "", "", false
	}
	partition, rest, found = strings.Cut(rest, ":")
	if !found || partition == "" {
		return "", "", false
	}
	_, rest, found = strings.Cut(rest, ":") // service
	if !found {
		return "", "", false
	}
	_, rest, found = strings.Cut(rest, ":") // region
	if !found {
		return "", "", false
	}
	account, _, found = strings.Cut(rest, ":")
	if !found {
		return "", "", false
	}
	return partition, account, true
}
