package emulator

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"
)

// hangingTarget is a listener that accepts connections and never answers.
func hangingTarget(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	return "http://" + ln.Addr().String() + "/hook"
}

// A message's callback_url that hangs must delay only its own reports, not another
// message's callback_url (they used to share one queue across every project).
func TestHangingCallbackURLDoesNotDelayOthers(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Callbacks.Timeout = 5 * time.Second; c.Callbacks.MaxAttempts = 1 })
	app := e.createApp("DISPATCH")
	e.must(200, "POST", e.conv("/messages:send"), map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15550900001"), "message": textMessage("x"), "callback_url": hangingTarget(t)})
	time.Sleep(20 * time.Millisecond) // the hanging report is in flight
	ok := e.receiver("")
	out := e.must(200, "POST", e.conv("/messages:send"), map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15550900002"), "message": textMessage("y"), "callback_url": ok.url})
	start := time.Now()
	got := deliveryStatuses(ok.wait(2), str(out, "message_id"))
	if strings.Join(got, ",") != "SMS:QUEUED_ON_CHANNEL,SMS:DELIVERED" {
		t.Fatalf("reports: %v", got)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("reports to a working callback_url waited %v behind a hanging one", d)
	}
}

// Drained queues are forgotten, so that webhooks created and deleted over a long run do not
// grow the dispatcher.
func TestDispatcherForgetsDrainedQueues(t *testing.T) {
	e := newEnv(t)
	app := e.createApp("DISPATCH")
	for i := 0; i < 3; i++ {
		rc := e.receiver("")
		hook := e.webhook(app, rc.url, "", "MESSAGE_SUBMIT")
		e.must(200, "POST", e.conv("/messages:send"), map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15550800001"), "message": textMessage("x")})
		rc.wait(1)
		e.must(200, "DELETE", e.conv("/webhooks/"+hook), nil)
	}
	waitFor(t, func() bool {
		e.srv.cb.mu.Lock()
		defer e.srv.cb.mu.Unlock()
		return len(e.srv.cb.queues) == 0
	})
}

// Per-app limiters are bounded: idle ones (full buckets) are pruned.
func TestDispatcherPrunesIdleLimiters(t *testing.T) {
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	d := s.cb
	d.mu.Lock()
	defer d.mu.Unlock()
	for i := 0; i < 3*maxIdleLimiters; i++ {
		d.limiter("p", fmt.Sprint("app-", i))
	}
	if n := len(d.limits); n > maxIdleLimiters {
		t.Fatalf("%d limiters kept, want at most %d", n, maxIdleLimiters)
	}
}

// The per-project request limiter stays bounded when clients use many project ids.
func TestRateLimitBucketsAreBounded(t *testing.T) {
	l := newRateLimits(DefaultRateLimit)
	for i := 0; i < 3*maxIdleLimiters; i++ {
		if ok, _ := l.allow(fmt.Sprint("project-", i)); !ok {
			t.Fatalf("first request of project %d refused", i)
		}
	}
	// Each bucket above spent one token, so some may not be full yet; what matters is that
	// the map does not keep one bucket per project id ever seen.
	time.Sleep(10 * time.Millisecond)
	l.allow("one-more")
	if n := len(l.buckets); n > maxIdleLimiters+1 {
		t.Fatalf("%d buckets kept for %d projects", n, 3*maxIdleLimiters)
	}
}

// Tokens are remembered only when credentials are pinned, and expired ones are forgotten.
func TestTokenStoreIsBounded(t *testing.T) {
	ts := newTokenStore()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for i := 0; i < 5000; i++ {
		ts.issue(now, time.Hour, false)
	}
	if len(ts.tokens) != 0 {
		t.Fatalf("%d tokens remembered without pinned credentials", len(ts.tokens))
	}
	for i := 0; i < 5000; i++ {
		ts.issue(now.Add(time.Duration(i)*time.Second), time.Second, true)
	}
	if len(ts.tokens) > 2048 {
		t.Fatalf("%d tokens remembered, most of them expired", len(ts.tokens))
	}
	tok := ts.issue(now, time.Hour, true)
	if !ts.valid(tok, now) {
		t.Fatal("a remembered token is not valid")
	}
}

// Injected latency ends when the request's context does, so that a request cut off by its
// client (or by Close) does not keep a goroutine for the rest of the latency.
func TestFaultLatencyStopsWithTheRequest(t *testing.T) {
	s, err := New(Config{Faults: Faults{Latency: time.Minute}, RateLimit: RateLimitOff})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	req := httptest.NewRequestWithContext(ctx, "GET", "http://emulator/v1/projects/p/apps", nil)
	req.Header.Set("Authorization", "Bearer x")
	done := make(chan struct{})
	go func() {
		s.ConversationHandler().ServeHTTP(httptest.NewRecorder(), req)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("the handler still sleeps after its request was cancelled")
	}
}

// Close leaves no goroutine behind: listeners, delivery simulations, callback workers, the
// batch scheduler and the callback client's keep-alive connections all end.
func TestCloseLeavesNoGoroutines(t *testing.T) {
	got := make(chan struct{}, 100)
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case got <- struct{}{}:
		default:
		}
	}))
	defer target.Close()
	before := runtime.NumGoroutine()

	s, err := Start(context.Background(), Config{RateLimit: RateLimitOff, Callbacks: CallbackConfig{StepDelay: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, srv: s}
	app := e.createApp("CONVERSATION")
	e.webhook(app, target.URL, "s", "MESSAGE_SUBMIT", "MESSAGE_DELIVERY", "BATCH_STATUS_UPDATE")
	for i := 0; i < 3; i++ {
		e.must(200, "POST", e.conv("/messages:send"), map[string]any{"app_id": app, "recipient": smsRecipient("SMS", fmt.Sprint("+1555010000", i)), "message": textMessage("x")})
	}
	e.must(200, "POST", e.batch("/messages"), map[string]any{"app_id": app, "message": textMessage("x"),
		"recipient_and_params": []any{map[string]any{"recipient": smsRecipient("SMS", "+15550100011")}},
		"send_after":           time.Now().Add(time.Hour).UTC().Format(time.RFC3339)})
	<-got
	<-got
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines after Close, %d before:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// The callback history is bounded in count and in bytes.
func TestCallbackHistoryIsBounded(t *testing.T) {
	noNet := &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
		return nil, fmt.Errorf("no network")
	})}
	s, err := New(Config{Callbacks: CallbackConfig{HTTPClient: noNet, MaxAttempts: 1, RatePerApp: 1e9}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	hook := []webhookRef{{id: "w", target: "http://nowhere.invalid/"}}
	for i := 0; i < maxRecords*3/2; i++ {
		s.cb.send("p", "a", "MESSAGE_SUBMIT", hook, []byte(`{}`))
	}
	if n := len(s.Callbacks(CallbackFilter{})); n < maxRecords || n > maxRecords+maxRecords/4 {
		t.Fatalf("%d records kept, want %d to %d", n, maxRecords, maxRecords+maxRecords/4)
	}
	big := make([]byte, 1<<20)
	for i := 0; i < 2*maxRecordBytes>>20; i++ {
		s.cb.send("p", "a", "MESSAGE_SUBMIT", hook, big)
	}
	s.cb.mu.Lock()
	defer s.cb.mu.Unlock()
	total := 0
	for _, r := range s.cb.records {
		total += len(r.Body)
	}
	if total != s.cb.recordBytes || total > maxRecordBytes {
		t.Fatalf("records hold %d bytes (counted %d), want at most %d", total, s.cb.recordBytes, maxRecordBytes)
	}
}
