package registry

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"
)

// buildTLS returns the TLS config the settings ask for, or nil when they
// ask for none (the transport's defaults then apply).
func buildTLS(s *settings) (*tls.Config, error) {
	if s.tlsConfig == nil && s.caFile == "" && s.certFile == "" && !s.skipHostnameVerification {
		return nil, nil
	}
	cfg := s.tlsConfig
	if cfg == nil {
		cfg = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if s.caFile != "" {
		pem, err := os.ReadFile(s.caFile)
		if err != nil {
			return nil, fmt.Errorf("registry: reading CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("registry: no PEM certificate in CA file %s", s.caFile)
		}
		cfg.RootCAs = pool
	}
	if s.certFile != "" {
		cert, err := tls.LoadX509KeyPair(s.certFile, s.keyFile)
		if err != nil {
			return nil, fmt.Errorf("registry: loading client certificate: %w", err)
		}
		cfg.Certificates = append(cfg.Certificates, cert)
	}
	if s.skipHostnameVerification && !cfg.InsecureSkipVerify {
		// Verify the chain ourselves, without the host name.
		roots := cfg.RootCAs
		cfg.InsecureSkipVerify = true
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errors.New("registry: server sent no certificate")
			}
			inter := x509.NewCertPool()
			for _, c := range cs.PeerCertificates[1:] {
				inter.AddCert(c)
			}
			_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter})
			return err
		}
	}
	return cfg, nil
}

// newTransport returns the client's own transport: Go's defaults plus the
// TLS config, a connect timeout and more idle connections per host.
func newTransport(s *settings, tlsCfg *tls.Config) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	if tlsCfg != nil {
		t.TLSClientConfig = tlsCfg
	}
	if s.connectTimeout > 0 {
		d := &net.Dialer{Timeout: s.connectTimeout, KeepAlive: 30 * time.Second}
		t.DialContext = d.DialContext
	}
	t.MaxIdleConnsPerHost = 16
	return t
}
