package mockregistry

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
)

const kekBody = `{"name":"kek1","kmsType":"local-kms","kmsKeyId":"key-1","kmsProps":{"p":"v"},"doc":"d","shared":false}`

func TestDekRegistry(t *testing.T) {
	r := newTest(t)
	const k = "/dek-registry/v1/keks"
	kek := `{"name":"kek1","kmsType":"local-kms","kmsKeyId":"key-1","kmsProps":{"p":"v"},"doc":"d","shared":false,"ts":0,"deleted":false}`
	dek := func(v int, deleted bool) string {
		d := "false"
		if deleted {
			d = "true"
		}
		return `{"kekName":"kek1","subject":"s-value","version":` + string(rune('0'+v)) + `,"algorithm":"AES256_GCM","encryptedKeyMaterial":"ZW5j","ts":0,"deleted":` + d + `}`
	}
	run(t, r.Handler(), []step{
		{"GET", k, "", 200, `[]`},
		{"POST", k, `{"name":"kek1","kmsType":"local-kms"}`, 422, `{"error_code":42271,"message":"kmsKeyId"}`},
		{"POST", k, `{"name":"kek1","kmsKeyId":"x"}`, 422, `{"error_code":42271,"message":"kmsType"}`},
		{"POST", k, `{"name":"1bad","kmsType":"local-kms","kmsKeyId":"x"}`, 422, `{"error_code":42271,"message":"name"}`},
		{"POST", k, kekBody, 200, kek},
		{"POST", k, kekBody, 409, `{"error_code":40971,"message":"Key 'kek1' already exists; use a different value"}`},
		{"GET", k, "", 200, `["kek1"]`},
		{"GET", k + "/kek1", "", 200, kek},
		{"GET", k + "/nope", "", 404, `{"error_code":40470,"message":"Key 'nope' not found"}`},
		{"PUT", k + "/kek1", `{"doc":"new doc"}`, 200, `{"name":"kek1","kmsType":"local-kms","kmsKeyId":"key-1","kmsProps":{"p":"v"},"doc":"new doc","shared":false,"ts":0,"deleted":false}`},
		{"PUT", k + "/nope", `{"doc":"x"}`, 404, ""},
		// DEKs.
		{"POST", k + "/kek1/deks", `{"subject":"s-value"}`, 422, `{"error_code":42271,"message":"encryptedKeyMaterial"}`},
		{"POST", k + "/nope/deks", `{"subject":"s-value","encryptedKeyMaterial":"ZW5j"}`, 404, `{"error_code":40470,"message":"Key 'nope' not found"}`},
		{"POST", k + "/kek1/deks", `{"subject":"s-value","encryptedKeyMaterial":"ZW5j"}`, 200, dek(1, false)},
		{"POST", k + "/kek1/deks", `{"subject":"s-value","encryptedKeyMaterial":"ZW5j"}`, 409, `{"error_code":40971,"message":"Key 's-value' already exists; use a different value"}`},
		{"POST", k + "/kek1/deks", `{"subject":"s-value","version":2,"algorithm":"AES256_GCM","encryptedKeyMaterial":"ZW5j"}`, 200, dek(2, false)},
		{"GET", k + "/kek1/deks", "", 200, `["s-value"]`},
		// Without a version the real server answers version 1 (and
		// confluent-kafka-go's GetDek caches the answer as version 1).
		{"GET", k + "/kek1/deks/s-value", "", 200, dek(1, false)},
		{"GET", k + "/kek1/deks/s-value?algorithm=AES256_SIV", "", 404, `{"error_code":40470,"message":"Key 's-value' not found"}`},
		{"GET", k + "/kek1/deks/s-value/versions", "", 200, `[1,2]`},
		{"GET", k + "/kek1/deks/s-value/versions/1", "", 200, dek(1, false)},
		{"GET", k + "/kek1/deks/s-value/versions/latest", "", 200, dek(2, false)},
		{"GET", k + "/kek1/deks/s-value/versions/-1", "", 200, dek(2, false)},
		{"GET", k + "/kek1/deks/s-value/versions/3", "", 404, `{"error_code":40470,"message":"Key 's-value' not found"}`},
		{"GET", k + "/kek1/deks/s-value/versions/zero", "", 422, ""},
		{"GET", k + "/kek1/deks/other", "", 404, ""},
		// A KEK with DEKs cannot be deleted.
		{"DELETE", k + "/kek1", "", 422, `{"error_code":42272,"message":"One or more references exist to the key kek1"}`},
		// Delete one version, then all.
		{"DELETE", k + "/kek1/deks/s-value/versions/2?permanent=true", "", 404, `{"error_code":40471,"message":"Key 's-value' was not deleted first before being permanently deleted"}`},
		{"DELETE", k + "/kek1/deks/s-value/versions/2", "", 204, ""},
		{"GET", k + "/kek1/deks/s-value/versions/latest", "", 200, dek(1, false)},
		{"GET", k + "/kek1/deks/s-value/versions/latest?deleted=true", "", 200, dek(2, true)},
		{"GET", k + "/kek1/deks/s-value/versions/2", "", 404, `{"error_code":40470,"message":"Key 's-value' not found"}`},
		{"GET", k + "/kek1/deks/s-value/versions", "", 200, `[1]`},
		{"GET", k + "/kek1/deks/s-value/versions?deleted=true", "", 200, `[1,2]`},
		{"POST", k + "/kek1/deks/s-value/versions/2/undelete", "", 204, ""},
		{"GET", k + "/kek1/deks/s-value/versions/latest", "", 200, dek(2, false)},
		// Deleting version 1 leaves GET without a version with nothing to answer.
		{"DELETE", k + "/kek1/deks/s-value/versions/1", "", 204, ""},
		{"GET", k + "/kek1/deks/s-value", "", 404, `{"error_code":40470,"message":"Key 's-value' not found"}`},
		{"GET", k + "/kek1/deks/s-value?deleted=true", "", 200, dek(1, true)},
		{"POST", k + "/kek1/deks/s-value/versions/1/undelete", "", 204, ""},
		{"DELETE", k + "/kek1/deks/s-value", "", 204, ""},
		{"GET", k + "/kek1/deks/s-value", "", 404, ""},
		{"GET", k + "/kek1/deks", "", 200, `[]`},
		{"GET", k + "/kek1/deks?deleted=true", "", 200, `["s-value"]`},
		{"POST", k + "/kek1/deks/s-value/undelete", "", 204, ""},
		{"GET", k + "/kek1/deks/s-value/versions", "", 200, `[1,2]`},
		{"DELETE", k + "/kek1/deks/s-value", "", 204, ""},
		{"DELETE", k + "/kek1/deks/s-value?permanent=true", "", 204, ""},
		{"DELETE", k + "/kek1/deks/s-value", "", 404, `{"error_code":40470,"message":"Key 's-value' not found"}`},
		// Now the KEK: soft, then permanent.
		{"DELETE", k + "/kek1?permanent=true", "", 404, `{"error_code":40471,"message":"Key 'kek1' was not deleted first before being permanently deleted"}`},
		{"DELETE", k + "/kek1", "", 204, ""},
		{"GET", k + "/kek1", "", 404, `{"error_code":40470,"message":"Key 'kek1' not found"}`},
		{"GET", k + "/kek1?deleted=true", "", 200, ""},
		{"GET", k, "", 200, `[]`},
		{"GET", k + "?deleted=true", "", 200, `["kek1"]`},
		{"PUT", k + "/kek1", `{"doc":"x"}`, 404, ""},
		{"POST", k + "/kek1/undelete", "", 204, ""},
		{"GET", k + "/kek1", "", 200, ""},
		{"DELETE", k + "/kek1", "", 204, ""},
		{"DELETE", k + "/kek1?permanent=true", "", 204, ""},
		{"GET", k + "/kek1?deleted=true", "", 404, ""},
		{"POST", k + "/kek1/undelete", "", 404, ""},
	})
}

func TestDekUndeleteNeedsLiveKek(t *testing.T) {
	r := newTest(t)
	const k = "/dek-registry/v1/keks"
	run(t, r.Handler(), []step{
		{"POST", k, kekBody, 200, ""},
		{"POST", k + "/kek1/deks", `{"subject":"s","encryptedKeyMaterial":"ZW5j"}`, 200, ""},
		{"DELETE", k + "/kek1/deks/s", "", 204, ""},
		{"DELETE", k + "/kek1", "", 204, ""},
		{"POST", k + "/kek1/deks/s/undelete", "", 404, `{"error_code":40472,"message":"Key 'kek1' must be undeleted first"}`},
		// Creating a soft-deleted KEK again undeletes it.
		{"POST", k, kekBody, 200, ""},
		{"GET", k + "/kek1", "", 200, ""},
	})
}

func TestSharedKekGeneratesKeyMaterial(t *testing.T) {
	r := newTest(t)
	const k = "/dek-registry/v1/keks"
	for _, c := range []struct {
		alg  string
		size int
	}{{"AES256_GCM", 32}, {"AES128_GCM", 16}, {"AES256_SIV", 64}} {
		st, b := call(r.Handler(), "POST", k, `{"name":"shared_`+c.alg+`","kmsType":"aws-kms","kmsKeyId":"arn","shared":true}`, nil)
		if st != 200 {
			t.Fatalf("create kek: %d %s", st, b)
		}
		st, b = call(r.Handler(), "POST", k+"/shared_"+c.alg+"/deks", `{"subject":"s","algorithm":"`+c.alg+`"}`, nil)
		if st != 200 {
			t.Fatalf("create dek: %d %s", st, b)
		}
		var d dekJSON
		if err := json.Unmarshal([]byte(b), &d); err != nil {
			t.Fatal(err)
		}
		raw, err := base64.StdEncoding.DecodeString(d.KeyMaterial)
		if err != nil || len(raw) != 2+c.size || raw[0] != 0x12 || int(raw[1]) != c.size {
			t.Fatalf("%s: keyMaterial %q (%d bytes): want a Tink key proto with a %d-byte key", c.alg, d.KeyMaterial, len(raw), c.size)
		}
		if d.EncryptedKeyMaterial != "" {
			t.Fatalf("encryptedKeyMaterial %q, want empty", d.EncryptedKeyMaterial)
		}
		// Every read answers the same key.
		_, b2 := call(r.Handler(), "GET", k+"/shared_"+c.alg+"/deks/s?algorithm="+c.alg, "", nil)
		var d2 dekJSON
		_ = json.Unmarshal([]byte(b2), &d2)
		if d2.KeyMaterial != d.KeyMaterial {
			t.Fatalf("read keyMaterial %q, created %q", d2.KeyMaterial, d.KeyMaterial)
		}
	}
	st, b := call(r.Handler(), "GET", "/dek-registry/v1/keks/shared_AES256_GCM", "", nil)
	if st != 200 || !json.Valid([]byte(b)) {
		t.Fatalf("kek: %d %s", st, b)
	}
	var kek kekJSON
	_ = json.Unmarshal([]byte(b), &kek)
	if kek.KmsType != "aws-kms" || !kek.Shared {
		t.Fatalf("kek = %+v", kek)
	}
}

// KEK names are counted in Java chars, not bytes.
func TestKekNameLength(t *testing.T) {
	r := newTest(t)
	const k = "/dek-registry/v1/keks"
	kek := func(name string) string {
		return `{"name":"` + name + `","kmsType":"local-kms","kmsKeyId":"x"}`
	}
	run(t, r.Handler(), []step{
		{"POST", k, kek(strings.Repeat("é", 64)), 200, ""},
		{"POST", k, kek(strings.Repeat("é", 65)), 422, `{"error_code":42271,"message":"name"}`},
		{"POST", k, kek("a𝒜"), 422, `{"error_code":42271,"message":"name"}`},
	})
}
