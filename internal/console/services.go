package console

import "slices"

// Services are console service slugs (the first path segment of a console page, as in
// https://console.aws.amazon.com/SLUG/home) that people open most; the command line checks
// --service against them so that a typo is caught before a sign-in lands on a missing page.
// Any other page stays reachable as a console path ("/slug/home").
var Services = []string{
	"acm", "amplify", "apigateway", "appsync", "athena", "backup", "batch", "billing", "bedrock",
	"cloudformation", "cloudfront", "cloudshell", "cloudtrail", "cloudwatch", "codeartifact",
	"codebuild", "codecommit", "codedeploy", "codepipeline", "cognito", "config", "connect",
	"costmanagement", "datasync", "directconnect", "dms", "docdb", "dynamodbv2", "ec2", "ecr", "ecs",
	"efs", "eks", "elasticache", "elasticbeanstalk", "emr", "events", "firehose", "fsx", "glue",
	"guardduty", "iam", "inspector", "iot", "kinesis", "kms", "lambda", "lightsail", "macie",
	"mediaconvert", "memorydb", "msk", "opensearch", "organizations", "quicksight", "ram", "rds",
	"redshift", "resource-groups", "route53", "s3", "sagemaker", "secretsmanager", "securityhub",
	"servicecatalog", "ses", "sns", "sqs", "ssm", "sso", "states", "support", "systems-manager",
	"transfer", "trustedadvisor", "vpc", "waf", "wafv2", "workspaces", "xray",
}

// SuggestService reports whether name is one of Services and, when it is not, the closest one
// within two edits ("" when none is that close).
func SuggestService(name string) (known bool, suggestion string) {
	if slices.Contains(Services, name) {
		return true, ""
	}
	best := 3
	for _, s := range Services {
		if d := editDistance(name, s); d < best {
			best, suggestion = d, s
		}
	}
	return false, suggestion
}

// editDistance is the Levenshtein distance of a and b (bytes: slugs are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
