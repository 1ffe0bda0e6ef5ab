package mockregistry

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const kekBody = `{"name":"kek1","kmsType":"local-kms","kmsKeyId":"key-1","kmsProps":{"p":"v"},"doc":"d","shared":false}`

// invalidKey is RestInvalidKeyException's answer for field.
func invalidKey(field string) string {
	return `{"error_code":42271,"message":"Invalid or missing value for field '` + field + `' of key"}`
}

func TestDekRegistry(t *testing.T) {
	r := newTest(t)
	const k = "/dek-registry/v1/keks"
	kek := `{"name":"kek1","kmsType":"local-kms","kmsKeyId":"key-1","kmsProps":{"p":"v"},"doc":"d","shared":false,"ts":0}`
	dek := func(v int, deleted bool) string {
		out := fmt.Sprintf(`{"kekName":"kek1","subject":"s-value","version":%d,"algorithm":"AES256_GCM","encryptedKeyMaterial":"ZW5j","ts":0`, v)
		if deleted {
			out += `,"deleted":true`
		}
		return out + "}"
	}
	run(t, r.Handler(), []step{
		{"GET", k, "", 200, `[]`},
		{"POST", k, `{"name":"kek1","kmsType":"local-kms"}`, 422, invalidKey("kmsKeyId")},
		{"POST", k, `{"name":"kek1","kmsKeyId":"x"}`, 422, invalidKey("kmsType")},
		{"POST", k, `{"name":"1bad","kmsType":"local-kms","kmsKeyId":"x"}`, 422, invalidKey("name")},
		{"POST", k, `{"kmsType":"local-kms","kmsKeyId":"x"}`, 422, invalidKey("name")},
		{"POST", k, kekBody, 200, kek},
		{"POST", k, kekBody, 409, `{"error_code":40971,"message":"Key 'kek1' already exists; use a different value"}`},
		{"GET", k, "", 200, `["kek1"]`},
		{"GET", k + "/kek1", "", 200, kek},
		{"GET", k + "/nope", "", 404, `{"error_code":40470,"message":"Key 'nope' not found"}`},
		{"PUT", k + "/kek1", `{"doc":"new doc"}`, 200, `{"name":"kek1","kmsType":"local-kms","kmsKeyId":"key-1","kmsProps":{"p":"v"},"doc":"new doc","shared":false,"ts":0}`},
		{"PUT", k + "/nope", `{"doc":"x"}`, 404, ""},
		// DEKs.
		{"POST", k + "/kek1/deks", `{"subject":"s-value"}`, 422, invalidKey("encryptedKeyMaterial")},
		{"POST", k + "/nope/deks", `{"subject":"s-value","encryptedKeyMaterial":"ZW5j"}`, 404, `{"error_code":40470,"message":"Key 'nope' not found"}`},
		{"POST", k + "/kek1/deks", `{"subject":"s-value","encryptedKeyMaterial":"ZW5j"}`, 200, dek(1, false)},
		{"POST", k + "/kek1/deks", `{"subject":"s-value","encryptedKeyMaterial":"ZW5j"}`, 409, `{"error_code":40971,"message":"Key 's-value' already exists; use a different value"}`},
		{"POST", k + "/kek1/deks/s-value", `{"version":2,"algorithm":"AES256_GCM","encryptedKeyMaterial":"ZW5j"}`, 200, dek(2, false)},
		{"GET", k + "/kek1/deks", "", 200, `["s-value"]`},
		// Without a version the real server answers version 1 (and
		// confluent-kafka-go's GetDek caches the answer as version 1).
		{"GET", k + "/kek1/deks/s-value", "", 200, dek(1, false)},
		{"GET", k + "/kek1/deks/s-value?algorithm=AES256_SIV", "", 404, `{"error_code":40470,"message":"Key 's-value' not found"}`},
		{"GET", k + "/kek1/deks/s-value?algorithm=DES", "", 404, `{"error_code":404,"message":"HTTP 404 Not Found"}`},
		{"GET", k + "/kek1/deks/s-value/versions", "", 200, `[1,2]`},
		{"GET", k + "/kek1/deks/s-value/versions/1", "", 200, dek(1, false)},
		{"GET", k + "/kek1/deks/s-value/versions/latest", "", 200, dek(2, false)},
		{"GET", k + "/kek1/deks/s-value/versions/-1", "", 200, dek(2, false)},
		{"GET", k + "/kek1/deks/s-value/versions/3", "", 404, `{"error_code":40470,"message":"Key 's-value' not found"}`},
		{"GET", k + "/kek1/deks/s-value/versions/zero", "", 422, ""},
		{"GET", k + "/kek1/deks/other", "", 404, ""},
		// A KEK with DEKs cannot be deleted.
		{"DELETE", k + "/kek1", "", 422, `{"error_code":42272,"message":"One or more references exist to the key 'kek1'"}`},
		{"DELETE", k + "/kek1?permanent=true", "", 422, `{"error_code":42272,"message":"One or more references exist to the key 'kek1'"}`},
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
		// As the server: "latest" passes the existence check, then names no
		// stored version, so nothing is deleted.
		{"DELETE", k + "/kek1/deks/s-value/versions/latest", "", 204, ""},
		{"GET", k + "/kek1/deks/s-value/versions", "", 200, `[1,2]`},
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
		{"GET", k + "/kek1?deleted=true", "", 200, `{"name":"kek1","kmsType":"local-kms","kmsKeyId":"key-1","kmsProps":{"p":"v"},"doc":"new doc","shared":false,"ts":0,"deleted":true}`},
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
		{"POST", k + "/kek1/deks/s/versions/1/undelete", "", 404, `{"error_code":40472,"message":"Key 'kek1' must be undeleted first"}`},
		// Creating an equivalent soft-deleted KEK again undeletes it; a
		// different one is a conflict.
		{"POST", k, `{"name":"kek1","kmsType":"local-kms","kmsKeyId":"other"}`, 409, ""},
		{"POST", k, kekBody, 200, ""},
		{"GET", k + "/kek1", "", 200, ""},
		// The same for a DEK: create with deleted=false undeletes it.
		{"POST", k + "/kek1/deks", `{"subject":"s","encryptedKeyMaterial":"ZW5j"}`, 200,
			`{"kekName":"kek1","subject":"s","version":1,"algorithm":"AES256_GCM","encryptedKeyMaterial":"ZW5j","ts":0}`},
	})
}

// Listings: subjectPrefix names the KEKs that have a DEK whose subject
// starts with a prefix (getKekNames), offset and limit page.
func TestKekListings(t *testing.T) {
	r := newTest(t)
	const k = "/dek-registry/v1/keks"
	kek := func(name string) string { return `{"name":"` + name + `","kmsType":"local-kms","kmsKeyId":"x"}` }
	run(t, r.Handler(), []step{
		{"POST", k, kek("b"), 200, ""},
		{"POST", k, kek("a"), 200, ""},
		{"POST", k, kek("c"), 200, ""},
		{"POST", k + "/a/deks/orders-value", `{"encryptedKeyMaterial":"ZW5j"}`, 200, ""},
		{"POST", k + "/b/deks/users-value", `{"encryptedKeyMaterial":"ZW5j"}`, 200, ""},
		{"POST", k + "/c/deks/orders-key", `{"encryptedKeyMaterial":"ZW5j"}`, 200, ""},
		{"GET", k, "", 200, `["a","b","c"]`},
		{"GET", k + "?offset=1&limit=1", "", 200, `["b"]`},
		{"GET", k + "?subjectPrefix=orders", "", 200, `["a","c"]`},
		{"GET", k + "?subjectPrefix=users&subjectPrefix=orders-k", "", 200, `["b","c"]`},
		{"GET", k + "?subjectPrefix=nope", "", 200, `[]`},
		{"DELETE", k + "/c/deks/orders-key", "", 204, ""},
		{"GET", k + "?subjectPrefix=orders", "", 200, `["a"]`},
		{"GET", k + "?subjectPrefix=orders&deleted=true", "", 200, `["a","c"]`},
		{"GET", k + "/c/deks", "", 200, `[]`},
		{"GET", k + "/c/deks?deleted=true", "", 200, `["orders-key"]`},
	})
}

// KEK names are counted in Java chars, up to 256; cloud key IDs are checked
// for their form (CreateKekRequest.validate); kmsType is normalized.
func TestKekValidation(t *testing.T) {
	r := newTest(t)
	const k = "/dek-registry/v1/keks"
	kek := func(name, typ, id string) string {
		return `{"name":"` + name + `","kmsType":"` + typ + `","kmsKeyId":"` + id + `"}`
	}
	run(t, r.Handler(), []step{
		{"POST", k, kek(strings.Repeat("é", 256), "local-kms", "x"), 200, ""},
		{"POST", k, kek(strings.Repeat("é", 257), "local-kms", "x"), 422, invalidKey("name")},
		{"POST", k, kek("a𝒜", "local-kms", "x"), 422, invalidKey("name")},
		{"POST", k, kek("a b", "local-kms", "x"), 422, invalidKey("name")},
		{"POST", k, kek("_a-1", "local-kms", "x"), 200, ""},
		{"POST", k, kek("aws1", "aws-kms", "key"), 422, invalidKey("kmsKeyId")},
		{"POST", k, kek("aws1", "aws-kms", "arn:aws:kms:us-east-1:1:key/k"), 200, ""},
		{"POST", k, kek("az", "azure-kms", "http://v"), 422, invalidKey("kmsKeyId")},
		{"POST", k, kek("gcp", "gcp-kms", "keys/x"), 422, invalidKey("kmsKeyId")},
		{"POST", k, kek("hc", "hcvault", "vault"), 422, invalidKey("kmsKeyId")},
		// Not the exact type: not checked, then normalized.
		{"POST", k, kek("aws2", "AWS", "key"), 200, `{"name":"aws2","kmsType":"aws-kms","kmsKeyId":"key","kmsProps":{},"shared":false,"ts":0}`},
		{"GET", k + "/a%20b", "", 422, invalidKey("name")},
		{"GET", k + "/aws1/deks/a%01b", "", 422, invalidKey("subject")},
	})
}

// PUT changes the fields the request has; null clears kmsProps and doc;
// an update that changes nothing keeps the KEK's ts.
func TestKekUpdate(t *testing.T) {
	var now atomic.Int64
	now.Store(1000)
	r := newTest(t, WithClock(func() time.Time { return time.UnixMilli(now.Add(1)) }))
	const k = "/dek-registry/v1/keks/kek1"
	call(r.Handler(), "POST", "/dek-registry/v1/keks", kekBody, nil)
	for _, c := range []struct{ body, want string }{
		{`{}`, `{"name":"kek1","kmsType":"local-kms","kmsKeyId":"key-1","kmsProps":{"p":"v"},"doc":"d","shared":false,"ts":1001}`},
		{`{"doc":"d","kmsProps":{"p":"v"}}`, `{"name":"kek1","kmsType":"local-kms","kmsKeyId":"key-1","kmsProps":{"p":"v"},"doc":"d","shared":false,"ts":1001}`},
		{`{"kmsProps":{"z":"1","a":"2"},"shared":true}`, `{"name":"kek1","kmsType":"local-kms","kmsKeyId":"key-1","kmsProps":{"a":"2","z":"1"},"doc":"d","shared":true,"ts":1002}`},
		{`{"kmsProps":null,"doc":null}`, `{"name":"kek1","kmsType":"local-kms","kmsKeyId":"key-1","kmsProps":{},"shared":true,"ts":1003}`},
		{`{"kmsType":"aws-kms","kmsKeyId":"other","name":"x"}`, `{"name":"kek1","kmsType":"local-kms","kmsKeyId":"key-1","kmsProps":{},"shared":true,"ts":1003}`},
	} {
		if st, got := call(r.Handler(), "PUT", k, c.body, nil); st != 200 || got != c.want {
			t.Errorf("PUT %s: %d\n got %s\nwant %s", c.body, st, got, c.want)
		}
	}
}

// POST .../test: only shared KEKs; the answer is the stored KeyEncryptionKey.
func TestKekTest(t *testing.T) {
	r := newTest(t, WithClock(func() time.Time { return time.UnixMilli(5) }))
	const k = "/dek-registry/v1/keks"
	call(r.Handler(), "POST", k, kekBody, nil)
	call(r.Handler(), "POST", k, `{"name":"s","kmsType":"aws-kms","kmsKeyId":"arn:aws:kms:x","shared":true}`, nil)
	for _, c := range []struct {
		path   string
		status int
		want   string
	}{
		{k + "/kek1/test", 422, invalidKey("shared")},
		{k + "/nope/test", 404, `{"error_code":40470,"message":"Key 'nope' not found"}`},
		{k + "/s/test", 200, `{"name":"s","kmsType":"aws-kms","kmsKeyId":"arn:aws:kms:x","kmsProps":{},"shared":true,"deleted":false,"type":"KEK","offset":2,"ts":5}`},
	} {
		if st, got := call(r.Handler(), "POST", c.path, "", nil); st != c.status || got != c.want {
			t.Errorf("POST %s: %d\n got %s\nwant %s", c.path, st, got, c.want)
		}
	}
}

// Under a shared KEK the registry makes the DEK: keyMaterial is base64 of a
// serialized Tink key proto (AesGcmKey: 1a, length, key; AesSivKey: 12,
// length, key), and every read answers the same key.
func TestSharedKekGeneratesKeyMaterial(t *testing.T) {
	r := newTest(t)
	const k = "/dek-registry/v1/keks"
	if st, b := call(r.Handler(), "POST", k, `{"name":"shared","kmsType":"aws-kms","kmsKeyId":"arn:aws:kms:x","shared":true}`, nil); st != 200 {
		t.Fatalf("create kek: %d %s", st, b)
	}
	for _, c := range []struct {
		alg  string
		tag  byte
		size int
	}{{"AES256_GCM", 0x1a, 32}, {"AES128_GCM", 0x1a, 16}, {"AES256_SIV", 0x12, 64}, {"", 0x1a, 32}} {
		subject := "s" + c.alg
		st, b := call(r.Handler(), "POST", k+"/shared/deks/"+subject, `{"algorithm":"`+c.alg+`"}`, nil)
		if st != 200 {
			t.Fatalf("create dek: %d %s", st, b)
		}
		var d struct {
			Algorithm            string
			KeyMaterial          string
			EncryptedKeyMaterial *string
		}
		if err := json.Unmarshal([]byte(b), &d); err != nil {
			t.Fatal(err)
		}
		raw, err := base64.StdEncoding.DecodeString(d.KeyMaterial)
		if err != nil || len(raw) != 2+c.size || raw[0] != c.tag || int(raw[1]) != c.size {
			t.Fatalf("%s: keyMaterial %x: want %02x %02x and a %d-byte key", c.alg, raw, c.tag, c.size, c.size)
		}
		if d.EncryptedKeyMaterial != nil || (c.alg == "" && d.Algorithm != "AES256_GCM") {
			t.Fatalf("%s: %s", c.alg, b)
		}
		query := ""
		if c.alg != "" {
			query = "?algorithm=" + c.alg
		}
		for _, path := range []string{k + "/shared/deks/" + subject + query, k + "/shared/deks/" + subject + "/versions/latest" + query} {
			_, b2 := call(r.Handler(), "GET", path, "", nil)
			if !strings.Contains(b2, `"keyMaterial":"`+d.KeyMaterial+`"`) {
				t.Fatalf("GET %s: %s, want keyMaterial %s", path, b2, d.KeyMaterial)
			}
		}
		// Rewrap keeps the key; a create of an existing version is a conflict.
		if _, b3 := call(r.Handler(), "POST", k+"/shared/deks/"+subject+"?rewrap=true", `{"algorithm":"`+c.alg+`"}`, nil); !strings.Contains(b3, d.KeyMaterial) {
			t.Fatalf("rewrap: %s", b3)
		}
		if st, _ := call(r.Handler(), "POST", k+"/shared/deks/"+subject, `{"algorithm":"`+c.alg+`"}`, nil); st != 409 {
			t.Fatalf("create again: %d", st)
		}
	}
	// Two DEKs never share a key.
	_, b1 := call(r.Handler(), "POST", k+"/shared/deks/x", `{}`, nil)
	_, b2 := call(r.Handler(), "POST", k+"/shared/deks/y", `{}`, nil)
	if b1[strings.Index(b1, "keyMaterial"):] == b2[strings.Index(b2, "keyMaterial"):] {
		t.Fatal("two DEKs with the same key")
	}
	// A soft-deleted shared DEK is not recreated by a create (the server's
	// has key material that the request lacks).
	call(r.Handler(), "DELETE", k+"/shared/deks/x", "", nil)
	if st, b := call(r.Handler(), "POST", k+"/shared/deks/x", `{}`, nil); st != 409 {
		t.Fatalf("create over a soft-deleted shared DEK: %d %s", st, b)
	}
}

// Concurrent creators of one DEK: one wins, the others get 40971 and read
// the winner's DEK back (what Confluent's executor does on a 409).
func TestConcurrentDekCreate(t *testing.T) {
	r := newTest(t)
	const k = "/dek-registry/v1/keks"
	call(r.Handler(), "POST", k, `{"name":"shared","kmsType":"aws-kms","kmsKeyId":"arn:aws:kms:x","shared":true}`, nil)
	const n = 16
	var wg sync.WaitGroup
	var ok, conflict atomic.Int32
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			switch st, b := call(r.Handler(), "POST", k+"/shared/deks/s", `{}`, nil); {
			case st == 200:
				ok.Add(1)
			case st == 409 && strings.Contains(b, `"error_code":40971`):
				conflict.Add(1)
			default:
				t.Errorf("create: %d %s", st, b)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 || conflict.Load() != n-1 {
		t.Fatalf("%d created, %d conflicts; want 1 and %d", ok.Load(), conflict.Load(), n-1)
	}
	if st, _ := call(r.Handler(), "GET", k+"/shared/deks/s/versions", "", nil); st != 200 {
		t.Fatalf("versions: %d", st)
	}
}
