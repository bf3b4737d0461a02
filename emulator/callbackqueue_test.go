package emulator

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A target that does not answer holds at most MaxQueued callbacks; the ones past the bound
// are not sent, and their records say FAILED and why. The log says so once per spell of
// refusals, not once per callback.
func TestCallbackQueueIsBounded(t *testing.T) {
	var logged syncBuffer
	release := make(chan struct{})
	hold := newHTTPServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
	}))
	t.Cleanup(func() { close(release) })
	e := newEnv(t, func(c *Config) {
		c.Callbacks.MaxQueued = 5
		c.Callbacks.InFlight = 1
		c.Callbacks.RatePerApp = 1000
		c.Callbacks.Timeout = 10 * time.Second
		c.Logger = slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelWarn}))
	})
	app := e.createApp("DISPATCH")
	hook := e.webhook(app, hold+"/hook", "", "MESSAGE_SUBMIT")
	const sends = 20
	for i := 0; i < sends; i++ {
		e.must(200, "POST", e.conv("/messages:send"), map[string]any{"app_id": app, "recipient": smsRecipient("SMS", fmt.Sprintf("+1555070%04d", 1000+i)), "message": textMessage("x")})
	}
	e.srv.cb.mu.Lock()
	queued := 0
	for _, q := range e.srv.cb.queues {
		queued += len(q.items)
	}
	e.srv.cb.mu.Unlock()
	if queued > 5 {
		t.Fatalf("%d callbacks wait for the target, want at most MaxQueued = 5", queued)
	}
	var dropped int
	for _, r := range e.srv.Callbacks(CallbackFilter{WebhookID: hook}) {
		if r.State == CallbackFailed {
			dropped++
			if len(r.Attempts) != 1 || !strings.Contains(r.Attempts[0].Error, "MaxQueued") {
				t.Fatalf("a dropped callback's record: %+v", r.Attempts)
			}
		}
	}
	// One is on its way, five wait, the rest are refused.
	if want := sends - 1 - 5; dropped != want {
		t.Fatalf("%d callbacks recorded as not sent, want %d", dropped, want)
	}
	// Two spells at most: the worker may take the first callback off the queue after the
	// queue first filled, freeing one place once.
	if n := strings.Count(logged.String(), "queue is full"); n < 1 || n > 2 {
		t.Fatalf("%d warnings about the full queue for %d refused callbacks, want 1 or 2:\n%s", n, dropped, logged.String())
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent writers (a log handler's output).
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// String returns what was written so far.
func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// Several callbacks go to one target at once (InFlight), while each message's own callbacks
// (its submit notification and delivery reports) still arrive in order.
func TestCallbacksInFlightKeepEachMessageInOrder(t *testing.T) {
	var inFlight, peak atomic.Int32
	var mu sync.Mutex
	seen := map[string][]string{} // message id → statuses in arrival order
	target := newHTTPServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		body, _ := io.ReadAll(r.Body)
		d, _ := decodeBody(body)
		m, _ := d.(map[string]any)
		time.Sleep(15 * time.Millisecond) // a slow target
		mu.Lock()
		defer mu.Unlock()
		if s := obj(m["message_submit_notification"]); s != nil {
			seen[str(s, "message_id")] = append(seen[str(s, "message_id")], "SUBMIT")
		}
		if rep := obj(m["message_delivery_report"]); rep != nil {
			seen[str(rep, "message_id")] = append(seen[str(rep, "message_id")], str(rep, "status"))
		}
	}))
	e := newEnv(t, func(c *Config) {
		c.Callbacks.InFlight = 4
		c.Callbacks.RatePerApp = 10000
		c.Callbacks.StepDelay = time.Millisecond
	})
	app := e.createApp("DISPATCH")
	e.webhook(app, target+"/hook", "", "MESSAGE_SUBMIT", "MESSAGE_DELIVERY")
	const sends = 12
	var ids []string
	for i := 0; i < sends; i++ {
		out := e.must(200, "POST", e.conv("/messages:send"), map[string]any{"app_id": app, "recipient": smsRecipient("SMS", fmt.Sprintf("+1555060%04d", 1000+i)), "message": textMessage("x")})
		ids = append(ids, str(out, "message_id"))
	}
	waitFor(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		n := 0
		for _, s := range seen {
			n += len(s)
		}
		return n == 3*sends
	})
	if p := peak.Load(); p < 2 || p > 4 {
		t.Errorf("at most %d callbacks were in flight at once, want 2 to InFlight = 4", p)
	}
	for _, id := range ids {
		if got := strings.Join(seen[id], ","); got != "SUBMIT,QUEUED_ON_CHANNEL,DELIVERED" {
			t.Errorf("message %s: callbacks arrived as %s", id, got)
		}
	}
}

func TestLaneOf(t *testing.T) {
	for body, want := range map[string]string{
		`{"app_id":"a","message_delivery_report":{"channel_identity":{},"message_id":"01K","status":"DELIVERED"}}`: "01K",
		`{"message_metadata":"{\"message_id\":\"x\"}","contact_create_notification":{}}`:                           "",
		`{"message":{"id":"01K"}}`: "",
	} {
		if got := laneOf([]byte(body)); got != want {
			t.Errorf("laneOf(%s) = %q, want %q", body, got, want)
		}
	}
}
