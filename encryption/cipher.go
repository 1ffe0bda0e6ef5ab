package encryption

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"

	aeadsubtle "github.com/tink-crypto/tink-go/v2/aead/subtle"
	daeadsubtle "github.com/tink-crypto/tink-go/v2/daead/subtle"
	gcmpb "github.com/tink-crypto/tink-go/v2/proto/aes_gcm_go_proto"
	sivpb "github.com/tink-crypto/tink-go/v2/proto/aes_siv_go_proto"
	"google.golang.org/protobuf/proto"
)

// Algorithm is a DEK algorithm, as rules (encrypt.dek.algorithm) and the
// DEK Registry name it.
type Algorithm string

// DEK algorithms.
const (
	// AES128GCM is AES-128-GCM: a 12-byte random nonce, ciphertext, a
	// 16-byte tag.
	AES128GCM Algorithm = "AES128_GCM"
	// AES256GCM is AES-256-GCM, the default.
	AES256GCM Algorithm = "AES256_GCM"
	// AES256SIV is AES-SIV (RFC 5297) with a 64-byte key: deterministic,
	// equal plaintexts give equal ciphertexts (a 16-byte synthetic IV, then
	// the ciphertext), so encrypted fields can still be joined or looked up.
	AES256SIV Algorithm = "AES256_SIV"
)

// DefaultAlgorithm is the algorithm of rules that name none.
const DefaultAlgorithm = AES256GCM

// valid reports whether a is one of the algorithms.
func (a Algorithm) valid() bool { return a == AES128GCM || a == AES256GCM || a == AES256SIV }

// keySize is the size of the raw key a new DEK of a gets.
func (a Algorithm) keySize() int {
	switch a {
	case AES128GCM:
		return 16
	case AES256SIV:
		return daeadsubtle.AESSIVKeySize
	}
	return 32
}

// newKeyMaterial returns a new DEK for a: a serialized Tink key proto
// (AesGcmKey or AesSivKey, version 0), as Confluent's clients generate and
// store DEKs.
func newKeyMaterial(a Algorithm) ([]byte, error) {
	key := make([]byte, a.keySize())
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	var m proto.Message
	if a == AES256SIV {
		m = &sivpb.AesSivKey{Version: 0, KeyValue: key}
	} else {
		m = &gcmpb.AesGcmKey{Version: 0, KeyValue: key}
	}
	return proto.MarshalOptions{Deterministic: true}.Marshal(m)
}

// cipher encrypts and decrypts with one DEK. Both methods are safe for
// concurrent use and never modify their input.
type cipher interface {
	encrypt(plaintext []byte) ([]byte, error)
	decrypt(ciphertext []byte) ([]byte, error)
}

// newCipher parses material, a serialized Tink key of algorithm a, into its
// primitive. It checks what Tink's key managers check: version 0, a key of
// a size the primitive takes. Errors never show the material.
func newCipher(a Algorithm, material []byte) (cipher, error) {
	if a == AES256SIV {
		var k sivpb.AesSivKey
		if err := proto.Unmarshal(material, &k); err != nil {
			return nil, fmt.Errorf("%w: not a Tink AesSivKey", ErrKeyMaterial)
		}
		if k.Version != 0 || len(k.KeyValue) != daeadsubtle.AESSIVKeySize {
			return nil, fmt.Errorf("%w: AesSivKey version %d with a %d-byte key (want version 0, 64 bytes)", ErrKeyMaterial, k.Version, len(k.KeyValue))
		}
		p, err := daeadsubtle.NewAESSIV(k.KeyValue)
		if err != nil {
			return nil, fmt.Errorf("%w: AES-SIV key refused", ErrKeyMaterial)
		}
		return sivCipher{p}, nil
	}
	var k gcmpb.AesGcmKey
	if err := proto.Unmarshal(material, &k); err != nil {
		return nil, fmt.Errorf("%w: not a Tink AesGcmKey", ErrKeyMaterial)
	}
	if n := len(k.KeyValue); k.Version != 0 || (n != 16 && n != 32) {
		return nil, fmt.Errorf("%w: AesGcmKey version %d with a %d-byte key (want version 0, 16 or 32 bytes)", ErrKeyMaterial, k.Version, n)
	}
	p, err := aeadsubtle.NewAESGCM(k.KeyValue)
	if err != nil {
		return nil, fmt.Errorf("%w: AES-GCM key refused", ErrKeyMaterial)
	}
	return gcmCipher{p}, nil
}

// gcmCipher is Tink's AES-GCM without output prefix: nonce || ct || tag,
// no associated data.
type gcmCipher struct{ p *aeadsubtle.AESGCM }

func (c gcmCipher) encrypt(pt []byte) ([]byte, error) { return c.p.Encrypt(pt, nil) }

func (c gcmCipher) decrypt(ct []byte) ([]byte, error) {
	if len(ct) < aeadsubtle.AESGCMIVSize+aeadsubtle.AESGCMTagSize {
		return nil, fmt.Errorf("%w: %d bytes, shorter than an AES-GCM nonce and tag", ErrCiphertext, len(ct))
	}
	pt, err := c.p.Decrypt(ct, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: AES-GCM authentication failed (tampered, or encrypted with another key)", ErrCiphertext)
	}
	return pt, nil
}

// sivCipher is Tink's deterministic AES-SIV with one empty associated-data
// component, as Confluent's clients call it.
type sivCipher struct{ p *daeadsubtle.AESSIV }

var emptyAAD = []byte{}

func (c sivCipher) encrypt(pt []byte) ([]byte, error) {
	return c.p.EncryptDeterministically(pt, emptyAAD)
}

func (c sivCipher) decrypt(ct []byte) ([]byte, error) {
	if len(ct) < 16 {
		return nil, fmt.Errorf("%w: %d bytes, shorter than an AES-SIV IV", ErrCiphertext, len(ct))
	}
	pt, err := c.p.DecryptDeterministically(ct, emptyAAD)
	if err != nil {
		return nil, fmt.Errorf("%w: AES-SIV authentication failed (tampered, or encrypted with another key)", ErrCiphertext)
	}
	return pt, nil
}

// versionPrefixSize is the size of the DEK version prefix rotated DEKs put
// before each ciphertext: 0x00 and the version (4 bytes, big-endian).
const versionPrefixSize = 5

// appendVersion appends the version prefix of version to dst.
func appendVersion(dst []byte, version int) []byte {
	return binary.BigEndian.AppendUint32(append(dst, 0), uint32(version))
}

// splitVersion splits the version prefix from ct.
func splitVersion(ct []byte) (int, []byte, error) {
	if len(ct) < versionPrefixSize {
		return 0, nil, fmt.Errorf("%w: %d bytes, shorter than the DEK version prefix", ErrCiphertext, len(ct))
	}
	if ct[0] != 0 {
		return 0, nil, fmt.Errorf("%w: DEK version prefix starts with 0x%02x, not 0x00", ErrCiphertext, ct[0])
	}
	v := binary.BigEndian.Uint32(ct[1:versionPrefixSize])
	if v < 1 || v > 1<<31-1 {
		return 0, nil, fmt.Errorf("%w: DEK version %d in the prefix", ErrCiphertext, v)
	}
	return int(v), ct[versionPrefixSize:], nil
}
