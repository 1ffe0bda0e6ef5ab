package hcvault_test

import (
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

// newTLSServer serves f over TLS with httptest's certificate (127.0.0.1).
func newTLSServer(t *testing.T, f *fakeVault) *httptest.Server {
	t.Helper()
	s := httptest.NewUnstartedServer(http.HandlerFunc(f.serve))
	s.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

// writeCA writes the TLS server's certificate as a PEM CA file.
func writeCA(t *testing.T, s *httptest.Server) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "ca.pem")
	b := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw})
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
