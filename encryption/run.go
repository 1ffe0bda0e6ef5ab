package encryption

import (
	"context"
	"encoding/base64"
	"fmt"

	"github.com/srkit-go/srkit/encryption/dekregistry"
	"github.com/srkit-go/srkit/registry"
	"github.com/srkit-go/srkit/serde"
)

// fieldRule is a compiled ENCRYPT rule.
type fieldRule struct{ rule }

// payloadRule is a compiled ENCRYPT_PAYLOAD rule.
type payloadRule struct{ rule }

// checkMode refuses modes other than WRITE and READ.
func (r *rule) checkMode(rc *serde.RuleContext) error {
	if rc.Mode != registry.RuleModeWrite && rc.Mode != registry.RuleModeRead {
		return r.fail("running", rc, 0, fmt.Errorf("%w: mode %s (encryption runs on WRITE and READ)", ErrInvalidRule, rc.Mode))
	}
	return nil
}

// Run encrypts (on write) or decrypts (on read) the message's fields whose
// tags match the rule's.
func (r *fieldRule) Run(ctx context.Context, rc *serde.RuleContext, m *serde.Message) (bool, error) {
	if err := r.checkMode(rc); err != nil {
		return false, err
	}
	kek, err := r.kek(ctx, rc)
	if err != nil {
		return false, err
	}
	var fn serde.FieldFunc
	if rc.Mode == registry.RuleModeWrite {
		var dek dekEntry
		fn = func(f *serde.Field, v any) (any, error) {
			if v == nil {
				return nil, nil
			}
			var pt []byte
			switch x := v.(type) {
			case string:
				if f.Type == serde.TypeString {
					pt = []byte(x)
				}
			case []byte:
				if f.Type == serde.TypeBytes {
					pt = x
				}
			}
			if pt == nil {
				return nil, withField(r.fail("encrypting", rc, 0, fmt.Errorf("%w: the field is %s", ErrFieldType, f.Type)), f)
			}
			if dek.c == nil {
				// A local err: assigning the outer one would move it to
				// the heap, an allocation per message in both modes.
				d, err := r.writeDEK(ctx, rc, kek)
				if err != nil {
					return nil, withField(err, f)
				}
				dek = d
			}
			ct, err := r.seal(dek, pt)
			if err != nil {
				return nil, withField(r.fail("encrypting", rc, dek.version, err), f)
			}
			if f.Type == serde.TypeString {
				return base64.StdEncoding.EncodeToString(ct), nil
			}
			return ct, nil
		}
	} else {
		fn = func(f *serde.Field, v any) (any, error) {
			var ct []byte
			switch x := v.(type) {
			case string:
				if f.Type != serde.TypeString {
					return v, nil
				}
				b, err := base64.StdEncoding.DecodeString(x)
				if err != nil {
					return nil, withField(r.fail("decrypting", rc, 0, fmt.Errorf("%w: the string field is not base64", ErrCiphertext)), f)
				}
				ct = b
			case []byte:
				if f.Type != serde.TypeBytes {
					return v, nil
				}
				ct = x
			default:
				return v, nil // nil, or a type that is never encrypted
			}
			pt, err := r.open(ctx, rc, kek, ct)
			if err != nil {
				return nil, withField(err, f)
			}
			if f.Type == serde.TypeString {
				return string(pt), nil
			}
			return pt, nil
		}
	}
	return true, m.TransformFields(rc.Rule.Tags, fn)
}

// Run encrypts (on write) or decrypts (on read) the encoded body.
func (r *payloadRule) Run(ctx context.Context, rc *serde.RuleContext, m *serde.Message) (bool, error) {
	if err := r.checkMode(rc); err != nil {
		return false, err
	}
	body, err := m.Body()
	if err != nil {
		return false, err
	}
	kek, err := r.kek(ctx, rc)
	if err != nil {
		return false, err
	}
	var out []byte
	if rc.Mode == registry.RuleModeWrite {
		dek, err := r.writeDEK(ctx, rc, kek)
		if err != nil {
			return false, err
		}
		if out, err = r.seal(dek, body); err != nil {
			return false, r.fail("encrypting the payload", rc, dek.version, err)
		}
	} else if out, err = r.open(ctx, rc, kek, body); err != nil {
		return false, err
	}
	return true, m.SetBody(out)
}

// seal encrypts pt with dek, prefixed with the DEK version when the rule
// rotates DEKs.
func (r *rule) seal(dek dekEntry, pt []byte) ([]byte, error) {
	ct, err := dek.c.encrypt(pt)
	if err != nil {
		return nil, err
	}
	if r.p.expiryDays > 0 {
		out := make([]byte, 0, versionPrefixSize+len(ct))
		return append(appendVersion(out, dek.version), ct...), nil
	}
	return ct, nil
}

// open decrypts ct, taking the DEK version from its prefix when the rule
// rotates DEKs (else the subject's first DEK).
func (r *rule) open(ctx context.Context, rc *serde.RuleContext, kek *dekregistry.KEK, ct []byte) ([]byte, error) {
	version := firstVersion
	if r.p.expiryDays > 0 {
		v, rest, err := splitVersion(ct)
		if err != nil {
			return nil, r.fail("decrypting", rc, 0, err)
		}
		version, ct = v, rest
	}
	dek, err := r.readDEK(ctx, rc, kek, version)
	if err != nil {
		return nil, err
	}
	pt, err := dek.c.decrypt(ct)
	if err != nil {
		return nil, r.fail("decrypting", rc, dek.version, err)
	}
	return pt, nil
}

// withField names the field in err, an *Error of this package.
func withField(err error, f *serde.Field) error {
	if e, ok := err.(*Error); ok && e.Field == "" {
		c := *e
		c.Field = f.FullName
		return &c
	}
	return err
}
