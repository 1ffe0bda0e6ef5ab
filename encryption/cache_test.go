package encryption

import (
	"bytes"
	"encoding/base64"
	"errors"
	"testing"
)

func TestCacheBoundAndExpiry(t *testing.T) {
	c := newCache[int, string](100)
	for i := 0; i < 1000; i++ {
		c.put(i, "v", 0)
	}
	if n := c.len(); n > 100+len(c.shards) || n < 50 {
		t.Fatalf("%d entries in a cache of 100", n)
	}
	if _, ok := c.get(999, 0); !ok {
		t.Fatal("the newest entry was evicted")
	}
	c.put(5000, "x", 10)
	if v, ok := c.get(5000, 9); !ok || v != "x" {
		t.Fatal("an entry is gone before its expiry")
	}
	if _, ok := c.get(5000, 10); ok {
		t.Fatal("an expired entry is served")
	}
	c.clear()
	if c.len() != 0 {
		t.Fatal("clear left entries")
	}
	// Overwriting a key many times keeps the eviction order bounded.
	for i := 0; i < 10000; i++ {
		c.put(1, "v", 0)
	}
	for i := range c.shards {
		if len(c.shards[i].order) > 2*c.shards[i].cap+1 {
			t.Fatalf("shard order of %d keys", len(c.shards[i].order))
		}
	}
}

// The DEK material Confluent's clients store parses; what the executor
// generates is the same Tink key proto.
func TestKeyMaterial(t *testing.T) {
	gcm, _ := base64.StdEncoding.DecodeString("GiB3OURcV2wjtwsAemBwhGzpCG8rqmn2/gzft9l3xNh5tA==") // avro_encrypt_dek_rotation's DEK
	if _, err := newCipher(AES256GCM, gcm); err != nil {
		t.Fatalf("Confluent's AesGcmKey: %v", err)
	}
	for _, a := range []Algorithm{AES128GCM, AES256GCM, AES256SIV} {
		m, err := newKeyMaterial(a)
		if err != nil {
			t.Fatal(err)
		}
		tag := byte(0x1a) // AesGcmKey.key_value is field 3
		if a == AES256SIV {
			tag = 0x12 // AesSivKey.key_value is field 2
		}
		if len(m) != 2+a.keySize() || m[0] != tag || int(m[1]) != a.keySize() {
			t.Fatalf("%s: material %x", a, m[:2])
		}
		c, err := newCipher(a, m)
		if err != nil {
			t.Fatal(err)
		}
		ct, _ := c.encrypt([]byte("hello"))
		if pt, err := c.decrypt(ct); err != nil || !bytes.Equal(pt, []byte("hello")) {
			t.Fatalf("%s: %q, %v", a, pt, err)
		}
	}
	for name, m := range map[string][]byte{
		"raw key":     bytes.Repeat([]byte{1}, 32),
		"not proto":   {0xff, 0xff, 0xff},
		"version 1":   append([]byte{0x08, 0x01, 0x1a, 0x10}, make([]byte, 16)...),
		"24-byte key": append([]byte{0x1a, 0x18}, make([]byte, 24)...),
		"gcm for siv": gcm,
	} {
		a := AES256GCM
		if name == "gcm for siv" {
			a = AES256SIV
		}
		if _, err := newCipher(a, m); !errors.Is(err, ErrKeyMaterial) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
