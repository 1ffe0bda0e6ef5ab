package registry

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// HeaderProvider supplies the Authorization header of each request, as
// confluent-kafka-go's AuthenticationHeaderProvider does, with the
// request's context first. Install one with [AuthHeader] for credentials
// the built-in modes do not cover (a token from a sidecar, a signed header);
// the built-in modes ([BasicAuth], [BearerToken], [OAuthClientCredentials],
// [TokenSource]) are HeaderProviders driven the same way. Confluent Cloud's
// logical cluster and identity pool headers are set with [LogicalCluster]
// and [IdentityPoolID].
//
// The client calls AuthenticationHeader before every request (caching, if
// any, is the provider's). The header value, and the credential after its
// scheme, are redacted from errors and log lines. A provider that caches a
// token may also have a method Invalidate(): the client calls it after a
// 401 answer, so that the next request gets a fresh token.
type HeaderProvider interface {
	// AuthenticationHeader returns the value of the Authorization header
	// ("Basic …", "Bearer …") for one request; ctx is the request's. An
	// error ends the call without sending it, and matches [ErrUnavailable].
	AuthenticationHeader(ctx context.Context) (string, error)
}

// authProvider is a HeaderProvider the client also asks which secrets to
// redact and tells about refusals.
type authProvider interface {
	HeaderProvider
	// secrets lists the strings that must never show in an error.
	secrets() []string
	// reject is called after a 401 so that a cached token is refetched.
	reject()
}

// providerAuth drives a user's HeaderProvider.
type providerAuth struct {
	p          HeaderProvider
	last, prev atomic.Pointer[string]
}

func (a *providerAuth) AuthenticationHeader(ctx context.Context) (string, error) {
	h, err := a.p.AuthenticationHeader(ctx)
	if err != nil {
		return "", fmt.Errorf("registry: header provider: %w", err)
	}
	if h == "" {
		return "", errors.New("registry: header provider returned an empty header")
	}
	if old := a.last.Load(); old == nil || *old != h {
		if old != nil {
			a.prev.Store(old)
		}
		a.last.Store(&h)
	}
	return h, nil
}

func (a *providerAuth) secrets() []string {
	var s []string
	for _, h := range []*string{a.last.Load(), a.prev.Load()} {
		if h == nil {
			continue
		}
		s = append(s, *h)
		if _, cred, ok := strings.Cut(*h, " "); ok && cred != "" {
			s = append(s, cred)
		}
	}
	return s
}

func (a *providerAuth) reject() {
	if inv, ok := a.p.(interface{ Invalidate() }); ok {
		inv.Invalidate()
	}
}

// staticAuth is a fixed header: basic credentials or a static token.
type staticAuth struct {
	header string
	hidden []string
}

func (a *staticAuth) AuthenticationHeader(context.Context) (string, error) { return a.header, nil }
func (a *staticAuth) secrets() []string                                    { return a.hidden }
func (a *staticAuth) reject()                                              {}

func basicAuthProvider(user, pass string) *staticAuth {
	enc := base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
	return &staticAuth{header: "Basic " + enc, hidden: append(basicSecrets(user, pass), enc)}
}

func bearerAuthProvider(token string) *staticAuth {
	return &staticAuth{header: "Bearer " + token, hidden: []string{token}}
}

// cachedToken is an OAuth token and when to fetch the next one.
type cachedToken struct {
	header    string
	token     string
	refreshAt time.Time // zero: never
}

// oauthAuth fetches client-credentials tokens and refreshes them at 80% of
// their lifetime. Requests read the current token without locking; one
// request at a time fetches a new one.
type oauthAuth struct {
	cfg        clientcredentials.Config
	httpClient *http.Client
	now        func() time.Time
	mu         sync.Mutex
	tok        atomic.Pointer[cachedToken]
	prev       atomic.Pointer[cachedToken] // the token before, still redacted from errors
}

func (a *oauthAuth) AuthenticationHeader(ctx context.Context) (string, error) {
	if t := a.tok.Load(); t != nil && (t.refreshAt.IsZero() || a.now().Before(t.refreshAt)) {
		return t.header, nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if t := a.tok.Load(); t != nil && (t.refreshAt.IsZero() || a.now().Before(t.refreshAt)) {
		return t.header, nil
	}
	if a.httpClient != nil {
		ctx = context.WithValue(ctx, oauth2.HTTPClient, a.httpClient)
	}
	issued := a.now()
	tok, err := a.cfg.Token(ctx)
	if err != nil {
		return "", fmt.Errorf("registry: fetching OAuth token: %w", err)
	}
	if tok.AccessToken == "" {
		return "", errors.New("registry: OAuth token endpoint returned no access token")
	}
	var life time.Duration
	switch {
	case tok.ExpiresIn > 0:
		life = time.Duration(tok.ExpiresIn) * time.Second
	case !tok.Expiry.IsZero():
		life = time.Until(tok.Expiry)
	}
	ct := &cachedToken{header: "Bearer " + tok.AccessToken, token: tok.AccessToken}
	if life > 0 {
		ct.refreshAt = issued.Add(life * 8 / 10)
	} else if !tok.Expiry.IsZero() {
		ct.refreshAt = issued // already expired: use once, fetch again next time
	}
	if old := a.tok.Swap(ct); old != nil {
		a.prev.Store(old)
	}
	return ct.header, nil
}

func (a *oauthAuth) secrets() []string {
	// The client secret goes to the token endpoint in the form body or in a
	// Basic header of the form-encoded "id:secret".
	s := basicSecrets(a.cfg.ClientID, a.cfg.ClientSecret)
	if u, err := url.Parse(a.cfg.TokenURL); err == nil && u.User != nil {
		if p, ok := u.User.Password(); ok {
			s = append(s, p)
		}
	}
	for _, t := range []*cachedToken{a.tok.Load(), a.prev.Load()} {
		if t != nil {
			s = append(s, t.token)
		}
	}
	return s
}

func (a *oauthAuth) reject() {
	if old := a.tok.Swap(nil); old != nil {
		a.prev.Store(old)
	}
}

// tokenSourceHeader asks a user's oauth2.TokenSource for every request.
type tokenSourceHeader struct{ ts oauth2.TokenSource }

func (a tokenSourceHeader) AuthenticationHeader(context.Context) (string, error) {
	tok, err := a.ts.Token()
	if err != nil {
		return "", fmt.Errorf("token source: %w", err)
	}
	if tok.AccessToken == "" {
		return "", errors.New("token source returned no access token")
	}
	return tok.Type() + " " + tok.AccessToken, nil
}

// newAuth builds the auth provider the settings ask for (nil for none).
func newAuth(s *settings, timeout time.Duration) (authProvider, error) {
	switch {
	case s.hasBasic:
		return basicAuthProvider(s.basicUser, s.basicPass), nil
	case s.bearer != "":
		return bearerAuthProvider(s.bearer), nil
	case s.oauth != nil:
		hc := s.oauth.httpClient
		if hc == nil {
			hc = &http.Client{Timeout: timeout}
		}
		return &oauthAuth{
			cfg: clientcredentials.Config{
				ClientID:     s.oauth.clientID,
				ClientSecret: s.oauth.clientSecret,
				TokenURL:     s.oauth.tokenURL,
				Scopes:       s.oauth.scopes,
			},
			httpClient: hc,
			now:        s.now,
		}, nil
	case s.tokenSource != nil:
		return &providerAuth{p: tokenSourceHeader{s.tokenSource}}, nil
	case s.headerProvider != nil:
		return &providerAuth{p: s.headerProvider}, nil
	}
	return nil, nil
}
