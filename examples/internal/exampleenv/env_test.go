package exampleenv

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

func TestFromEnv(t *testing.T) {
	t.Setenv("KAFKA_BOOTSTRAP_SERVERS", " pkc-1.confluent.cloud:9092, pkc-2.confluent.cloud:9092 ,")
	t.Setenv("KAFKA_SASL_USERNAME", "KEY")
	t.Setenv("KAFKA_SASL_PASSWORD", "SECRET")
	t.Setenv("SCHEMA_REGISTRY_URL", " https://psrc-1.confluent.cloud ")
	t.Setenv("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "SRKEY:SR:SECRET")
	got := FromEnv()
	want := Config{Bootstrap: []string{"pkc-1.confluent.cloud:9092", "pkc-2.confluent.cloud:9092"}, SASLUser: "KEY", SASLPassword: "SECRET",
		RegistryURL: "https://psrc-1.confluent.cloud", RegistryAuth: "SRKEY:SR:SECRET"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("FromEnv() = %+v, want %+v", got, want)
	}
	if err := got.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestValidate(t *testing.T) {
	kafka := []string{"localhost:9092"}
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{}, ""},
		{Config{Bootstrap: kafka}, ""},
		{Config{RegistryURL: "http://localhost:8081"}, ""},
		{Config{Bootstrap: kafka, SASLUser: "k"}, "set both"},
		{Config{Bootstrap: kafka, SASLPassword: "s"}, "set both"},
		{Config{SASLUser: "k", SASLPassword: "s"}, "KAFKA_BOOTSTRAP_SERVERS is not"},
		{Config{RegistryAuth: "k:s"}, "SCHEMA_REGISTRY_URL is not"},
		{Config{RegistryURL: "http://localhost:8081", RegistryAuth: "ks"}, "<key>:<secret>"},
		{Config{RegistryURL: "http://localhost:8081", RegistryAuth: ":s"}, "<key>:<secret>"},
	} {
		err := c.cfg.Validate()
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("Validate(%+v) = %v, want %q", c.cfg, err, c.want)
		}
		if c.want == "" {
			continue
		}
		if env, err := Start(c.cfg); err == nil {
			env.Close()
			t.Errorf("Start(%+v) accepted", c.cfg)
		}
	}
}

// selfSigned returns a server certificate for 127.0.0.1 and a pool that
// trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kfake"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:   time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

// The Confluent Cloud set-up: SASL/PLAIN over TLS to the brokers (here a
// kfake cluster that demands both), HTTP basic auth to the registry.
func TestConfluentCloudSettings(t *testing.T) {
	cert, pool := selfSigned(t)
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1),
		kfake.TLS(&tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}),
		kfake.EnableSASL(), kfake.Superuser("PLAIN", "API_KEY", "API_SECRET"))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	var auth string
	reg := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		auth = fmt.Sprint(user, " ", pass, " ", ok)
		if !ok || user != "SR_KEY" || pass != "SR_SECRET" {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error_code":401,"message":"Unauthorized"}`)
			return
		}
		fmt.Fprint(w, `{}`)
	}))
	defer reg.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	cfg := Config{Bootstrap: cluster.ListenAddrs(), SASLUser: "API_KEY", SASLPassword: "API_SECRET",
		RegistryURL: reg.URL, RegistryAuth: "SR_KEY:SR_SECRET", RootCAs: pool}
	env, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	if !strings.Contains(env.KafkaDesc, "SASL/PLAIN over TLS") || !strings.Contains(env.RegistryDesc, "basic auth") ||
		strings.Contains(env.KafkaDesc+env.RegistryDesc, "SECRET") {
		t.Errorf("descriptions %q, %q", env.KafkaDesc, env.RegistryDesc)
	}
	if err := env.CreateTopic(ctx, "orders", 3); err != nil {
		t.Fatalf("CreateTopic over SASL/PLAIN and TLS: %v", err)
	}
	if err := env.Registry.Ping(ctx); err != nil || auth != "SR_KEY SR_SECRET true" {
		t.Fatalf("registry ping: %v (auth %q)", err, auth)
	}

	// A wrong secret is refused by the brokers.
	bad := cfg
	bad.SASLPassword = "wrong"
	benv, err := Start(bad)
	if err != nil {
		t.Fatal(err)
	}
	defer benv.Close()
	bctx, bcancel := context.WithTimeout(ctx, 2*time.Second)
	defer bcancel()
	if err := benv.CreateTopic(bctx, "orders2", 1); err == nil {
		t.Fatal("CreateTopic with a wrong SASL password succeeded")
	}
}
