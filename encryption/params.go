package encryption

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// Rule parameters, looked up in the rule's params and then in its schema's
// metadata properties, as Confluent's clients look them up.
const (
	// ParamKEKName names the KEK (required).
	ParamKEKName = "encrypt.kek.name"
	// ParamKMSType is the KMS type of the KEK: needed to create it, and
	// checked against an existing one.
	ParamKMSType = "encrypt.kms.type"
	// ParamKMSKeyID is the KMS key of the KEK: needed to create it, and
	// checked against an existing one.
	ParamKMSKeyID = "encrypt.kms.key.id"
	// ParamDEKAlgorithm is the DEK algorithm (default AES256_GCM).
	ParamDEKAlgorithm = "encrypt.dek.algorithm"
	// ParamDEKExpiryDays, when > 0, makes writers create a new DEK version
	// once the latest is that many days old, and prefixes every ciphertext
	// with 0x00 and the DEK version (4 bytes, big-endian).
	ParamDEKExpiryDays = "encrypt.dek.expiry.days"
	// ParamAlternateKMSKeyIDs lists (comma-separated) KMS key IDs tried in
	// order when wrapping or unwrapping with the KEK's own key fails. It
	// is also read from the KEK's kmsProps and the executor's config.
	ParamAlternateKMSKeyIDs = "encrypt.alternate.kms.key.ids"
)

// ruleParams are a rule's parameters, resolved once per rule and schema.
type ruleParams struct {
	name       string // the rule's name, for errors
	kekName    string
	kmsType    string
	kmsKeyID   string
	alg        Algorithm
	expiryDays int
	altKeyIDs  []string
}

// compileParams reads the parameters of r, a rule of schema.
func compileParams(r *registry.Rule, schema *serde.ResolvedSchema) (*ruleParams, error) {
	param := func(name string) string {
		v, _ := serde.RuleParam(r, schema, name)
		return v
	}
	p := &ruleParams{name: r.Name, kekName: param(ParamKEKName), kmsType: param(ParamKMSType), kmsKeyID: param(ParamKMSKeyID)}
	if err := checkKEKName(p.kekName); err != nil {
		return nil, err
	}
	p.alg = Algorithm(param(ParamDEKAlgorithm))
	if p.alg == "" {
		p.alg = DefaultAlgorithm
	}
	if !p.alg.valid() {
		return nil, fmt.Errorf("%w: %s %q is none of AES128_GCM, AES256_GCM, AES256_SIV", ErrInvalidRule, ParamDEKAlgorithm, p.alg)
	}
	if s := param(ParamDEKExpiryDays); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("%w: %s %q is not a number of days", ErrInvalidRule, ParamDEKExpiryDays, s)
		}
		p.expiryDays = n
	}
	p.altKeyIDs = splitKeyIDs(param(ParamAlternateKMSKeyIDs))
	return p, nil
}

// checkKEKName applies Confluent's rule: a letter or '_', then letters,
// digits, '_' or '-' (Java tests each UTF-16 unit).
func checkKEKName(name string) error {
	if name == "" {
		return fmt.Errorf("%w: no %s", ErrInvalidRule, ParamKEKName)
	}
	for i, c := range name {
		ok := c <= 0xFFFF && (unicode.IsLetter(c) || c == '_' || (i > 0 && (unicode.IsDigit(c) || c == '-')))
		if !ok {
			return fmt.Errorf("%w: %s %q has an illegal character at byte %d", ErrInvalidRule, ParamKEKName, name, i)
		}
	}
	return nil
}

// splitKeyIDs splits a comma-separated list of key IDs, dropping blanks.
func splitKeyIDs(s string) []string {
	var out []string
	for _, id := range strings.Split(s, ",") {
		if id = strings.TrimSpace(id); id != "" {
			out = append(out, id)
		}
	}
	return out
}

// dekVersion is the DEK version a writer uses: the latest with rotation,
// else the first.
func (p *ruleParams) writeVersion() int {
	if p.expiryDays > 0 {
		return registry.Latest
	}
	return firstVersion
}

// firstVersion names a subject's first DEK (GET .../deks/{subject}).
const firstVersion = 0
