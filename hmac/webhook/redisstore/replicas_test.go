package redisstore_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/relaykit/sinch-go/emulator"
	"github.com/relaykit/sinch-go/hmac/callback"
	"github.com/relaykit/sinch-go/hmac/webhook"
	"github.com/relaykit/sinch-go/hmac/webhook/redisstore"
	"github.com/relaykit/sinch-go/internal/redistest"
)

const project = "replicas-project"

// roundRobin is a load balancer in front of the replicas: each request goes to the next one.
func roundRobin(t *testing.T, backends ...string) *httptest.Server {
	t.Helper()
	var proxies []*httputil.ReverseProxy
	for _, b := range backends {
		u, err := url.Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		p := httputil.NewSingleHostReverseProxy(u)
		p.ErrorLog = nil
		p.ErrorHandler = func(w http.ResponseWriter, _ *http.Request, _ error) { w.WriteHeader(http.StatusBadGateway) }
		proxies = append(proxies, p)
	}
	var next atomic.Uint64
	lb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proxies[(next.Add(1)-1)%uint64(len(proxies))].ServeHTTP(w, r)
	}))
	t.Cleanup(lb.Close)
	return lb
}

// emulatorCall sends one JSON request to the emulator's Conversation API and decodes the answer.
func emulatorCall(t *testing.T, emu *emulator.Server, path string, body any) map[string]any {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, emu.ConversationURL()+"/v1/projects/"+project+path, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer any-token")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST %s: %d %v", path, resp.StatusCode, out)
	}
	return out
}

// setUp creates an app whose webhooks (hooks of them, all to target, on paths /hook/1, /hook/2,
// ... since the API allows one webhook per target; signed with secret) get MESSAGE_INBOUND
// callbacks.
func setUp(t *testing.T, emu *emulator.Server, target string, hooks int) string {
	t.Helper()
	app := emulatorCall(t, emu, "/apps", map[string]any{"display_name": "replicas", "channel_credentials": []any{}})
	appID, _ := app["id"].(string)
	for i := range hooks {
		emulatorCall(t, emu, "/webhooks", map[string]any{
			"app_id": appID, "target": fmt.Sprintf("%s/hook/%d", target, i+1), "target_type": "HTTP", "secret": secret, "triggers": []string{"MESSAGE_INBOUND"},
		})
	}
	return appID
}

// waitDelivered waits until the emulator has no pending callback and returns the records.
func waitDelivered(t *testing.T, emu *emulator.Server, want int, within time.Duration) []emulator.CallbackRecord {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		recs := emu.Callbacks(emulator.CallbackFilter{ProjectID: project})
		pending := 0
		for _, r := range recs {
			if r.State == emulator.CallbackPending {
				pending++
			}
		}
		if len(recs) >= want && pending == 0 {
			return recs
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %d callbacks, %d still pending", within, len(recs), pending)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func inject(t *testing.T, emu *emulator.Server, appID string, n int) {
	t.Helper()
	for i := range n {
		_, err := emu.InjectInbound(t.Context(), emulator.InboundMessage{
			ProjectID: project, AppID: appID, Channel: "SMS", Identity: fmt.Sprintf("+1555010%04d", i),
			ContactMessage: json.RawMessage(`{"text_message":{"text":"hello"}}`),
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// Four handler replicas over one Redis, behind a round-robin balancer, receive the emulator's
// callbacks; every event is delivered four times at once (four webhooks to the same URL), each
// replica's function fails at random (then the emulator retries), and yet every event is
// processed exactly once across the replicas, at no more than one Redis round trip per
// delivery on the steady path.
func TestFourReplicasProcessEachEventOnce(t *testing.T) {
	rs := redistest.Start(t)
	emu, err := emulator.Start(t.Context(), emulator.Config{RateLimit: emulator.RateLimitOff, Callbacks: emulator.CallbackConfig{
		RatePerApp: 1000, MaxAttempts: 40, InitialBackoff: 10 * time.Millisecond, MaxBackoff: 100 * time.Millisecond, Timeout: 10 * time.Second,
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emu.Close() })

	var mu sync.Mutex
	processed := map[string]int{}   // dedup key -> successful runs
	byReplica := make([]int, 4)     // successful runs per replica
	var failures, runs atomic.Int64 // runs that failed on purpose, and all runs
	var backends []string
	var trips []*tripCounter // each replica's round trips to Redis
	for i := range 4 {
		rdb, tc := countedClient(t, rs)
		trips = append(trips, tc)
		store, err := redisstore.New(rdb, redisstore.WithLease(30*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = store.Close(context.Background()) })
		h, err := webhook.New(webhook.WithSecrets(secret), webhook.WithDedupStore(store),
			webhook.OnAny(func(_ context.Context, ev callback.Event) error {
				runs.Add(1)
				time.Sleep(time.Duration(rand.IntN(3)) * time.Millisecond) // overlap the copies
				if rand.IntN(10) < 3 {
					failures.Add(1)
					return errors.New("the user's function failed")
				}
				mu.Lock()
				processed[ev.DedupKey()]++
				byReplica[i]++
				mu.Unlock()
				return nil
			}))
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		backends = append(backends, srv.URL)
	}
	lb := roundRobin(t, backends...)
	appID := setUp(t, emu, lb.URL, 4)

	const events = 200
	began := time.Now()
	inject(t, emu, appID, events)
	recs := waitDelivered(t, emu, events*4, 90*time.Second)
	elapsed := time.Since(began)
	var storeTrips int64
	for _, tc := range trips {
		storeTrips += tc.store.Load()
	}

	want := map[string]bool{}
	statuses := map[int]int{}
	attempts := 0
	for _, r := range recs {
		attempts += len(r.Attempts)
		if r.State != emulator.CallbackDelivered {
			t.Errorf("callback %s: %s after %d attempts", r.ID, r.State, len(r.Attempts))
		}
		ev, err := callback.Parse(r.Body)
		if err != nil {
			t.Fatal(err)
		}
		want[ev.DedupKey()] = true
		for _, a := range r.Attempts {
			statuses[a.StatusCode]++
		}
	}
	mu.Lock()
	defer mu.Unlock()
	// At most one round trip per delivery (a Claim carrying earlier completions), one more per
	// failed run (its Release), the timer's writes (one per completion delay per replica at
	// most) and, once per replica, loading the claim script.
	tripBound := int64(attempts) + failures.Load() + 4*(int64(elapsed/redisstore.DefaultCompletionDelay)+1) + 4
	t.Logf("%d events, %d callbacks, %d deliveries in %v; runs %d (%d failed on purpose); processed per replica %v; answers %v; "+
		"%d round trips to Redis (%.2f per delivery, bound %d)",
		len(want), len(recs), attempts, elapsed.Round(time.Millisecond), runs.Load(), failures.Load(), byReplica, statuses,
		storeTrips, float64(storeTrips)/float64(attempts), tripBound)
	if storeTrips > tripBound {
		t.Errorf("%d round trips to Redis for %d deliveries, want at most %d", storeTrips, attempts, tripBound)
	}
	if len(want) != events {
		t.Fatalf("%d distinct events in the callbacks, want %d", len(want), events)
	}
	for key := range want {
		if n := processed[key]; n != 1 {
			t.Errorf("event %s processed %d times, want once", key, n)
		}
	}
	if len(processed) != events {
		t.Errorf("%d events processed, want %d", len(processed), events)
	}
	if failures.Load() == 0 || statuses[http.StatusInternalServerError] == 0 {
		t.Error("no run failed: the retries were not exercised")
	}
	for i, n := range byReplica {
		if n == 0 {
			t.Errorf("replica %d processed nothing", i)
		}
	}
}
