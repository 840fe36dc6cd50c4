package profiles

import "strings"

// AWS partitions.
const (
	PartitionAWS      = "aws"
	PartitionGovCloud = "aws-us-gov"
	PartitionChina    = "aws-cn"
	PartitionEUSC     = "aws-eusc"
	PartitionISO      = "aws-iso"
	PartitionISOB     = "aws-iso-b"
	PartitionISOE     = "aws-iso-e"
	PartitionISOF     = "aws-iso-f"
)

var regionPrefixes = [...]struct{ prefix, partition string }{
	{"us-gov-", PartitionGovCloud},
	{"cn-", PartitionChina},
	{"eusc-", PartitionEUSC},
	{"us-isob-", PartitionISOB},
	{"us-isof-", PartitionISOF},
	{"us-iso-", PartitionISO},
	{"eu-isoe-", PartitionISOE},
}

// PartitionOf returns the partition of a region by its prefix: us-gov-* → aws-us-gov, cn-* →
// aws-cn, eusc-* → aws-eusc, us-iso-* → aws-iso, us-isob-* → aws-iso-b, eu-isoe-* → aws-iso-e,
// us-isof-* → aws-iso-f, anything else (including "") → aws.
func PartitionOf(region string) string {
	region = strings.ToLower(strings.TrimSpace(region))
	for _, rp := range regionPrefixes {
		if strings.HasPrefix(region, rp.prefix) {
			return rp.partition
		}
	}
	return PartitionAWS
}

// HasPublicConsole reports whether a partition has a public AWS Console (the ISO partitions do not).
func HasPublicConsole(partition string) bool {
	return !strings.HasPrefix(partition, "aws-iso")
}

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
