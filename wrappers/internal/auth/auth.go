// Package auth caches OAuth2 access tokens for the Sinch client: one token shared by every
// goroutine, fetched once per expiry however many calls wait for it, refreshed ahead of its
// expiry, dropped on demand after the API rejects it, and fetched again with backoff when the
// token endpoint rate-limits (it answers 429 without a Retry-After header).
package auth

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
)

// FetchFunc obtains a fresh token from the token endpoint.
type FetchFunc func(ctx context.Context) (*oauth2.Token, error)

// Defaults for a Cache's timing.
const (
	// DefaultRefreshAhead is how long before expiry a background refresh starts.
	DefaultRefreshAhead = 5 * time.Minute
	// DefaultExpiryLeeway is how long before expiry a token stops being handed out at all.
	DefaultExpiryLeeway = 10 * time.Second
	// DefaultFetchTimeout bounds one fetch including its backoff waits.
	DefaultFetchTimeout = 30 * time.Second
	// DefaultMaxAttempts is how many times a fetch is tried when the endpoint answers 429 or 5xx.
	DefaultMaxAttempts = 4
	// DefaultBaseDelay and DefaultMaxDelay shape the full-jitter backoff between fetch attempts.
	DefaultBaseDelay = 500 * time.Millisecond
	DefaultMaxDelay  = 8 * time.Second
)

// Cache hands out one cached token to all callers. The zero value is not usable; use New.
type Cache struct {
	fetch FetchFunc

	// Timing knobs; New sets the defaults and tests may shorten them before first use.
	RefreshAhead time.Duration
	ExpiryLeeway time.Duration
	FetchTimeout time.Duration
	MaxAttempts  int
	BaseDelay    time.Duration
	MaxDelay     time.Duration
	Now          func() time.Time

	mu        sync.Mutex
	tok       *oauth2.Token
	refreshAt time.Time // start a background refresh from this instant
	staleAt   time.Time // stop handing the token out from this instant
	inflight  *flight

	fetches atomic.Int64
}

type flight struct {
	done chan struct{}
	tok  *oauth2.Token
	err  error
}

// New returns a Cache that obtains tokens with fetch.
func New(fetch FetchFunc) *Cache {
	return &Cache{
		fetch:        fetch,
		RefreshAhead: DefaultRefreshAhead,
		ExpiryLeeway: DefaultExpiryLeeway,
		FetchTimeout: DefaultFetchTimeout,
		MaxAttempts:  DefaultMaxAttempts,
		BaseDelay:    DefaultBaseDelay,
		MaxDelay:     DefaultMaxDelay,
		Now:          time.Now,
	}
}

// Fetches reports how many requests were sent to the token endpoint so far.
func (c *Cache) Fetches() int64 { return c.fetches.Load() }

// Token returns a valid access token, fetching one if none is cached. Concurrent callers share a
// single fetch. A token close to expiry is still returned while a background refresh runs. ctx
// bounds only this caller's wait: a fetch in progress continues for the other waiters.
func (c *Cache) Token(ctx context.Context) (string, error) {
	c.mu.Lock()
	now := c.Now()
	if c.tok != nil && now.Before(c.staleAt) {
		tok := c.tok.AccessToken
		if !now.Before(c.refreshAt) && c.inflight == nil {
			c.startLocked(ctx)
		}
		c.mu.Unlock()
		return tok, nil
	}
	f := c.inflight
	if f == nil {
		f = c.startLocked(ctx)
	}
	c.mu.Unlock()
	select {
	case <-f.done:
		if f.err != nil {
			return "", f.err
		}
		return f.tok.AccessToken, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// Invalidate drops the cached token if it is still rejected; the next Token call fetches a new
// one. Many callers invalidating the same rejected token cause a single refresh.
func (c *Cache) Invalidate(rejected string) {
	c.mu.Lock()
	if c.tok != nil && c.tok.AccessToken == rejected {
		c.tok = nil
	}
	c.mu.Unlock()
}

func (c *Cache) startLocked(ctx context.Context) *flight {
	f := &flight{done: make(chan struct{})}
	c.inflight = f
	// The fetch outlives the caller that started it (others may be waiting), so it keeps the
	// caller's values but not its cancellation, and gets its own deadline.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.FetchTimeout)
	go func() {
		defer cancel()
		tok, err := c.fetchWithBackoff(fctx)
		c.mu.Lock()
		if err == nil {
			c.storeLocked(tok)
		}
		f.tok, f.err = tok, err
		c.inflight = nil
		c.mu.Unlock()
		close(f.done)
	}()
	return f
}

func (c *Cache) storeLocked(tok *oauth2.Token) {
	c.tok = tok
	if tok.Expiry.IsZero() {
		// No expires_in: keep it until the API rejects it.
		far := c.Now().Add(100 * 365 * 24 * time.Hour)
		c.refreshAt, c.staleAt = far, far
		return
	}
	life := tok.Expiry.Sub(c.Now())
	ahead := min(c.RefreshAhead, life/2)
	leeway := min(c.ExpiryLeeway, life/4)
	c.refreshAt = tok.Expiry.Add(-ahead)
	c.staleAt = tok.Expiry.Add(-leeway)
}

// ErrNoToken is returned when the token endpoint answers without an access token.
var ErrNoToken = errors.New("sinch auth: token endpoint returned no access token")

func (c *Cache) fetchWithBackoff(ctx context.Context) (*oauth2.Token, error) {
	attempts := max(c.MaxAttempts, 1)
	for i := 0; ; i++ {
		c.fetches.Add(1)
		tok, err := c.fetch(ctx)
		if err == nil {
			if tok == nil || tok.AccessToken == "" {
				return nil, ErrNoToken
			}
			return tok, nil
		}
		if i+1 >= attempts || !retryable(err) {
			return nil, err
		}
		ceil := c.BaseDelay << i
		if ceil <= 0 || ceil > c.MaxDelay {
			ceil = c.MaxDelay
		}
		wait := time.Duration(rand.Int64N(int64(ceil) + 1))
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, err
		}
	}
}

// retryable reports whether a token fetch failure is worth another attempt: the endpoint's rate
// limit (429), server errors, and network failures (asking for a token again is harmless). Bad
// credentials (400/401) and an ended context are not.
func retryable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		if re.Response == nil {
			return false
		}
		s := re.Response.StatusCode
		return s == http.StatusTooManyRequests || s >= 500
	}
	return true
}
