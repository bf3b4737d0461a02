package sinch

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

const (
	testKeyID     = "key-id-123"
	testKeySecret = "s3cr3t-key-secret"
	testProject   = "p-123"
)

// fakeSinch is one httptest server playing the token endpoint (/oauth2/token) and the APIs.
type fakeSinch struct {
	srv        *httptest.Server
	tokenHits  atomic.Int64
	apiHits    atomic.Int64
	tokenTTL   int
	api        http.HandlerFunc // answers everything that is not the token endpoint
	acceptOnly string           // when set, only this bearer token is accepted by the API
}

func newFake(t testing.TB, api http.HandlerFunc) *fakeSinch {
	t.Helper()
	f := &fakeSinch{api: api, tokenTTL: 3600}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeSinch) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/oauth2/token" {
		n := f.tokenHits.Add(1)
		id, secret, ok := r.BasicAuth()
		if !ok || id != testKeyID || secret != testKeySecret || r.FormValue("grant_type") != "client_credentials" {
			http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":"tok-%d","token_type":"bearer","expires_in":%d}`, n, f.tokenTTL)
		return
	}
	f.apiHits.Add(1)
	if f.acceptOnly != "" && r.Header.Get("Authorization") != "Bearer "+f.acceptOnly {
		writeError(w, http.StatusUnauthorized, "UNAUTHENTICATED", "Invalid token")
		return
	}
	f.api(w, r)
}

// client builds a Client against the fake with OAuth2 and every URL pointing at it.
func (f *fakeSinch) client(t testing.TB, opts ...Option) *Client {
	t.Helper()
	base := []Option{
		WithProjectID(testProject),
		WithOAuth2(testKeyID, testKeySecret),
		WithConversationURL(f.srv.URL),
		WithTemplateURL(f.srv.URL),
		WithBatchURL(f.srv.URL),
		WithAuthURL(f.srv.URL + "/oauth2/token"),
		WithHTTPClient(f.srv.Client()),
		WithRetryPolicy(RetryPolicy{BaseDelay: 1, MaxDelay: 2}),
	}
	c, err := NewClient(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, st, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": status, "message": msg, "status": st, "details": []any{}}})
}

func okJSON(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(body))
	}
}

func mustContain(t *testing.T, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("%q does not contain %q", s, sub)
		}
	}
}

var netOpError = net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}

func asAPIError(err error, target **APIError) bool { return errors.As(err, target) }

// pooledClient is an *http.Client for the fake that keeps at most 64 connections, so that 1,000
// concurrent calls reuse connections instead of opening 1,000.
func (f *fakeSinch) pooledClient() *http.Client {
	t := f.srv.Client().Transport.(*http.Transport).Clone()
	t.MaxConnsPerHost, t.MaxIdleConnsPerHost = 64, 64
	return &http.Client{Transport: t}
}
