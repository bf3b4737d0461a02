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
// above by rate×10 s + burst, always asserted. From below it is bounded only while someone can
// ask: budget that accrues while no replica can reach Redis (the replicas did not run, or
// redis-server did not) is lost once the bucket is full, and on a heavily loaded machine the
// bucket is rarely empty when that starts (the replicas drain it barely faster than it fills).
// That happens on a loaded 2-core machine: at a load average of 20, a client saw redis-server
// unanswering for stretches adding up to over a second in 10 s, and four replicas sent 743/s.
// So each replica pings Redis every millisecond on a connection of its own and records the gaps
// over 20 ms between answers (by the wall clock the processes share); the stretches in which all
// four had such a gap at once are taken out of the window for the lower bound, which is then
// 98% of 800/s over the time some replica could ask. A limiter that asks too little has no such
// gaps and fails. Each replica also reports how often none of its workers was waiting for the
// limiter (demand, not the limiter, setting the pace); the lower bound is asserted when that
// was under 2% of the samples.
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
	from, to := start.Add(warmup), start.Add(warmup+window)
	frozen := frozenTogether(reports, from, to)
	var unreached, excused time.Duration
	for _, f := range frozen {
		unreached += f.to.Sub(f.from)
		excused += f.lost()
	}
	t.Logf("%d requests in %v: %.1f/s; per replica %v; answers %v; no worker waiting for the limiter in %d of %d samples; "+
		"no replica reached Redis %d times (%v in all, %v of budget lost beyond the bucket)",
		inWindow, window, rate, reports, codes, unsaturated, samples, len(frozen), unreached.Round(time.Millisecond), excused.Round(time.Millisecond))
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
	running := window - excused // the budget some replica could ask for, in seconds of it
	switch saturated := float64(samples-unsaturated) / float64(max(samples, 1)); {
	case saturated >= 0.98 && float64(inWindow) < 800*0.98*running.Seconds():
		t.Errorf("together %d requests in %v (%.1f/s over the %v of budget some replica could ask for) while the replicas were kept waiting (%d of %d samples), want at least 784/s (800 - 2%%)",
			inWindow, window, float64(inWindow)/running.Seconds(), running, samples-unsaturated, samples)
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

// stallThreshold is the gap between two answers to a replica's probe that counts as a stall.
const stallThreshold = 20 * time.Millisecond

// The limiter's settings in TestFourReplicasShare800PerSecond: 800/s and the default burst.
const (
	testRate  = 800
	testBurst = testRate / 10
)

// bucketScript returns how far the GCRA key's theoretical arrival time (seconds since
// 2017-01-01, as github.com/go-redis/redis_rate stores it) is ahead of Redis's clock, in
// seconds: 0 or less means the bucket is full.
var bucketScript = redis.NewScript(`
local t = redis.call('TIME')
local now = (t[1] - 1483228800) + t[2] / 1000000
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
return tostring(tat - now)
`)

// stall is a stretch of wall-clock time in which no answer from Redis came to a replica's
// probe, with the slots the shared bucket held at its start.
type stall struct {
	from, to  time.Time
	available float64
}

// lost is the budget lost during the stall if no one took any: what would have accrued
// beyond the bucket's burst, as time at the rate.
func (s stall) lost() time.Duration {
	return max(0, s.to.Sub(s.from)-time.Duration((testBurst-s.available)/testRate*float64(time.Second)))
}

// frozenTogether returns the stretches of [from, to) in which every replica was stalled, each
// with the bucket's slots at its start (as the replica whose stall began last saw them).
func frozenTogether(reports []replicaReport, from, to time.Time) []stall {
	common := []stall{{from: from, to: to}}
	for _, r := range reports {
		var stalls []stall
		for _, st := range r.Stalls {
			stalls = append(stalls, stall{time.Unix(0, st.From), time.Unix(0, st.To), st.Available})
		}
		common = intersect(common, stalls)
	}
	return common
}

// intersect returns the overlaps of two sorted lists of disjoint stalls; each overlap starts
// with the slots of the stall that began later.
func intersect(a, b []stall) []stall {
	var out []stall
	for i, j := 0, 0; i < len(a) && j < len(b); {
		o := a[i]
		if b[j].from.After(o.from) {
			o.from, o.available = b[j].from, b[j].available
		}
		if b[j].to.Before(o.to) {
			o.to = b[j].to
		}
		if o.from.Before(o.to) {
			out = append(out, o)
		}
		if a[i].to.Before(b[j].to) {
			i++
		} else {
			j++
		}
	}
	return out
}

var reportLine = regexp.MustCompile(`(?m)^\s*REPORT (\{.*\})$`)

// replicaReport is what one replica process prints.
type replicaReport struct {
	InWindow    int         `json:"in_window"`
	Codes       map[int]int `json:"codes"`
	Errors      []string    `json:"errors,omitempty"`
	Unsaturated int         `json:"unsaturated"`
	Samples     int         `json:"samples"`
	// Stalls are the stretches overlapping the window in which the replica's probe got no
	// answer from Redis (the process or Redis did not run).
	Stalls []reportedStall `json:"stalls,omitempty"`
}

// reportedStall is a stall as a replica reports it: Unix nanoseconds, and the bucket's slots.
type reportedStall struct {
	From      int64   `json:"from"`
	To        int64   `json:"to"`
	Available float64 `json:"available"`
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
	// A Redis call is given 5 s: this test measures pacing, and on a heavily loaded machine
	// redis-server has gone over a second without running (TestClientCallFailsWhenRedisIsDown
	// tests the failure).
	lim := newLimiter(t, rdb, project, redislimit.WithRate(testRate), redislimit.WithTimeout(5*time.Second))
	s := newSenderTo(t, os.Getenv("SINCH_TEST_CONVERSATION_URL"), countingLimiter{lim, &waiting})
	time.Sleep(time.Until(start))
	ctx, cancel := context.WithDeadline(t.Context(), start.Add(warmup+window+500*time.Millisecond))
	defer cancel()
	errs := make(chan error, 1)
	done := make(chan struct{})
	go func() { s.run(ctx, os.Getenv("SINCH_TEST_APP_ID"), 64, errs); close(done) }()
	var rep replicaReport
	from, to := start.Add(warmup), start.Add(warmup+window)
	// Stalls: a probe on a connection of its own reads the shared bucket every millisecond and
	// notes the gaps over stallThreshold between two answers, when this replica could not have
	// asked Redis for anything (it did not run, or Redis did not), with the slots the bucket
	// held at the last answer before the gap.
	var stalls []reportedStall
	probe := make(chan struct{})
	go func() {
		defer close(probe)
		conn := rdb.Conn()
		defer conn.Close()
		last, available := time.Now(), 0.0
		for ctx.Err() == nil {
			ahead, err := bucketScript.Run(context.Background(), conn, []string{lim.Key()}).Float64()
			time.Sleep(time.Millisecond)
			if err != nil {
				continue // the gap goes on
			}
			now := time.Now()
			if now.Sub(last) > stallThreshold+time.Millisecond && now.After(from) && last.Before(to) {
				stalls = append(stalls, reportedStall{last.UnixNano(), now.UnixNano(), available})
			}
			last, available = now, testBurst-max(0, ahead)*testRate
		}
	}()
	// Saturation: sampled every 50 ms in the window, whether any worker was waiting for the
	// limiter. None means demand, not the limiter, set the pace at that moment.
	for tick := time.NewTicker(50 * time.Millisecond); ctx.Err() == nil; <-tick.C {
		if now := time.Now(); now.After(from) && now.Before(to) {
			rep.Samples++
			if waiting.Load() == 0 {
				rep.Unsaturated++
			}
		}
	}
	<-done
	<-probe
	rep.Stalls = stalls
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
