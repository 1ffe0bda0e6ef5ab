// Package keyurl reads Confluent's KMS key URLs, the form in which
// Confluent's clients may give a KEK's key ID: the KMS type as a scheme,
// then the key ID ("aws-kms://arn:aws:kms:…", "gcp-kms://projects/…",
// "azure-kms://https://…", "hcvault://host:8200/transit/keys/…").
package keyurl

import "strings"

// TrimScheme returns keyID without the "<kmsType>://" scheme of a key URL
// (matched case-insensitively, as Confluent's clients match it), or keyID
// as it is when it has none.
func TrimScheme(keyID, kmsType string) string {
	n := len(kmsType) + len("://")
	if len(keyID) >= n && strings.EqualFold(keyID[:len(kmsType)], kmsType) && keyID[len(kmsType):n] == "://" {
		return keyID[n:]
	}
	return keyID
}
