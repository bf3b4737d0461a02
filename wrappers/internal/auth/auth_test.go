package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// tokenServer answers client-credentials requests; status, if set, decides each answer.
type tokenServer struct {
	hits   atomic.Int64
	delay  time.Duration
	status func(n int64) int
	ttl    int
}

func (s *tokenServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := s.hits.Add(1)
	if s.delay > 0 {
		time.Sleep(s.delay)
	}
	if id, secret, ok := r.BasicAuth(); !ok || id != "key-id" || secret != "key-secret" {
		http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
		return
	}
	if s.status != nil {
		if st := s.status(n); st != http.StatusOK {
			w.WriteHeader(st)
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	ttl := s.ttl
	if ttl == 0 {
		ttl = 3600
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": fmt.Sprintf("tok-%d", n), "token_type": "bearer", "expires_in": ttl})
}

func newCache(t *testing.T, s *tokenServer) *Cache {
	t.Helper()
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	cfg := clientcredentials.Config{ClientID: "key-id", ClientSecret: "key-secret", TokenURL: srv.URL, AuthStyle: oauth2.AuthStyleInHeader}
	c := New(func(ctx context.Context) (*oauth2.Token, error) {
		return cfg.Token(context.WithValue(ctx, oauth2.HTTPClient, srv.Client()))
	})
	c.BaseDelay, c.MaxDelay = time.Millisecond, 5*time.Millisecond
	return c
}

func TestOneFetchForThousandConcurrentCallers(t *testing.T) {
	s := &tokenServer{delay: 20 * time.Millisecond}
	c := newCache(t, s)
	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	for range 1000 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok, err := c.Token(t.Context())
			if err == nil && tok != "tok-1" {
				err = fmt.Errorf("got %q", tok)
			}
			if err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if got := s.hits.Load(); got != 1 {
		t.Fatalf("token endpoint hit %d times, want 1", got)
	}
	if c.Fetches() != 1 {
		t.Fatalf("Fetches() = %d", c.Fetches())
	}
}

func TestCachedUntilRefreshWindow(t *testing.T) {
	s := &tokenServer{}
	c := newCache(t, s)
	now := time.Now()
	c.Now = func() time.Time { return now }
	for range 5 {
		if _, err := c.Token(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if s.hits.Load() != 1 {
		t.Fatalf("hits = %d, want 1", s.hits.Load())
	}
	// Inside the refresh-ahead window: the old token is still served, one refresh starts.
	now = now.Add(3600*time.Second - DefaultRefreshAhead + time.Second)
	tok, err := c.Token(t.Context())
	if err != nil || tok != "tok-1" {
		t.Fatalf("in refresh window got %q, %v; want the cached tok-1", tok, err)
	}
	waitFor(t, func() bool { return s.hits.Load() == 2 && c.inflightDone() })
	tok, _ = c.Token(t.Context())
	if tok != "tok-2" {
		t.Fatalf("after refresh got %q, want tok-2", tok)
	}
}

func TestStaleTokenIsNotServed(t *testing.T) {
	s := &tokenServer{}
	c := newCache(t, s)
	now := time.Now()
	c.Now = func() time.Time { return now }
	if _, err := c.Token(t.Context()); err != nil {
		t.Fatal(err)
	}
	now = now.Add(3600*time.Second - DefaultExpiryLeeway + time.Second)
	tok, err := c.Token(t.Context())
	if err != nil || tok != "tok-2" {
		t.Fatalf("got %q, %v; want a fresh tok-2", tok, err)
	}
}

func TestInvalidateRefreshesOnceForManyCallers(t *testing.T) {
	s := &tokenServer{delay: 5 * time.Millisecond}
	c := newCache(t, s)
	first, err := c.Token(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Invalidate(first)
			if tok, err := c.Token(t.Context()); err != nil || tok == first {
				t.Errorf("got %q, %v after invalidation", tok, err)
			}
		}()
	}
	wg.Wait()
	if s.hits.Load() != 2 {
		t.Fatalf("hits = %d, want 2 (initial + one refresh)", s.hits.Load())
	}
	c.Invalidate("some-older-token") // not the cached one: no effect
	if tok, _ := c.Token(t.Context()); tok != "tok-2" {
		t.Fatalf("got %q", tok)
	}
}

func TestBacksOffOn429(t *testing.T) {
	s := &tokenServer{status: func(n int64) int {
		if n <= 2 {
			return http.StatusTooManyRequests
		}
		return http.StatusOK
	}}
	c := newCache(t, s)
	tok, err := c.Token(t.Context())
	if err != nil || tok != "tok-3" {
		t.Fatalf("got %q, %v", tok, err)
	}
}

func TestGivesUpAfterMaxAttempts(t *testing.T) {
	s := &tokenServer{status: func(int64) int { return http.StatusTooManyRequests }}
	c := newCache(t, s)
	_, err := c.Token(t.Context())
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.Response.StatusCode != 429 {
		t.Fatalf("err = %v, want a 429 RetrieveError", err)
	}
	if s.hits.Load() != DefaultMaxAttempts {
		t.Fatalf("hits = %d, want %d", s.hits.Load(), DefaultMaxAttempts)
	}
}

func TestBadCredentialsNotRetried(t *testing.T) {
	s := &tokenServer{}
	srv := httptest.NewServer(s)
	defer srv.Close()
	cfg := clientcredentials.Config{ClientID: "key-id", ClientSecret: "wrong", TokenURL: srv.URL, AuthStyle: oauth2.AuthStyleInHeader}
	c := New(func(ctx context.Context) (*oauth2.Token, error) { return cfg.Token(ctx) })
	if _, err := c.Token(t.Context()); err == nil {
		t.Fatal("want an error")
	}
	if s.hits.Load() != 1 {
		t.Fatalf("hits = %d, want 1", s.hits.Load())
	}
}

func TestWaitStopsOnContextCancel(t *testing.T) {
	release := make(chan struct{})
	c := New(func(ctx context.Context) (*oauth2.Token, error) {
		<-release
		return &oauth2.Token{AccessToken: "late", Expiry: time.Now().Add(time.Hour)}, nil
	})
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
	defer cancel()
	if _, err := c.Token(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	close(release)
	// The fetch continued for others: the next caller gets its result.
	if tok, err := c.Token(t.Context()); err != nil || tok != "late" {
		t.Fatalf("got %q, %v", tok, err)
	}
}

func TestEmptyTokenIsAnError(t *testing.T) {
	c := New(func(context.Context) (*oauth2.Token, error) { return &oauth2.Token{}, nil })
	if _, err := c.Token(t.Context()); !errors.Is(err, ErrNoToken) {
		t.Fatalf("err = %v", err)
	}
}

func (c *Cache) inflightDone() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.inflight == nil
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestNetworkFailureRetried(t *testing.T) {
	calls := 0
	c := New(func(context.Context) (*oauth2.Token, error) {
		calls++
		if calls == 1 {
			return nil, errors.New("dial tcp: connection refused")
		}
		return &oauth2.Token{AccessToken: "ok", Expiry: time.Now().Add(time.Hour)}, nil
	})
	c.BaseDelay, c.MaxDelay = time.Millisecond, time.Millisecond
	if tok, err := c.Token(t.Context()); err != nil || tok != "ok" || calls != 2 {
		t.Fatalf("got %q, %v after %d calls", tok, err, calls)
	}
}
