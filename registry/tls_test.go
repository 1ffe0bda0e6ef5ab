package registry

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// testPKI is a CA with a server and a client certificate, written as PEM
// files into a temporary directory.
type testPKI struct {
	caFile, certFile, keyFile string
	pool                      *x509.CertPool
	serverCert                tls.Certificate
	clientCert                tls.Certificate
}

func newPKI(t *testing.T, serverNames []string, serverIPs []net.IP) *testPKI {
	t.Helper()
	dir := t.TempDir()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "srkit test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	issue := func(serial int64, cn string, usage x509.ExtKeyUsage, names []string, ips []net.IP) (tls.Certificate, []byte, []byte) {
		key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(serial),
			Subject:      pkix.Name{CommonName: cn},
			NotBefore:    time.Now().Add(-time.Hour),
			NotAfter:     time.Now().Add(time.Hour),
			KeyUsage:     x509.KeyUsageDigitalSignature,
			ExtKeyUsage:  []x509.ExtKeyUsage{usage},
			DNSNames:     names,
			IPAddresses:  ips,
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		kb, _ := x509.MarshalECPrivateKey(key)
		certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
		keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb})
		pair, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			t.Fatal(err)
		}
		return pair, certPEM, keyPEM
	}
	p := &testPKI{pool: x509.NewCertPool()}
	p.pool.AddCert(ca)
	p.serverCert, _, _ = issue(2, "registry", x509.ExtKeyUsageServerAuth, serverNames, serverIPs)
	var certPEM, keyPEM []byte
	p.clientCert, certPEM, keyPEM = issue(3, "client", x509.ExtKeyUsageClientAuth, nil, nil)
	p.caFile = filepath.Join(dir, "ca.pem")
	p.certFile = filepath.Join(dir, "client.pem")
	p.keyFile = filepath.Join(dir, "client.key")
	for f, b := range map[string][]byte{
		p.caFile:   pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		p.certFile: certPEM,
		p.keyFile:  keyPEM,
	} {
		if err := os.WriteFile(f, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// mtlsServer starts a TLS server that requires a client certificate
// signed by the test CA.
func mtlsServer(t *testing.T, p *testPKI) *httptest.Server {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.TLS.PeerCertificates) == 0 || r.TLS.PeerCertificates[0].Subject.CommonName != "client" {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		reply(w, 200, []string{"tls-ok"})
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.TLS = &tls.Config{
		Certificates: []tls.Certificate{p.serverCert},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    p.pool,
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func TestTLSFilesWithClientCertificate(t *testing.T) {
	p := newPKI(t, nil, []net.IP{net.ParseIP("127.0.0.1")})
	srv := mtlsServer(t, p)

	c := mustNew(t, URLs(srv.URL), TLSFiles(p.caFile, p.certFile, p.keyFile))
	got, err := c.Subjects(bg)
	if err != nil || len(got) != 1 || got[0] != "tls-ok" {
		t.Fatalf("Subjects = %v, %v", got, err)
	}

	// Without the client certificate the server refuses the handshake.
	c2 := mustNew(t, URLs(srv.URL), TLSFiles(p.caFile, "", ""), Retries(0, 0, 0))
	if _, err := c2.Subjects(bg); err == nil {
		t.Fatal("no client certificate, but the call worked")
	}
	// Without the CA the server certificate is not trusted: verification
	// is on by default.
	c3 := mustNew(t, URLs(srv.URL), Retries(0, 0, 0))
	if _, err := c3.Subjects(bg); !errors.As(err, new(x509.UnknownAuthorityError)) {
		t.Fatalf("untrusted server certificate: err = %v, want x509.UnknownAuthorityError", err)
	}
}

func TestTLSConfigOption(t *testing.T) {
	p := newPKI(t, nil, []net.IP{net.ParseIP("127.0.0.1")})
	srv := mtlsServer(t, p)
	c := mustNew(t, URLs(srv.URL), TLSConfig(&tls.Config{RootCAs: p.pool, Certificates: []tls.Certificate{p.clientCert}}))
	if _, err := c.Subjects(bg); err != nil {
		t.Fatal(err)
	}
}

func TestSkipHostnameVerification(t *testing.T) {
	// The certificate names another host, not 127.0.0.1.
	p := newPKI(t, []string{"registry.example"}, nil)
	srv := mtlsServer(t, p)
	strict := mustNew(t, URLs(srv.URL), TLSFiles(p.caFile, p.certFile, p.keyFile), Retries(0, 0, 0))
	if _, err := strict.Subjects(bg); !errors.As(err, new(x509.HostnameError)) {
		t.Fatalf("host name mismatch: err = %v, want x509.HostnameError", err)
	}
	loose := mustNew(t, URLs(srv.URL), TLSFiles(p.caFile, p.certFile, p.keyFile), SkipHostnameVerification())
	if _, err := loose.Subjects(bg); err != nil {
		t.Fatalf("chain-only verification: %v", err)
	}
	// The chain is still verified: another CA's certificate fails.
	other := newPKI(t, nil, nil)
	wrongCA := mustNew(t, URLs(srv.URL), TLSFiles(other.caFile, p.certFile, p.keyFile), SkipHostnameVerification(), Retries(0, 0, 0))
	if _, err := wrongCA.Subjects(bg); err == nil {
		t.Fatal("untrusted chain accepted with SkipHostnameVerification")
	}
}

func TestTLSOptionErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.pem")
	_ = os.WriteFile(bad, []byte("not pem"), 0o600)
	for name, opts := range map[string][]Option{
		"missing CA":       {TLSFiles(filepath.Join(dir, "nope.pem"), "", "")},
		"CA not PEM":       {TLSFiles(bad, "", "")},
		"cert without key": {TLSFiles("", bad, "")},
		"bad key pair":     {TLSFiles("", bad, bad)},
		"with HTTPClient":  {TLSConfig(&tls.Config{}), HTTPClient(&http.Client{})},
	} {
		if _, err := New(append([]Option{URLs("https://localhost:1")}, opts...)...); err == nil {
			t.Fatalf("%s: no error", name)
		}
	}
}
