package webhook_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/relaykit/sinch-go/hmac"
	"github.com/relaykit/sinch-go/hmac/callback"
	"github.com/relaykit/sinch-go/hmac/webhook"
)

const secret = "whsec-test-0123456789"

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "callback", "testdata", "callbacks", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// post signs body with secret now and serves it through h.
func post(t testing.TB, h http.Handler, body []byte) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/sinch", bytes.NewReader(body))
	hmac.SignRequest(req, secret, body, time.Now())
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func newHandler(t testing.TB, opts ...webhook.Option) *webhook.Handler {
	t.Helper()
	h, err := webhook.New(append([]webhook.Option{webhook.WithSecrets(secret)}, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return h
}

func TestDispatchTyped(t *testing.T) {
	var got []string
	var mu sync.Mutex
	record := func(s string) { mu.Lock(); got = append(got, s); mu.Unlock() }
	h := newHandler(t,
		webhook.On(func(ctx context.Context, ev *callback.MessageInboundEvent) error {
			if ctx == nil {
				t.Error("no context or no message")
			}
			record("inbound:" + ev.Message.ID)
			return nil
		}),
		webhook.On(func(ctx context.Context, ev *callback.MessageDeliveryEvent) error {
			record("delivery:" + string(ev.MessageDeliveryReport.Status))
			return nil
		}),
		webhook.OnAny(func(ctx context.Context, ev callback.Event) error {
			record("any:" + string(ev.Trigger()))
			return nil
		}),
	)
	for _, f := range []string{"MESSAGE_INBOUND.text.json", "MESSAGE_DELIVERY.FAILED.json", "OPT_IN.json"} {
		if rec := post(t, h, fixture(t, f)); rec.Code != http.StatusOK {
			t.Fatalf("%s: status %d %s", f, rec.Code, rec.Body)
		}
	}
	if rec := post(t, h, []byte(`{"app_id":"a","brand_new_notification":{"id":"n1"}}`)); rec.Code != http.StatusOK {
		t.Fatalf("unknown: status %d", rec.Code)
	}
	want := []string{"inbound:01HZX7A1B3D5F7H9K1M3P5R7T9", "delivery:FAILED", "any:OPT_IN", "any:"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("dispatched %q, want %q", got, want)
	}
}

func TestNoFunctionRegisteredStillAcknowledges(t *testing.T) {
	h := newHandler(t)
	if rec := post(t, h, fixture(t, "CONTACT_CREATE.json")); rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
}

func TestErrorPaths(t *testing.T) {
	inbound := fixture(t, "MESSAGE_INBOUND.text.json")
	failing := errors.New("database down")
	h := newHandler(t,
		webhook.WithMaxBodyBytes(2048),
		webhook.On(func(ctx context.Context, ev *callback.ContactCreateEvent) error { return failing }),
	)
	signedReq := func(method string, body []byte) *http.Request {
		r := httptest.NewRequest(method, "/sinch", bytes.NewReader(body))
		hmac.SignRequest(r, secret, body, time.Now())
		return r
	}
	cases := []struct {
		name string
		req  func() *http.Request
		want int
	}{
		{"GET", func() *http.Request { return signedReq(http.MethodGet, nil) }, http.StatusMethodNotAllowed},
		{"PUT", func() *http.Request { return signedReq(http.MethodPut, inbound) }, http.StatusMethodNotAllowed},
		{"declared too large", func() *http.Request { return signedReq(http.MethodPost, bytes.Repeat([]byte(" "), 4096)) }, http.StatusRequestEntityTooLarge},
		{"chunked too large", func() *http.Request {
			r := signedReq(http.MethodPost, bytes.Repeat([]byte(" "), 4096))
			r.ContentLength = -1 // unknown length, as with chunked encoding
			return r
		}, http.StatusRequestEntityTooLarge},
		{"unsigned", func() *http.Request {
			return httptest.NewRequest(http.MethodPost, "/sinch", bytes.NewReader(inbound))
		}, http.StatusUnauthorized},
		{"wrong secret", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/sinch", bytes.NewReader(inbound))
			hmac.SignRequest(r, "not-the-secret", inbound, time.Now())
			return r
		}, http.StatusUnauthorized},
		{"stale", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/sinch", bytes.NewReader(inbound))
			hmac.SignRequest(r, secret, inbound, time.Now().Add(-time.Hour))
			return r
		}, http.StatusUnauthorized},
		{"body altered after signing", func() *http.Request {
			r := signedReq(http.MethodPost, inbound)
			r.Body = io.NopCloser(bytes.NewReader(bytes.Replace(inbound, []byte("4711"), []byte("4712"), 1)))
			return r
		}, http.StatusUnauthorized},
		{"not json", func() *http.Request { return signedReq(http.MethodPost, []byte("hello")) }, http.StatusBadRequest},
		{"json array", func() *http.Request { return signedReq(http.MethodPost, []byte(`[]`)) }, http.StatusBadRequest},
		{"no payload key", func() *http.Request { return signedReq(http.MethodPost, []byte(`{"app_id":"A1","project_id":"P1"}`)) }, http.StatusBadRequest},
		// The tolerant reader: a value of an unexpected type is skipped, the callback handled.
		{"wrong payload type", func() *http.Request { return signedReq(http.MethodPost, []byte(`{"message":{"id":7}}`)) }, http.StatusOK},
		{"two triggers", func() *http.Request {
			return signedReq(http.MethodPost, []byte(`{"message":{},"event":{}}`))
		}, http.StatusBadRequest},
		{"function fails", func() *http.Request { return signedReq(http.MethodPost, fixture(t, "CONTACT_CREATE.json")) }, http.StatusInternalServerError},
		{"ok", func() *http.Request { return signedReq(http.MethodPost, inbound) }, http.StatusOK},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, c.req())
			if rec.Code != c.want {
				t.Fatalf("status = %d (%s), want %d", rec.Code, strings.TrimSpace(rec.Body.String()), c.want)
			}
			if c.want == http.StatusMethodNotAllowed && rec.Header().Get("Allow") != http.MethodPost {
				t.Errorf("Allow = %q", rec.Header().Get("Allow"))
			}
			if strings.Contains(rec.Body.String(), "database down") {
				t.Error("the function's error text reached the response")
			}
		})
	}
}

func TestDefaultBodyLimit(t *testing.T) {
	h := newHandler(t)
	big := append([]byte(`{"x":"`), bytes.Repeat([]byte("a"), webhook.DefaultMaxBodyBytes)...)
	big = append(big, `"}`...)
	if rec := post(t, h, big); rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("status = %d, want 413", rec.Code)
	}
	fits := append([]byte(`{"x":"`), bytes.Repeat([]byte("a"), webhook.DefaultMaxBodyBytes-16)...)
	fits = append(fits, `"}`...)
	if rec := post(t, h, fits); rec.Code != http.StatusOK {
		t.Fatalf("body under the limit: status = %d", rec.Code)
	}
}

func TestDuplicateIsProcessedOnce(t *testing.T) {
	var runs atomic.Int32
	h := newHandler(t, webhook.On(func(ctx context.Context, ev *callback.MessageInboundEvent) error {
		runs.Add(1)
		return nil
	}))
	body := fixture(t, "MESSAGE_INBOUND.text.json")
	for i := 0; i < 3; i++ {
		// Each retry is signed afresh (new nonce and timestamp), as Sinch does.
		if rec := post(t, h, body); rec.Code != http.StatusOK {
			t.Fatalf("delivery %d: status %d", i, rec.Code)
		}
	}
	if runs.Load() != 1 {
		t.Fatalf("function ran %d times, want 1", runs.Load())
	}
	// Same message id, re-serialised with other spacing: still the same event.
	if rec := post(t, h, bytes.ReplaceAll(body, []byte("\n"), nil)); rec.Code != http.StatusOK || runs.Load() != 1 {
		t.Fatalf("re-serialised duplicate: status %d, runs %d", rec.Code, runs.Load())
	}
}

func TestFailedRunIsRetried(t *testing.T) {
	var runs atomic.Int32
	h := newHandler(t, webhook.On(func(ctx context.Context, ev *callback.MessageDeliveryEvent) error {
		if runs.Add(1) == 1 {
			return errors.New("transient")
		}
		return nil
	}))
	body := fixture(t, "MESSAGE_DELIVERY.FAILED.json")
	if rec := post(t, h, body); rec.Code != http.StatusInternalServerError {
		t.Fatalf("first delivery: status %d, want 500", rec.Code)
	}
	if rec := post(t, h, body); rec.Code != http.StatusOK {
		t.Fatalf("retry: status %d, want 200", rec.Code)
	}
	if rec := post(t, h, body); rec.Code != http.StatusOK {
		t.Fatalf("third delivery: status %d", rec.Code)
	}
	if runs.Load() != 2 {
		t.Fatalf("function ran %d times, want 2 (failure, then the retry)", runs.Load())
	}
}

func TestPanicReleasesClaim(t *testing.T) {
	var runs atomic.Int32
	h := newHandler(t, webhook.On(func(ctx context.Context, ev *callback.OptInEvent) error {
		if runs.Add(1) == 1 {
			panic("boom")
		}
		return nil
	}))
	body := fixture(t, "OPT_IN.json")
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the panic was swallowed; net/http must see it")
			}
		}()
		post(t, h, body)
	}()
	if rec := post(t, h, body); rec.Code != http.StatusOK || runs.Load() != 2 {
		t.Fatalf("retry after panic: status %d, runs %d", rec.Code, runs.Load())
	}
}

// Sinch may deliver the same callback on parallel connections. Exactly one run happens; the
// others are answered 200 (already done) or 503 (in progress, so Sinch retries later).
func TestConcurrentDuplicates(t *testing.T) {
	var runs atomic.Int32
	release := make(chan struct{})
	h := newHandler(t, webhook.On(func(ctx context.Context, ev *callback.MessageInboundEvent) error {
		runs.Add(1)
		<-release
		return nil
	}))
	body := fixture(t, "MESSAGE_INBOUND.text.json")
	const n = 32
	codes := make(chan int, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes <- post(t, h, body).Code
		}()
	}
	// Let all but the running delivery finish (they must not wait for it), then release it.
	deadline := time.Now().Add(10 * time.Second)
	for len(codes) < n-1 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	close(codes)
	count := map[int]int{}
	for c := range codes {
		count[c]++
	}
	if runs.Load() != 1 {
		t.Fatalf("function ran %d times, want 1", runs.Load())
	}
	if count[http.StatusOK] != 1 || count[http.StatusServiceUnavailable] != n-1 {
		t.Fatalf("status counts %v, want one 200 and %d 503", count, n-1)
	}
	if rec := post(t, h, body); rec.Code != http.StatusOK || runs.Load() != 1 {
		t.Fatalf("later retry: status %d, runs %d", rec.Code, runs.Load())
	}
}

// Many different events and their duplicates in parallel, under -race.
func TestConcurrentMixedDeliveries(t *testing.T) {
	var runs sync.Map
	h := newHandler(t, webhook.OnAny(func(ctx context.Context, ev callback.Event) error {
		v, _ := runs.LoadOrStore(ev.DedupKey(), new(atomic.Int32))
		v.(*atomic.Int32).Add(1)
		return nil
	}))
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				body := []byte(`{"app_id":"a","project_id":"p","event":{"id":"E` + string(rune('A'+i%25)) + `"}}`)
				for {
					code := post(t, h, body).Code
					if code == http.StatusOK {
						break
					}
					if code != http.StatusServiceUnavailable {
						t.Errorf("status %d", code)
						return
					}
				}
			}
		}(g)
	}
	wg.Wait()
	n := 0
	runs.Range(func(k, v any) bool {
		n++
		if c := v.(*atomic.Int32).Load(); c != 1 {
			t.Errorf("%s ran %d times", k, c)
		}
		return true
	})
	if n != 25 {
		t.Errorf("%d distinct events ran, want 25", n)
	}
}

type failingStore struct{ webhook.DedupStore }

func (failingStore) Claim(context.Context, string) (webhook.ClaimResult, error) {
	return 0, errors.New("redis unreachable")
}

// A store that cannot claim (Redis down, failing closed) gets 503 with Retry-After, so Sinch
// retries later, and the function does not run without a claim.
func TestStoreFailureIs503(t *testing.T) {
	var runs atomic.Int32
	h := newHandler(t, webhook.WithDedupStore(failingStore{}), webhook.OnAny(func(context.Context, callback.Event) error {
		runs.Add(1)
		return nil
	}))
	rec := post(t, h, fixture(t, "OPT_OUT.json"))
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" || runs.Load() != 0 {
		t.Fatalf("status %d, Retry-After %q, runs %d; want 503 with Retry-After and no run", rec.Code, rec.Header().Get("Retry-After"), runs.Load())
	}
}

func TestWithoutDedup(t *testing.T) {
	var runs atomic.Int32
	h := newHandler(t, webhook.WithoutDedup(), webhook.OnAny(func(context.Context, callback.Event) error {
		runs.Add(1)
		return nil
	}))
	body := fixture(t, "OPT_OUT.json")
	post(t, h, body)
	post(t, h, body)
	if runs.Load() != 2 {
		t.Fatalf("runs = %d, want 2", runs.Load())
	}
}

func TestWithoutSignatureVerification(t *testing.T) {
	var got callback.Trigger
	h, err := webhook.New(webhook.WithoutSignatureVerification(), webhook.OnAny(func(_ context.Context, ev callback.Event) error {
		got = ev.Trigger()
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(fixture(t, "OPT_OUT.json")))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || got != callback.TriggerOptOut {
		t.Fatalf("status %d, dispatched %q; want 200 and the unsigned OPT_OUT event processed", rec.Code, got)
	}
}

func TestWithVerifierTolerance(t *testing.T) {
	v, err := hmac.NewVerifier([]string{secret}, hmac.WithTolerance(0))
	if err != nil {
		t.Fatal(err)
	}
	h, err := webhook.New(webhook.WithVerifier(v))
	if err != nil {
		t.Fatal(err)
	}
	body := fixture(t, "OPT_OUT.json")
	req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	hmac.SignRequest(req, secret, body, time.Now().Add(-48*time.Hour))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d with the window disabled", rec.Code)
	}
}

func TestWithParser(t *testing.T) {
	var seen string
	h := newHandler(t,
		webhook.WithParser(func(raw []byte) (callback.Event, error) {
			ev, err := callback.Parse(raw)
			if err != nil {
				return nil, err
			}
			seen = string(ev.Trigger())
			return ev, nil
		}),
	)
	post(t, h, fixture(t, "CAPABILITY.json"))
	if seen != "CAPABILITY" {
		t.Fatalf("custom parser saw %q", seen)
	}
}

func TestNewErrors(t *testing.T) {
	noop := func(context.Context, *callback.OptInEvent) error { return nil }
	cases := map[string][]webhook.Option{
		"no secret":          nil,
		"empty secret":       {webhook.WithSecrets("")},
		"no secrets":         {webhook.WithSecrets()},
		"secret and none":    {webhook.WithSecrets(secret), webhook.WithoutSignatureVerification()},
		"nil verifier":       {webhook.WithVerifier(nil)},
		"zero limit":         {webhook.WithSecrets(secret), webhook.WithMaxBodyBytes(0)},
		"nil store":          {webhook.WithSecrets(secret), webhook.WithDedupStore(nil)},
		"nil parser":         {webhook.WithSecrets(secret), webhook.WithParser(nil)},
		"nil func":           {webhook.WithSecrets(secret), webhook.On[*callback.OptInEvent](nil)},
		"nil catch-all":      {webhook.WithSecrets(secret), webhook.OnAny(nil)},
		"twice same trigger": {webhook.WithSecrets(secret), webhook.On(noop), webhook.On(noop)},
	}
	for name, opts := range cases {
		if h, err := webhook.New(opts...); err == nil {
			t.Errorf("%s: New = %v, nil; want an error", name, h)
		}
	}
	if _, err := webhook.New(); !errors.Is(err, webhook.ErrNoVerification) {
		t.Errorf("no options: err = %v, want ErrNoVerification", err)
	}
	if _, err := webhook.New(webhook.WithSecrets("")); !errors.Is(err, hmac.ErrNoSecret) {
		t.Errorf("empty secret: err = %v, want hmac.ErrNoSecret", err)
	}
}

func TestLogsIdsOnly(t *testing.T) {
	var buf bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewJSONHandler(&lockedWriter{w: &buf, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := newHandler(t, webhook.WithLogger(logger), webhook.On(func(ctx context.Context, ev *callback.ContactCreateEvent) error {
		return errors.New("crm unavailable")
	}))
	inbound := fixture(t, "MESSAGE_INBOUND.text.json")
	rec := post(t, h, inbound)
	post(t, h, fixture(t, "CONTACT_CREATE.json"))
	bad := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(inbound))
	hmac.SignRequest(bad, "other", inbound, time.Now())
	h.ServeHTTP(httptest.NewRecorder(), bad)
	post(t, h, []byte(`{"message":{"id":"SECRET-LOOKING-ID","contact_message":{"text_message":{"text":5}}}`)) // truncated: 400
	post(t, h, []byte(`{"message":{"id":"01HZX7A1B3D5F7H9K1M3P5R7TA","contact_message":{"text_message":{"text":"order 4711"}},"accept_time":"SECRET-LOOKING-ID"}}`))

	out := buf.String()
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	for _, want := range []string{`"trigger":"MESSAGE_INBOUND"`, `"key":"MESSAGE_INBOUND:01HZX7A1B3D5F7H9K1M3P5R7T9"`,
		`"outcome":"processed"`, `crm unavailable`, `"status":401`, `"status":400`, `"skipped":["message.accept_time"]`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
	for _, leak := range []string{"delivery address", "order 4711", secret, "46701234567", "SECRET-LOOKING-ID", bad.Header.Get(hmac.HeaderSignature)} {
		if strings.Contains(out, leak) {
			t.Errorf("log contains %q:\n%s", leak, out)
		}
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// ctxStore is a MemoryStore whose Complete fails, like a networked store would, when its
// context has ended.
type ctxStore struct{ *webhook.MemoryStore }

func (s ctxStore) Complete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.MemoryStore.Complete(ctx, key)
}

func TestCompleteSurvivesSenderHangingUp(t *testing.T) {
	var runs atomic.Int32
	h := newHandler(t, webhook.WithDedupStore(ctxStore{webhook.NewMemoryStore()}), webhook.OnAny(func(ctx context.Context, _ callback.Event) error {
		runs.Add(1)
		return nil
	}))
	body := fixture(t, "OPT_OUT.json")
	// The first delivery's sender hangs up while the function runs (its context ends), yet the
	// event was processed: it must be recorded as done, so Sinch's retry is not processed again.
	ctx, cancel := context.WithCancel(context.Background())
	req := httptest.NewRequest(http.MethodPost, "/sinch", bytes.NewReader(body)).WithContext(ctx)
	hmac.SignRequest(req, secret, body, time.Now())
	cancel()
	h.ServeHTTP(httptest.NewRecorder(), req)
	if rec := post(t, h, body); rec.Code != http.StatusOK || runs.Load() != 1 {
		t.Fatalf("retry: status %d, runs %d; want 200 and one run in all", rec.Code, runs.Load())
	}
}

func TestNilBodyIsRejectedNotAPanic(t *testing.T) {
	h, err := webhook.New(webhook.WithoutSignatureVerification())
	if err != nil {
		t.Fatal(err)
	}
	// A hand-built request (as in a unit test of the caller's own mux) may have no Body at all.
	req := &http.Request{Method: http.MethodPost, URL: &url.URL{Path: "/sinch"}, Header: http.Header{}}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusBadRequest {
		t.Fatalf("status %d, want 400 for an empty body", rec.Code)
	}
}
