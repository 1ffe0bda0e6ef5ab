package keyurl

import "testing"

func TestTrimScheme(t *testing.T) {
	for _, c := range []struct{ in, typ, want string }{
		{"aws-kms://arn:aws:kms:eu-west-1:1:key/k", "aws-kms", "arn:aws:kms:eu-west-1:1:key/k"},
		{"AWS-KMS://arn:aws:kms:eu-west-1:1:key/k", "aws-kms", "arn:aws:kms:eu-west-1:1:key/k"},
		{"arn:aws:kms:eu-west-1:1:key/k", "aws-kms", "arn:aws:kms:eu-west-1:1:key/k"},
		{"azure-kms://https://v.vault.azure.net/keys/k", "azure-kms", "https://v.vault.azure.net/keys/k"},
		{"hcvault://vault:8200/transit/keys/k", "hcvault", "vault:8200/transit/keys/k"},
		{"gcp-kms://", "gcp-kms", ""},
		{"gcp-kms:/projects/p", "gcp-kms", "gcp-kms:/projects/p"},
		{"gcp-kms", "gcp-kms", "gcp-kms"},
		{"aws-kms://x", "gcp-kms", "aws-kms://x"},
		{"", "hcvault", ""},
	} {
		if got := TrimScheme(c.in, c.typ); got != c.want {
			t.Errorf("TrimScheme(%q, %q) = %q, want %q", c.in, c.typ, got, c.want)
		}
	}
}
