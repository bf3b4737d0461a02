package redislimit_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/relaykit/sinch-go/emulator"
	"github.com/relaykit/sinch-go/gen/conversation"
	"github.com/relaykit/sinch-go/internal/redistest"
	"github.com/relaykit/sinch-go/wrappers/redislimit"
	"github.com/relaykit/sinch-go/wrappers/sinch"
)

const project = "scale-project"

// sender is one replica: a client with its own HTTP connection pool and its own Redis client
// and limiter, as a separate process would have, recording when each request leaves and what
// the emulator answered.
type sender struct {
	c     *sinch.Client
	mu    sync.Mutex
	sent  []time.Time
	codes map[int]int
}

func newSender(t *testing.T, emu *emulator.Server, lim sinch.Limiter) *sender {
	t.Helper()
	return newSenderTo(t, emu.ConversationURL(), lim)
}

func newSenderTo(t *testing.T, conversationURL string, lim sinch.Limiter) *sender {
	t.Helper()
	s := &sender{codes: map[int]int{}}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	t.Cleanup(tr.CloseIdleConnections)
	c, err := sinch.NewClient(
		sinch.WithProjectID(project), sinch.WithBearerToken("any-token"),
		sinch.WithConversationURL(conversationURL), sinch.WithTemplateURL(conversationURL), sinch.WithBatchURL(conversationURL),
		sinch.WithHTTPClient(&http.Client{Transport: tr}),
		sinch.WithMaxRetries(0), // a 429 must show, not be retried away
		sinch.WithLimiter(lim),
		sinch.WithMiddleware(func(req *http.Request, next sinch.MiddlewareNext) (*http.Response, error) {
			at := time.Now()
			resp, err := next(req)
			s.mu.Lock()
			s.sent = append(s.sent, at)
			if resp != nil {
				s.codes[resp.StatusCode]++
			}
			s.mu.Unlock()
			return resp, err
		}),
	)
	if err != nil {
		t.Fatal(err)
	}
	s.c = c
	return s
}

func createApp(t *testing.T, c *sinch.Client) string {
	t.Helper()
	app, err := c.Conversation.Apps.Create(t.Context(), conversation.CreateAppRequest{DisplayName: "scale", ChannelCredentials: []conversation.ChannelCredentials{}})
	if err != nil {
		t.Fatal(err)
	}
	return app.ID
}

// run sends messages from workers goroutines until ctx ends and reports the calls' errors
// other than the end of ctx.
func (s *sender) run(ctx context.Context, appID string, workers int, errs chan<- error) {
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				_, err := s.c.Conversation.Messages.Send(ctx, sinch.SendMessageRequest{
					AppID: appID, Recipient: sinch.To(sinch.SMS("+15550123456")), Message: sinch.Text("pacing"),
				})
				// Near the end a wait whose slot falls after the deadline fails at once.
				if err != nil && ctx.Err() == nil && !errors.Is(err, context.DeadlineExceeded) {
					select {
					case errs <- err:
					default:
					}
					return
				}
			}
		})
	}
	wg.Wait()
}

// Four replica processes, each with its own HTTP pool, Redis client and limiter, send as fast
// as they can through one Redis budget of 800/s to an emulator enforcing the API's 800/s:
// together they send 800/s within 2% over 10 s, and the emulator answers no 429.
//
// The replicas are separate processes (this test binary run again, see
// TestReplicaSenderProcess), as in production: on a loaded machine a process can stall for
// longer than the burst lasts (100 ms), and four replicas in one process would stall together.
// The count is of requests leaving the replicas in a 10 s window that starts after a second of
// warm-up (so the initial burst is spent and every replica is saturated). GCRA bounds it from
// above by rate×10 s + 1 while the budget is saturated; from below only if the replicas keep
// asking, which each replica's 64 workers do (unpaced, four replicas sent 1,460 sends/s at a
// load average of 28); each replica reports how often none of its workers was waiting, and the
// lower bound is asserted when that was under 2% of the samples.
func TestFourReplicasShare800PerSecond(t *testing.T) {
	if testing.Short() {
		t.Skip("a 12-second measurement")
	}
	rs := redistest.Start(t)
	// Request validation is off: on a loaded 2-core machine it costs more CPU than 800 sends a
	// second leave (the emulator then serves fewer than 800/s, which is not what this measures).
	emu, err := emulator.Start(t.Context(), emulator.Config{RateLimit: emulator.DefaultRateLimit, MaxStored: 1000, DisableValidation: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emu.Close() })
	appID := createApp(t, newSender(t, emu, nil).c)

	const warmup, window = time.Second, 10 * time.Second
	start := time.Now().Add(2 * time.Second) // the processes start meanwhile
	env := []string{
		envChild + "=1", "SINCH_TEST_REDIS_ADDR=" + rs.Addr(), "SINCH_TEST_CONVERSATION_URL=" + emu.ConversationURL(),
		"SINCH_TEST_APP_ID=" + appID, "SINCH_TEST_START=" + strconv.FormatInt(start.UnixNano(), 10),
		"SINCH_TEST_WARMUP=" + warmup.String(), "SINCH_TEST_WINDOW=" + window.String(),
	}
	reports := make([]replicaReport, 4)
	var wg sync.WaitGroup
	for i := range reports {
		wg.Go(func() {
			cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestReplicaSenderProcess$", "-test.v")
			cmd.Env = append(os.Environ(), env...)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Errorf("replica %d: %v\n%s", i, err, out)
				return
			}
			line := reportLine.FindSubmatch(out)
			if line == nil {
				t.Errorf("replica %d: no report in\n%s", i, out)
				return
			}
			if err := json.Unmarshal(line[1], &reports[i]); err != nil {
				t.Errorf("replica %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	var inWindow, unsaturated, samples int
	codes := map[int]int{}
	for i, r := range reports {
		inWindow += r.InWindow
		unsaturated += r.Unsaturated
		samples += r.Samples
		for code, n := range r.Codes {
			codes[code] += n
		}
		for _, e := range r.Errors {
			t.Errorf("replica %d: a call failed: %s", i, e)
		}
	}
	rate := float64(inWindow) / window.Seconds()
	t.Logf("%d requests in %v: %.1f/s; per replica %v; answers %v; no worker waiting for the limiter in %d of %d samples",
		inWindow, window, rate, reports, codes, unsaturated, samples)
	if codes[http.StatusTooManyRequests] > 0 {
		t.Errorf("the emulator answered 429 %d times", codes[http.StatusTooManyRequests])
	}
	// The upper bound is the limiter's guarantee and always holds. The lower bound holds when
	// the replicas kept asking: a sample with no worker waiting means every worker was busy
	// sending, so the machine (not the limiter, which makes workers wait, never the opposite)
	// set the pace then. When that happens in more than 2% of the samples, the lower bound says
	// nothing about the limiter and is not asserted.
	if rate > 800*1.02 {
		t.Errorf("together %.1f requests/s, want at most 816 (800 + 2%%)", rate)
	}
	switch saturated := float64(samples-unsaturated) / float64(max(samples, 1)); {
	case saturated >= 0.98 && rate < 800*0.98:
		t.Errorf("together %.1f requests/s while the replicas were kept waiting (%d of %d samples), want at least 784 (800 - 2%%)",
			rate, samples-unsaturated, samples)
	case saturated < 0.98:
		t.Logf("lower bound not assessed: the machine kept the replicas busy in only %.1f%% of the samples", 100*saturated)
	}
	for i, r := range reports {
		if r.InWindow == 0 {
			t.Errorf("replica %d sent nothing", i)
		}
	}
}

const envChild = "SINCH_TEST_REPLICA_SENDER"

var reportLine = regexp.MustCompile(`(?m)^\s*REPORT (\{.*\})$`)

// replicaReport is what one replica process prints.
type replicaReport struct {
	InWindow    int         `json:"in_window"`
	Codes       map[int]int `json:"codes"`
	Errors      []string    `json:"errors,omitempty"`
	Unsaturated int         `json:"unsaturated"`
	Samples     int         `json:"samples"`
}

// String shows a report as its count in the window.
func (r replicaReport) String() string { return strconv.Itoa(r.InWindow) }

// TestReplicaSenderProcess is one replica of TestFourReplicasShare800PerSecond, run in its
// own process; run directly it returns at once.
func TestReplicaSenderProcess(t *testing.T) {
	if os.Getenv(envChild) != "1" {
		return
	}
	startNanos, _ := strconv.ParseInt(os.Getenv("SINCH_TEST_START"), 10, 64)
	warmup, _ := time.ParseDuration(os.Getenv("SINCH_TEST_WARMUP"))
	window, _ := time.ParseDuration(os.Getenv("SINCH_TEST_WINDOW"))
	start := time.Unix(0, startNanos)
	rdb := redis.NewClient(redistest.Options(os.Getenv("SINCH_TEST_REDIS_ADDR")))
	defer rdb.Close()
	var waiting atomic.Int64
	lim := newLimiter(t, rdb, project, redislimit.WithRate(800), redislimit.WithTimeout(time.Second))
	s := newSenderTo(t, os.Getenv("SINCH_TEST_CONVERSATION_URL"), countingLimiter{lim, &waiting})
	time.Sleep(time.Until(start))
	ctx, cancel := context.WithDeadline(t.Context(), start.Add(warmup+window+500*time.Millisecond))
	defer cancel()
	errs := make(chan error, 1)
	done := make(chan struct{})
	go func() { s.run(ctx, os.Getenv("SINCH_TEST_APP_ID"), 64, errs); close(done) }()
	var rep replicaReport
	// Saturation: sampled every 50 ms in the window, whether any worker was waiting for the
	// limiter. None means demand, not the limiter, set the pace at that moment.
	from, to := start.Add(warmup), start.Add(warmup+window)
	for tick := time.NewTicker(50 * time.Millisecond); ctx.Err() == nil; <-tick.C {
		if now := time.Now(); now.After(from) && now.Before(to) {
			rep.Samples++
			if waiting.Load() == 0 {
				rep.Unsaturated++
			}
		}
	}
	<-done
	close(errs)
	for err := range errs {
		rep.Errors = append(rep.Errors, err.Error())
	}
	s.mu.Lock()
	for _, at := range s.sent {
		if !at.Before(from) && at.Before(to) {
			rep.InWindow++
		}
	}
	rep.Codes = s.codes
	s.mu.Unlock()
	b, _ := json.Marshal(rep)
	fmt.Printf("\nREPORT %s\n", b)
}

// Through the client: a limiter that fails (Redis down, no fallback) fails the call with an
// error wrapping ErrUnavailable, and nothing is sent.
func TestClientCallFailsWhenRedisIsDown(t *testing.T) {
	rs := redistest.Start(t)
	emu, err := emulator.Start(t.Context(), emulator.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emu.Close() })
	lim := newLimiter(t, rs.Client(t), project)
	s := newSender(t, emu, lim)
	appID := createApp(t, s.c)
	rs.Stop()
	var sentBefore atomic.Int64
	s.mu.Lock()
	sentBefore.Store(int64(len(s.sent)))
	s.mu.Unlock()
	_, err = s.c.Conversation.Messages.Send(t.Context(), sinch.SendMessageRequest{
		AppID: appID, Recipient: sinch.To(sinch.SMS("+15550123456")), Message: sinch.Text("not sent"),
	})
	if !errors.Is(err, redislimit.ErrUnavailable) {
		t.Fatalf("SendMessage with Redis down: %v; want ErrUnavailable", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if int64(len(s.sent)) != sentBefore.Load() {
		t.Fatal("a request was sent without the limiter's permission")
	}
}

// countingLimiter counts the callers inside Wait.
type countingLimiter struct {
	l       sinch.Limiter
	waiting *atomic.Int64
}

func (c countingLimiter) Wait(ctx context.Context) error {
	c.waiting.Add(1)
	defer c.waiting.Add(-1)
	return c.l.Wait(ctx)
}
