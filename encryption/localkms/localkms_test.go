package localkms_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/srkit-go/srkit/encryption/internal/kmstest"
	"github.com/srkit-go/srkit/encryption/localkms"
)

// vectorDEK is the DEK of a golden vector: wrapped by Confluent's Go
// client's local-kms with the vector's secret, and its unwrapped material.
type vectorDEK struct {
	secret    string
	keyID     string
	wrapped   []byte
	unwrapped []byte
}

func loadVectorDEKs(t *testing.T) []vectorDEK {
	t.Helper()
	files, err := filepath.Glob("../testdata/*_encrypt_*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no vectors: %v", err)
	}
	var out []vectorDEK
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v struct {
			Encryption struct {
				KMS  struct{ Secret string } `json:"kms"`
				KEKs []struct {
					KmsKeyID string `json:"kmsKeyId"`
				} `json:"keks"`
				DEKs []struct {
					EncryptedKeyMaterial string `json:"encryptedKeyMaterial"`
					Debug                struct {
						KeyMaterial string `json:"keyMaterial"`
					} `json:"debug"`
				} `json:"deks"`
			} `json:"encryption"`
		}
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, d := range v.Encryption.DEKs {
			w, _ := base64.StdEncoding.DecodeString(d.EncryptedKeyMaterial)
			u, _ := base64.StdEncoding.DecodeString(d.Debug.KeyMaterial)
			out = append(out, vectorDEK{secret: v.Encryption.KMS.Secret, keyID: v.Encryption.KEKs[0].KmsKeyID, wrapped: w, unwrapped: u})
		}
	}
	return out
}

// The DEKs Confluent's Go client wrapped unwrap to the material it used.
func TestUnwrapsConfluentDEKs(t *testing.T) {
	ctx := context.Background()
	for _, d := range loadVectorDEKs(t) {
		k := localkms.New(d.secret)
		got, err := k.Unwrap(ctx, d.keyID, d.wrapped)
		if err != nil {
			t.Fatalf("unwrap: %v", err)
		}
		if !bytes.Equal(got, d.unwrapped) {
			t.Fatalf("unwrapped %x, want %x", got, d.unwrapped)
		}
		// The key ID takes no part: any ID of the same secret unwraps.
		if _, err := k.Unwrap(ctx, "another-key", d.wrapped); err != nil {
			t.Fatalf("unwrap with another key ID: %v", err)
		}
	}
}

func TestWrapRoundTripAndLayout(t *testing.T) {
	ctx := context.Background()
	k := localkms.New("s3cret")
	dek := []byte("0123456789abcdef0123456789abcdef")
	w, err := k.Wrap(ctx, "k1", dek)
	if err != nil {
		t.Fatal(err)
	}
	if len(w) != 12+len(dek)+16 {
		t.Fatalf("wrapped is %d bytes, want nonce(12)+%d+tag(16)", len(w), len(dek))
	}
	w2, _ := k.Wrap(ctx, "k1", dek)
	if bytes.Equal(w, w2) {
		t.Fatal("two wraps gave the same bytes: the nonce is not random")
	}
	got, err := localkms.New("s3cret").Unwrap(ctx, "k2", w)
	if err != nil || !bytes.Equal(got, dek) {
		t.Fatalf("unwrap = %x, %v", got, err)
	}
}

func TestUnwrapFailures(t *testing.T) {
	ctx := context.Background()
	w, _ := localkms.New("right").Wrap(ctx, "k", []byte("material"))
	tampered := bytes.Clone(w)
	tampered[len(tampered)-1] ^= 1
	for name, in := range map[string][]byte{
		"wrong secret": w, "tampered": tampered, "truncated": w[:10], "empty": nil,
	} {
		k := localkms.New("right")
		if name == "wrong secret" {
			k = localkms.New("wrong")
		}
		_, err := k.Unwrap(ctx, "k", in)
		if !errors.Is(err, localkms.ErrUnwrap) {
			t.Errorf("%s: err = %v, want ErrUnwrap", name, err)
		}
		if err != nil && (strings.Contains(err.Error(), "right") || strings.Contains(err.Error(), "wrong")) {
			t.Errorf("%s: the error names the secret: %v", name, err)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := localkms.New("x").Unwrap(cctx, "k", w); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled context: err = %v", err)
	}
}

func TestFromConfig(t *testing.T) {
	ctx := context.Background()
	w, _ := localkms.New("from-config").Wrap(ctx, "k", []byte("m"))

	t.Setenv(localkms.EnvSecret, "")
	if _, err := localkms.FromConfig(nil); !errors.Is(err, localkms.ErrNoSecret) {
		t.Fatalf("no secret: err = %v", err)
	}
	k, err := localkms.FromConfig(map[string]string{"secret": "from-config"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k.Unwrap(ctx, "k", w); err != nil {
		t.Fatalf("config secret: %v", err)
	}

	t.Setenv(localkms.EnvSecret, "from-config")
	k2, err := localkms.Driver().NewKMS(ctx, map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k2.Unwrap(ctx, "k", w); err != nil {
		t.Fatalf("env secret: %v", err)
	}
	// The config's secret wins over the environment's.
	k3, _ := localkms.FromConfig(map[string]string{"secret": "other"})
	if _, err := k3.Unwrap(ctx, "k", w); err == nil {
		t.Fatal("the environment's secret was used although the config has one")
	}
	if localkms.Driver().Type() != "local-kms" || k.Type() != "local-kms" {
		t.Fatal("type is not local-kms")
	}
}

// The local KMS passes the KMS conformance suite, but for what needs I/O
// or keys told apart by their IDs; its errors are plain.
func TestConformance(t *testing.T) {
	kmstest.Run(t, kmstest.Driver{Type: localkms.Type, UntypedErrors: true, New: func(t *testing.T) kmstest.Env {
		t.Setenv(localkms.EnvSecret, "")
		const secret = "a conformance secret"
		return kmstest.Env{
			KMS: localkms.New(secret), KeyID: "any-key",
			Driver: localkms.Driver(), Config: map[string]string{localkms.ConfigSecret: secret},
			BadConfigs: []map[string]string{{}, {localkms.ConfigSecret: ""}},
			Secrets:    []string{secret},
		}
	}})
}
