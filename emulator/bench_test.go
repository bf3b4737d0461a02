package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// benchEnv starts an emulator with the rate limit and the ingress pacing off and validation
// on, and a DISPATCH app without webhooks.
func benchEnv(b *testing.B) (*Server, []byte) {
	b.Helper()
	return benchEnvWith(b)
}

// benchEnvWith is benchEnv with changes to the configuration.
func benchEnvWith(b testing.TB, mod ...func(*Config)) (*Server, []byte) {
	b.Helper()
	cfg := Config{RateLimit: RateLimitOff, IngressRate: IngressUnlimited} // as for load tests
	for _, m := range mod {
		m(&cfg)
	}
	s, err := Start(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	body, _ := json.Marshal(appBody("bench", "DISPATCH"))
	req, _ := http.NewRequest("POST", s.ConversationURL()+"/v1/projects/bench/apps", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer t")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	var app map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&app)
	resp.Body.Close()
	send, _ := json.Marshal(map[string]any{
		"app_id":                 app["id"],
		"recipient":              smsRecipient("SMS", "+15551234567", "WHATSAPP", "+15551234567"),
		"message":                textMessage("Your order 4711 has shipped and will arrive on Friday."),
		"channel_priority_order": []any{"SMS", "WHATSAPP"},
		"channel_properties":     map[string]any{"SMS_SENDER": "+15559876543"},
		"message_metadata":       "order-4711",
	})
	return s, send
}

func benchClient() *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}}
}

func sendOnce(b *testing.B, c *http.Client, url string, body []byte) {
	req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer t")
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		b.Error(err)
		return
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		b.Errorf("status %d", resp.StatusCode)
	}
}

// BenchmarkSendMessageThroughput measures validated messages:send over loopback HTTP with
// 32 concurrent clients: requests per second and latency percentiles.
func BenchmarkSendMessageThroughput(b *testing.B) {
	s, body := benchEnv(b)
	throughput(b, s.ConversationURL()+"/v1/projects/bench/messages:send", body, true)
}

// BenchmarkPrismSendMessageThroughput runs the same load against a Prism mock of the same
// spec, for comparison; it is skipped unless SINCH_PRISM_URL names a running Prism (see
// bench/prism.sh, run by make bench-prism).
func BenchmarkPrismSendMessageThroughput(b *testing.B) {
	base := os.Getenv("SINCH_PRISM_URL")
	if base == "" {
		b.Skip("SINCH_PRISM_URL is not set")
	}
	_, body := benchEnv(b)
	pid := os.Getenv("SINCH_PRISM_PID")
	p0 := pidCPU(pid)
	throughput(b, base+"/v1/projects/bench/messages:send", body, false)
	if p0 > 0 {
		// Prism's own CPU per request (the load generator's is left out, unlike the
		// emulator's figure, which includes it: the comparison favours Prism).
		b.ReportMetric(float64((pidCPU(pid)-p0).Microseconds())/float64(b.N), "server-cpu-us/op")
	}
}

// pidCPU reads another process's CPU time from /proc (Linux only; 0 elsewhere).
func pidCPU(pid string) time.Duration {
	if pid == "" {
		return 0
	}
	raw, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0
	}
	// Fields after the command name (which is in parentheses and may hold spaces).
	i := strings.LastIndexByte(string(raw), ')')
	f := strings.Fields(string(raw)[i+1:])
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * (time.Second / 100) // USER_HZ is 100 on Linux
}

func throughput(b *testing.B, url string, body []byte, measureCPU bool) {
	throughputN(b, url, body, 32, measureCPU)
}

// throughputN sends body to url b.N times from workers concurrent clients.
func throughputN(b *testing.B, url string, body []byte, workers int, measureCPU bool) {
	c := benchClient()
	var next atomic.Int64
	lat := make([]time.Duration, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	start, cpu0 := time.Now(), processCPU()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				t0 := time.Now()
				sendOnce(b, c, url, body)
				lat[i] = time.Since(t0)
			}
		}()
	}
	wg.Wait()
	elapsed, cpu := time.Since(start), processCPU()-cpu0
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	if measureCPU {
		reportCPU(b, cpu)
	}
	reportPercentiles(b, lat)
}

// BenchmarkSendMessageAt1000rps paces validated messages:send at 1,000 requests per second
// (open loop: each request starts on its schedule, whatever the previous ones did) and
// reports latency percentiles.
func BenchmarkSendMessageAt1000rps(b *testing.B) {
	s, body := benchEnv(b)
	url := s.ConversationURL() + "/v1/projects/bench/messages:send"
	c := benchClient()
	n := max(b.N, 2000) // at least two seconds of traffic for a meaningful p99
	lat := make([]time.Duration, n)
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		at := start.Add(time.Duration(i) * time.Millisecond)
		time.Sleep(time.Until(at))
		wg.Add(1)
		go func() {
			defer wg.Done()
			t0 := time.Now()
			sendOnce(b, c, url, body)
			lat[i] = time.Since(t0)
		}()
	}
	wg.Wait()
	b.StopTimer()
	reportPercentiles(b, lat)
}

// BenchmarkSendMessageHandler measures the handler alone (validation, state, JSON) without
// the network.
func BenchmarkSendMessageHandler(b *testing.B) {
	s, body := benchEnv(b)
	h := s.ConversationHandler()
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU()
	defer func() { reportCPU(b, processCPU()-cpu0) }()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w := serveSend(h, body)
			if w.Code != 200 {
				b.Fatalf("status %d: %s", w.Code, w.Body)
			}
		}
	})
}

// serveSend serves one messages:send of body (to the benchEnv project) through h, without the
// network, and returns the recorded answer.
func serveSend(h http.Handler, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", "/v1/projects/bench/messages:send", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer t")
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

// reportCPU reports the process CPU time per request (client and server together in the
// loopback benchmarks), and the request rate the machine's cores could sustain at that cost.
// On a shared machine wall-clock rates understate the emulator; CPU per request does not.
func reportCPU(b *testing.B, cpu time.Duration) {
	if cpu <= 0 {
		return
	}
	per := float64(cpu.Microseconds()) / float64(b.N)
	b.ReportMetric(per, "cpu-us/op")
	b.ReportMetric(float64(runtime.NumCPU())*1e6/per, "cpu-bound-req/s")
}

// BenchmarkSendWithWebhooks measures validated messages:send (16 clients) with 0, 1 and 5
// webhooks subscribed to MESSAGE_SUBMIT and MESSAGE_DELIVERY, whose target answers at once,
// at the default callback rate: what subscribing costs the sends (run with -count to
// interleave the cases). callbacks/s is the rate at which the targets received them.
func BenchmarkSendWithWebhooks(b *testing.B) {
	for _, hooks := range []int{0, 1, 5} {
		b.Run(fmt.Sprintf("webhooks=%d", hooks), func(b *testing.B) {
			var got atomic.Int64
			target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				got.Add(1)
			}))
			b.Cleanup(target.Close)
			s, body := benchEnvWith(b, func(c *Config) { c.Callbacks.StepDelay = time.Millisecond })
			var app map[string]any
			_ = json.Unmarshal(body, &app)
			for i := 0; i < hooks; i++ {
				hook, _ := json.Marshal(map[string]any{"app_id": app["app_id"], "target": fmt.Sprintf("%s/hook%d", target.URL, i),
					"triggers": []string{"MESSAGE_SUBMIT", "MESSAGE_DELIVERY"}})
				req, _ := http.NewRequest("POST", s.ConversationURL()+"/v1/projects/bench/webhooks", bytes.NewReader(hook))
				req.Header.Set("Authorization", "Bearer t")
				req.Header.Set("Content-Type", "application/json")
				resp, err := http.DefaultClient.Do(req)
				if err != nil || resp.StatusCode != 200 {
					b.Fatalf("webhook: %v %v", err, resp)
				}
				resp.Body.Close()
			}
			start := time.Now()
			throughputN(b, s.ConversationURL()+"/v1/projects/bench/messages:send", body, 16, true)
			b.ReportMetric(float64(got.Load())/time.Since(start).Seconds(), "callbacks/s")
		})
	}
}

// BenchmarkCallbackDelivery measures how fast callbacks reach one target that takes 2ms to
// answer, with one callback in flight at a time and with the default four: each op is one
// callback, queued to the dispatcher and delivered.
func BenchmarkCallbackDelivery(b *testing.B) {
	for _, inFlight := range []int{1, 4} {
		b.Run(fmt.Sprintf("inflight=%d", inFlight), func(b *testing.B) {
			var got atomic.Int64
			done := make(chan struct{})
			target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				time.Sleep(2 * time.Millisecond)
				if got.Add(1) == int64(b.N) {
					close(done)
				}
			}))
			b.Cleanup(target.Close)
			s, _ := benchEnvWith(b, func(c *Config) {
				c.Callbacks.RatePerApp = 1e6
				c.Callbacks.InFlight = inFlight
				c.Callbacks.MaxQueued = b.N + 1
			})
			hook := []webhookRef{{id: "w", target: target.URL}}
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				body := fmt.Appendf(nil, `{"message_delivery_report":{"message_id":"m%d","status":"DELIVERED"}}`, i)
				s.cb.send("bench", "app", "MESSAGE_DELIVERY", hook, body)
			}
			<-done
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "callbacks/s")
		})
	}
}
