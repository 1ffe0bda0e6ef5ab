package awskms

import (
	"strings"
)

// arn is a KMS key or alias ARN split into its parts.
type arn struct {
	partition, region, account, resource string
}

// parseARN splits a KMS ARN: arn:<partition>:kms:<region>:<account>:<resource>.
// ok is false for anything else (a bare key ID or alias name).
func parseARN(s string) (arn, bool) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || !strings.HasPrefix(parts[1], "aws") || parts[2] != "kms" {
		return arn{}, false
	}
	a := arn{partition: parts[1], region: parts[3], account: parts[4], resource: parts[5]}
	if !validRegion(a.region) || a.resource == "" {
		return arn{}, false
	}
	return a, true
}

// isKeyARN reports whether the ARN names a key (key/…) rather than an
// alias: then Decrypt must answer with that key.
func (a arn) isKeyARN() bool { return strings.HasPrefix(a.resource, "key/") }

// validRegion: lower-case letters, digits and dashes, as AWS region names
// are (us-east-1, us-gov-west-1, cn-north-1, eu-isoe-west-1).
func validRegion(r string) bool {
	if r == "" || len(r) > 32 {
		return false
	}
	for i := 0; i < len(r); i++ {
		c := r[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
