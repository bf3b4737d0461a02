package sinch

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/relaykit/sinch-go/wrappers/internal/auth"
	"github.com/relaykit/sinch-go/wrappers/internal/retry"
)

// pipeline holds what every request to one API shares: the transport behind the client's
// middleware, and the credentials (with the OAuth2 token cache). Per-call settings (retries,
// timeout, headers, limiter, logger) come from the call's config.
type pipeline struct {
	send      MiddlewareNext // the client's middleware, then the Doer
	tokens    *auth.Cache
	auth      authKind
	keyID     string
	keySecret string
	bearer    string
	region    Region

	uaHeader     []string
	bearerHeader []string
	lastAuth     atomic.Pointer[authHeader]
}

// authHeader caches the Authorization value built for the current OAuth2 token.
type authHeader struct {
	token string
	value []string
}

var (
	acceptJSON      = []string{"application/json"}
	contentTypeJSON = []string{"application/json"}
)

func (p *pipeline) authHeader(tok string) []string {
	if h := p.lastAuth.Load(); h != nil && h.token == tok {
		return h.value
	}
	h := &authHeader{token: tok, value: []string{"Bearer " + tok}}
	p.lastAuth.Store(h)
	return h.value
}

// chain wraps send in middleware, the first given being the outermost.
func chain(send MiddlewareNext, middleware []Middleware) MiddlewareNext {
	for i := len(middleware) - 1; i >= 0; i-- {
		m, next := middleware[i], send
		if m == nil {
			continue
		}
		send = func(r *http.Request) (*http.Response, error) { return m(r, next) }
	}
	return send
}

func newPipeline(cfg *config, authURL string) *pipeline {
	p := &pipeline{
		auth:      cfg.auth,
		keyID:     cfg.keyID,
		keySecret: cfg.keySecret,
		bearer:    cfg.bearer,
		region:    cfg.region,
	}
	ua := fmt.Sprintf("sinch-go/%s (%s; %s/%s)", Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if cfg.userAgent != "" {
		ua = cfg.userAgent + " " + ua
	}
	p.uaHeader = []string{ua}
	p.bearerHeader = []string{"Bearer " + cfg.bearer}
	base := cfg.doer
	p.send = chain(base.Do, cfg.middleware)
	if cfg.auth == authOAuth2 {
		cc := &clientcredentials.Config{
			ClientID:     cfg.keyID,
			ClientSecret: cfg.keySecret,
			TokenURL:     authURL,
			AuthStyle:    oauth2.AuthStyleInHeader,
		}
		hc, ok := base.(*http.Client)
		if !ok {
			hc = &http.Client{Transport: doerTransport{base}}
		}
		logger := cfg.logger
		p.tokens = auth.New(func(ctx context.Context) (*oauth2.Token, error) {
			start := time.Now()
			tok, err := cc.Token(context.WithValue(ctx, oauth2.HTTPClient, hc))
			if logger != nil {
				// The token itself is never logged.
				if err != nil {
					logger.LogAttrs(ctx, slog.LevelWarn, "sinch: token request failed", slog.String("error", newAuthError(err).Error()))
				} else {
					logger.LogAttrs(ctx, slog.LevelDebug, "sinch: token obtained", slog.Duration("duration", time.Since(start)),
						slog.Time("expiry", tok.Expiry))
				}
			}
			return tok, err
		})
	}
	return p
}

// doerTransport lets a Doer that is not an *http.Client carry the token requests.
type doerTransport struct{ d Doer }

// RoundTrip sends r with the Doer.
func (t doerTransport) RoundTrip(r *http.Request) (*http.Response, error) { return t.d.Do(r) }

// attempt is one call's retry state: which middleware chain to use, and whether the last try
// handed the request to the transport without getting an answer (so it may have reached Sinch).
type attempt struct {
	p       *pipeline
	cfg     *config
	send    MiddlewareNext
	reached bool // the last try was handed to the transport
	answer  bool // and an answer came back
	retries int
	req     *http.Request // the first try, for log lines
	body    bytes.Reader  // the first try's body
}

// try sends one attempt: it waits for the limiter, authenticates, and on a 401 with an OAuth2
// token drops that token and tries once more with a fresh one.
func (a *attempt) try(req *http.Request) (*http.Response, error) {
	a.reached, a.answer = false, false
	ctx := req.Context()
	if a.cfg.limiter != nil {
		if err := a.cfg.limiter.Wait(ctx); err != nil {
			return nil, retry.Permanent(fmt.Errorf("sinch: rate limiter: %w", err))
		}
	}
	p := a.p
	tok, err := p.authorize(req)
	if err != nil {
		return nil, err
	}
	a.reached = true
	resp, err := a.send(req)
	a.answer = err == nil
	if err != nil || resp.StatusCode != http.StatusUnauthorized || p.tokens == nil {
		return resp, err
	}
	again, rerr := retry.Rewind(req)
	if rerr != nil {
		return resp, nil
	}
	p.tokens.Invalidate(tok)
	if _, err := p.authorize(again); err != nil {
		return resp, nil // keep the 401: it says more than the token failure
	}
	retry.Drain(resp)
	resp, err = a.send(again)
	a.answer = err == nil
	return resp, err
}

// onRetry logs a retry about to happen.
func (a *attempt) onRetry(r retry.Attempt) {
	a.retries = r.Retry
	if a.cfg.logger == nil {
		return
	}
	attrs := []slog.Attr{slog.String("method", a.req.Method), slog.String("path", a.req.URL.Path),
		slog.Int("retry", r.Retry), slog.Duration("wait", r.Wait)}
	if r.Err != nil {
		attrs = append(attrs, slog.String("error", r.Err.Error()))
	} else {
		attrs = append(attrs, slog.Int("status", r.Status))
	}
	a.cfg.logger.LogAttrs(a.req.Context(), slog.LevelInfo, "sinch: retrying", attrs...)
}

// authorize sets the Authorization header and returns the bearer token used, if any.
func (p *pipeline) authorize(req *http.Request) (string, error) {
	switch p.auth {
	case authBasic:
		req.SetBasicAuth(p.keyID, p.keySecret)
	case authBearer:
		req.Header["Authorization"] = p.bearerHeader
		return p.bearer, nil
	case authOAuth2:
		tok, err := p.tokens.Token(req.Context())
		if err != nil {
			return "", retry.Permanent(newAuthError(err))
		}
		req.Header["Authorization"] = p.authHeader(tok)
		return tok, nil
	}
	return "", nil
}
