package retry

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

var fast = Policy{BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond, MaxRetryAfter: 3 * time.Second}

func TestRetryableStatus(t *testing.T) {
	for code, want := range map[int]bool{200: false, 400: false, 401: false, 404: false, 408: false, 409: false,
		429: true, 500: true, 501: false, 502: true, 503: true, 504: true} {
		if got := RetryableStatus(code); got != want {
			t.Errorf("RetryableStatus(%d) = %v, want %v", code, got, want)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name, v string
		want    time.Duration
		ok      bool
	}{
		{"absent", "", 0, false},
		{"seconds", "3", 3 * time.Second, true},
		{"zero", "0", 0, true},
		{"spaces", " 7 ", 7 * time.Second, true},
		{"negative", "-1", 0, false},
		{"http date", now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{"past date", now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"garbage", "soon", 0, false},
		{"huge", "99999999999999", 365 * 24 * time.Hour, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.v != "" {
				h.Set("Retry-After", tt.v)
			}
			got, ok := RetryAfter(h, now)
			if got != tt.want || ok != tt.ok {
				t.Fatalf("RetryAfter(%q) = %v, %v; want %v, %v", tt.v, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestBackoffFullJitterWithinCap(t *testing.T) {
	p := Policy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}
	for n := range 70 {
		ceil := min(p.MaxDelay, p.BaseDelay<<min(n, 20))
		for range 50 {
			if d := p.Backoff(n); d < 0 || d > ceil {
				t.Fatalf("Backoff(%d) = %v outside [0, %v]", n, d, ceil)
			}
		}
	}
	// Jitter: not always the same value.
	seen := map[time.Duration]bool{}
	for range 50 {
		seen[p.Backoff(3)] = true
	}
	if len(seen) < 10 {
		t.Fatalf("only %d distinct waits: no jitter", len(seen))
	}
}

// server answers with statuses in order, then 200; it records each body it received.
type server struct {
	hits     atomic.Int64
	statuses []int
	header   http.Header
	bodies   chan string
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := int(s.hits.Add(1))
	b, _ := io.ReadAll(r.Body)
	if s.bodies != nil {
		s.bodies <- string(b)
	}
	if n <= len(s.statuses) {
		for k, v := range s.header {
			w.Header()[k] = v
		}
		w.WriteHeader(s.statuses[n-1])
		_, _ = w.Write([]byte(`{"error":{}}`))
		return
	}
	_, _ = w.Write([]byte(`{}`))
}

func post(t *testing.T, ctx context.Context, url, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestStatusRules(t *testing.T) {
	tests := []struct {
		name      string
		statuses  []int
		retries   int
		wantHits  int64
		wantFinal int
	}{
		{"429 then ok", []int{429}, 3, 2, 200},
		{"500 then ok", []int{500}, 3, 2, 200},
		{"502 then ok", []int{502}, 3, 2, 200},
		{"503 then ok", []int{503}, 3, 2, 200},
		{"504 then ok", []int{504}, 3, 2, 200},
		{"400 not retried", []int{400}, 3, 1, 400},
		{"401 not retried", []int{401}, 3, 1, 401},
		{"404 not retried", []int{404}, 3, 1, 404},
		{"501 not retried", []int{501}, 3, 1, 501},
		{"retries exhausted", []int{503, 503, 503, 503}, 2, 3, 503},
		{"zero disables", []int{503}, 0, 1, 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &server{statuses: tt.statuses, bodies: make(chan string, 10)}
			srv := httptest.NewServer(s)
			defer srv.Close()
			resp, err := Do(post(t, t.Context(), srv.URL, `{"n":1}`), fast, tt.retries, srv.Client().Do, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.wantFinal || s.hits.Load() != tt.wantHits {
				t.Fatalf("status %d after %d hits; want %d after %d", resp.StatusCode, s.hits.Load(), tt.wantFinal, tt.wantHits)
			}
			close(s.bodies)
			for b := range s.bodies {
				if b != `{"n":1}` {
					t.Fatalf("attempt sent body %q: body not replayed", b)
				}
			}
		})
	}
}

func TestHonoursRetryAfter(t *testing.T) {
	for _, form := range []string{"seconds", "date"} {
		t.Run(form, func(t *testing.T) {
			h := http.Header{}
			want := time.Second
			if form == "seconds" {
				h.Set("Retry-After", "1")
			} else {
				// HTTP dates have 1 s resolution: ask for 2 s ahead and expect 1–2 s.
				h.Set("Retry-After", time.Now().Add(2*time.Second).UTC().Format(http.TimeFormat))
			}
			s := &server{statuses: []int{429}, header: h}
			srv := httptest.NewServer(s)
			defer srv.Close()
			var waited time.Duration
			resp, err := Do(post(t, t.Context(), srv.URL, "{}"), fast, 2, srv.Client().Do, func(a Attempt) { waited = a.Wait })
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 || waited < want || waited > 2*time.Second {
				t.Fatalf("status %d, waited %v; want 200 after a wait in [%v, 2s]", resp.StatusCode, waited, want)
			}
		})
	}
}

func TestRetryAfterBeyondCapReturnsAnswer(t *testing.T) {
	h := http.Header{}
	h.Set("Retry-After", "3600")
	s := &server{statuses: []int{429}, header: h}
	srv := httptest.NewServer(s)
	defer srv.Close()
	resp, err := Do(post(t, t.Context(), srv.URL, "{}"), fast, 3, srv.Client().Do, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || s.hits.Load() != 1 {
		t.Fatalf("status %d after %d hits; want the 429 back at once", resp.StatusCode, s.hits.Load())
	}
}

func TestContextCancelStopsWait(t *testing.T) {
	h := http.Header{}
	h.Set("Retry-After", "2")
	s := &server{statuses: []int{503, 503}, header: h}
	srv := httptest.NewServer(s)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Do(post(t, ctx, srv.URL, "{}"), fast, 3, srv.Client().Do, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want DeadlineExceeded", err)
	}
	if el := time.Since(start); el > time.Second {
		t.Fatalf("returned after %v: the wait ignored the context", el)
	}
	if s.hits.Load() != 1 {
		t.Fatalf("hits = %d", s.hits.Load())
	}
}

// failingSend returns err for the first n calls, then a 200.
func failingSend(n int, err error, calls *int) func(*http.Request) (*http.Response, error) {
	return func(r *http.Request) (*http.Response, error) {
		*calls++
		if r.Body != nil {
			_, _ = io.ReadAll(r.Body)
		}
		if *calls <= n {
			return nil, err
		}
		return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("{}")), Header: http.Header{}}, nil
	}
}

func TestConnectionErrorRules(t *testing.T) {
	dial := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	reset := &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}
	tests := []struct {
		name      string
		method    string
		err       error
		wantCalls int
	}{
		{"dial error on POST is retried", http.MethodPost, dial, 2},
		{"dns error on POST is retried", http.MethodPost, &net.DNSError{Err: "no such host", Name: "x"}, 2},
		{"reset on POST (messages:send) is not retried", http.MethodPost, reset, 1},
		{"unexpected EOF on PATCH is not retried", http.MethodPatch, io.ErrUnexpectedEOF, 1},
		{"reset on GET is retried", http.MethodGet, reset, 2},
		{"reset on DELETE is retried", http.MethodDelete, reset, 2},
		{"reset on PUT is retried", http.MethodPut, reset, 2},
		{"canceled is never retried", http.MethodGet, context.Canceled, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequestWithContext(t.Context(), tt.method, "http://example.invalid/v1/projects/p/messages:send", bytes.NewReader([]byte("{}")))
			calls := 0
			resp, err := Do(req, fast, 3, failingSend(1, tt.err, &calls), nil)
			if calls != tt.wantCalls {
				t.Fatalf("calls = %d, want %d (err %v)", calls, tt.wantCalls, err)
			}
			if tt.wantCalls == 1 && !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if tt.wantCalls == 2 && (err != nil || resp.StatusCode != 200) {
				t.Fatalf("resp %v err %v", resp, err)
			}
		})
	}
}

func TestBodyWithoutGetBodyNotRetried(t *testing.T) {
	s := &server{statuses: []int{503}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL, io.NopCloser(strings.NewReader("{}")))
	req.GetBody = nil
	resp, err := Do(req, fast, 3, srv.Client().Do, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 || s.hits.Load() != 1 {
		t.Fatalf("status %d after %d hits; an unreplayable body must not be retried", resp.StatusCode, s.hits.Load())
	}
}

func TestOnRetryReportsEachAttempt(t *testing.T) {
	s := &server{statuses: []int{500, 502}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	var got []Attempt
	resp, err := Do(post(t, t.Context(), srv.URL, "{}"), fast, 5, srv.Client().Do, func(a Attempt) { got = append(got, a) })
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(got) != 2 || got[0].Retry != 1 || got[0].Status != 500 || got[1].Retry != 2 || got[1].Status != 502 {
		t.Fatalf("attempts = %+v", got)
	}
}

func FuzzRetryAfter(f *testing.F) {
	for _, s := range []string{"0", "120", "-5", "Wed, 21 Oct 2015 07:28:00 GMT", "", "1e9", "99999999999999999999"} {
		f.Add(s)
	}
	now := time.Now()
	f.Fuzz(func(t *testing.T, v string) {
		h := http.Header{}
		h.Set("Retry-After", v)
		d, ok := RetryAfter(h, now)
		if d < 0 || (!ok && d != 0) {
			t.Fatalf("RetryAfter(%q) = %v, %v", v, d, ok)
		}
	})
}

func TestPermanentErrorNotRetried(t *testing.T) {
	base := &net.OpError{Op: "dial", Err: errors.New("refused")}
	calls := 0
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://x.invalid/", nil)
	_, err := Do(req, fast, 3, func(*http.Request) (*http.Response, error) { calls++; return nil, Permanent(base) }, nil)
	if calls != 1 || err != base {
		t.Fatalf("calls %d, err %v (want the unwrapped error once)", calls, err)
	}
}
