package registry

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// authProvider yields the Authorization header value for a request.
type authProvider interface {
	AuthenticationHeader(ctx context.Context) (string, error)
	// secrets lists the strings that must never show in an error.
	secrets() []string
	// reject is called after a 401 so that a cached token is refetched.
	reject()
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

// tokenSourceAuth asks a user's oauth2.TokenSource for every request.
type tokenSourceAuth struct {
	ts   oauth2.TokenSource
	last atomic.Pointer[string]
}

func (a *tokenSourceAuth) AuthenticationHeader(context.Context) (string, error) {
	tok, err := a.ts.Token()
	if err != nil {
		return "", fmt.Errorf("registry: token source: %w", err)
	}
	if tok.AccessToken == "" {
		return "", errors.New("registry: token source returned no access token")
	}
	a.last.Store(&tok.AccessToken)
	return tok.Type() + " " + tok.AccessToken, nil
}

func (a *tokenSourceAuth) secrets() []string {
	if t := a.last.Load(); t != nil {
		return []string{*t}
	}
	return nil
}

func (a *tokenSourceAuth) reject() {}

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
		return &tokenSourceAuth{ts: s.tokenSource}, nil
	}
	return nil, nil
}
