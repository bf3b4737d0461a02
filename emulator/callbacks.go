package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/relaykit/sinch-go/hmac"
	"golang.org/x/time/rate"
)

// CallbackAttempt is one try at delivering a callback.
type CallbackAttempt struct {
	// At is when the attempt started (emulator clock).
	At time.Time `json:"at"`
	// StatusCode is the HTTP status the target answered, 0 when there was no answer.
	StatusCode int `json:"status_code,omitempty"`
	// Error says why the attempt failed: a transport error or a non-2xx status.
	Error string `json:"error,omitempty"`
	// Duration is how long the attempt took.
	Duration time.Duration `json:"duration_ns"`
	// Headers are the signature headers the attempt carried (none when the webhook has no
	// secret), as the target received them.
	Headers map[string]string `json:"headers,omitempty"`
}

// Callback states.
const (
	CallbackPending   = "PENDING"
	CallbackDelivered = "DELIVERED"
	CallbackFailed    = "FAILED"
)

// CallbackRecord is one callback the emulator sent (or is sending) to one webhook.
type CallbackRecord struct {
	// ID identifies the record (not the callback's payload).
	ID string `json:"id"`
	// ProjectID, AppID and WebhookID say whose callback it is; Target is where it goes.
	ProjectID string `json:"project_id"`
	AppID     string `json:"app_id"`
	WebhookID string `json:"webhook_id"`
	Target    string `json:"target"`
	// Trigger is the webhook trigger, for example MESSAGE_DELIVERY.
	Trigger string `json:"trigger"`
	// Body is the exact JSON posted (and signed).
	Body json.RawMessage `json:"body"`
	// State is CallbackPending, CallbackDelivered or CallbackFailed.
	State string `json:"state"`
	// Attempts lists the delivery attempts so far, oldest first.
	Attempts []CallbackAttempt `json:"attempts"`
	// CreatedAt is when the callback was queued (emulator clock).
	CreatedAt time.Time `json:"created_at"`
	// secret signs the callback (kept for a resend; never shown).
	secret string
}

// maxRecords and maxRecordBytes bound the callback history kept in memory: the number of
// records, and the bytes of their bodies (a request body may be megabytes, and each of its
// callbacks keeps a copy).
const (
	maxRecords     = 20000
	maxRecordBytes = 64 << 20
)

// trimRecords forgets the oldest records past maxRecords or maxRecordBytes. Past the count it
// drops a quarter at once, so that the copy is not paid on every callback. The most recent
// record is always kept. The caller holds d.mu.
func (d *dispatcher) trimRecords() {
	drop := 0
	if len(d.records) > maxRecords+maxRecords/4 {
		drop = len(d.records) - maxRecords
	}
	bytes := d.recordBytes
	for i := 0; i < drop; i++ {
		bytes -= len(d.records[i].Body)
	}
	for bytes > maxRecordBytes && drop < len(d.records)-1 {
		bytes -= len(d.records[drop].Body)
		drop++
	}
	if drop == 0 {
		return
	}
	clear(d.records[:drop]) // let the dropped records be collected
	d.records = append(d.records[:0], d.records[drop:]...)
	d.recordBytes = bytes
}

// webhookRef is what the dispatcher needs of a webhook.
type webhookRef struct {
	id, target, secret string
}

// outbound is a callback waiting to be sent.
type outbound struct {
	rec    *CallbackRecord
	secret string
	// lane orders callbacks within a target's queue: callbacks of one lane are sent one after
	// the other, those of different lanes side by side. A message's callbacks share the
	// message's lane; all other callbacks share the lane "".
	lane string
}

// dispatcher sends callbacks: one queue per target, bounded (CallbackConfig.MaxQueued),
// drained by up to CallbackConfig.InFlight workers that keep each message's callbacks in
// order; a token bucket per app; retries with exponential backoff.
type dispatcher struct {
	s       *Server
	mu      sync.Mutex
	queues  map[queueKey]*cbQueue    // removed once drained
	limits  map[string]*rate.Limiter // by project and app; idle ones are pruned
	records []*CallbackRecord
	// recordBytes is the total size of the records' bodies.
	recordBytes int
	wg          sync.WaitGroup
	stopped     bool
	// fullN and fullText cache fullError's last text.
	fullN    int
	fullText string
}

// cbQueue is one target's queue. Its fields are guarded by dispatcher.mu.
type cbQueue struct {
	key   queueKey
	items []outbound
	// refusing is set while the queue is full and refusing callbacks: only the first refusal
	// of such a spell is logged (each refused callback's record says so), so that a load test
	// overflowing a slow target does not also flood the log.
	refusing bool
	busy     map[string]bool // lanes with a callback on its way
	workers  int
	lim      *rate.Limiter
	wake     *sync.Cond // signalled when a lane frees up or an item arrives
}

// maxLaneScan bounds how far a worker looks past the head of a queue for a callback whose
// lane is free.
const maxLaneScan = 256

// laneOf returns the ordering lane of a callback body: its message_id, when it is about one
// message. Bodies are written by encoding/json, so the name appears exactly like this, and
// never inside a string value (where its quotes would be escaped).
func laneOf(body []byte) string {
	const name = `"message_id":"`
	i := bytes.Index(body, []byte(name))
	if i < 0 {
		return ""
	}
	rest := body[i+len(name):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return ""
	}
	return string(rest[:j])
}

// maxIdleLimiters is how many per-app limiters the dispatcher keeps before it forgets the
// idle ones (a full bucket behaves exactly like a new one, so forgetting it changes nothing).
const maxIdleLimiters = 1024

// queueKey names the queue of one target: the project, the webhook (or "callback_url" for a
// message's own callback URL) and the target, so that a per-message callback_url shares its
// queue with no other project's or target's callbacks.
type queueKey struct{ projectID, webhookID, target string }

// limiter returns the token bucket of one app. The caller holds d.mu.
func (d *dispatcher) limiter(projectID, appID string) *rate.Limiter {
	key := projectID + "\x00" + appID
	if lim, ok := d.limits[key]; ok {
		return lim
	}
	if len(d.limits) >= maxIdleLimiters {
		now := time.Now()
		for k, lim := range d.limits {
			if lim.TokensAt(now) >= float64(lim.Burst()) {
				delete(d.limits, k)
			}
		}
	}
	per := d.s.cfg.Callbacks.RatePerApp
	lim := rate.NewLimiter(rate.Limit(per), max(1, int(per)))
	d.limits[key] = lim
	return lim
}

func newDispatcher(s *Server) *dispatcher {
	return &dispatcher{s: s, queues: map[queueKey]*cbQueue{}, limits: map[string]*rate.Limiter{}}
}

// send queues one callback body for each webhook; it returns the id of the last record.
func (d *dispatcher) send(projectID, appID, trigger string, hooks []webhookRef, body []byte) (id string) {
	if len(hooks) == 0 {
		return ""
	}
	now := d.s.now()
	lane := laneOf(body)
	cfg := d.s.cfg.Callbacks
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stopped {
		return ""
	}
	defer d.s.changed()
	for _, h := range hooks {
		rec := &CallbackRecord{
			ID: d.s.newID(), ProjectID: projectID, AppID: appID, WebhookID: h.id, Target: h.target,
			Trigger: trigger, Body: body, State: CallbackPending, CreatedAt: now, secret: h.secret,
		}
		id = rec.ID
		d.records = append(d.records, rec)
		d.recordBytes += len(body)
		d.trimRecords()
		key := queueKey{projectID, h.id, h.target}
		q, ok := d.queues[key]
		if !ok {
			q = &cbQueue{key: key, busy: map[string]bool{}, lim: d.limiter(projectID, appID)}
			q.wake = sync.NewCond(&d.mu)
			d.queues[key] = q
		}
		if len(q.items) >= cfg.MaxQueued {
			rec.State = CallbackFailed
			rec.Attempts = append(rec.Attempts, CallbackAttempt{At: now, Error: d.fullError(len(q.items))})
			if !q.refusing {
				q.refusing = true
				d.s.log.Warn("callbacks dropped: the target's queue is full; the callback history marks each one FAILED", "webhook", h.id, "trigger", trigger, "queued", len(q.items))
			}
			continue
		}
		q.refusing = false
		q.items = append(q.items, outbound{rec: rec, secret: h.secret, lane: lane})
		if q.workers < cfg.InFlight {
			q.workers++
			d.wg.Add(1)
			go d.work(q)
		} else {
			q.wake.Signal()
		}
	}
	return id
}

// fullError is the error recorded for a callback refused by a full queue of n callbacks; the
// text of the last n is kept, since n is nearly always CallbackConfig.MaxQueued. The caller
// holds d.mu.
func (d *dispatcher) fullError(n int) string {
	if d.fullN != n || d.fullText == "" {
		d.fullN, d.fullText = n, fmt.Sprintf("not sent: %d callbacks were already waiting for this target (CallbackConfig.MaxQueued)", n)
	}
	return d.fullText
}

// next takes the next callback of q that may go now, waiting while none may; ok is false
// when the queue is drained (or the emulator stops), and the worker should exit. A message's
// callback may go when no earlier callback of the same message is on its way, passing the
// waiting callbacks of other messages. Every other callback (a contact or conversation
// notification, an inbound message, ...) is a barrier: it goes once everything queued before
// it is done, and nothing queued after it passes it. So a conversation's start still arrives
// before its first message's submit notification. The caller holds d.mu.
func (d *dispatcher) next(q *cbQueue) (item outbound, ok bool) {
	for {
		if len(q.items) == 0 || d.s.ctx.Err() != nil {
			return outbound{}, false
		}
		if !q.busy[""] {
			for i := 0; i < len(q.items) && i < maxLaneScan; i++ {
				it := q.items[i]
				if it.lane == "" && (i > 0 || len(q.busy) > 0) {
					break // a barrier: wait for what is before it
				}
				if it.lane != "" && q.busy[it.lane] {
					continue
				}
				if i == 0 {
					q.items[0] = outbound{}
					q.items = q.items[1:]
				} else {
					q.items = append(q.items[:i], q.items[i+1:]...)
				}
				q.busy[it.lane] = true
				return it, true
			}
		}
		q.wake.Wait()
	}
}

// work sends q's callbacks, one at a time, until the queue is drained; the last worker
// out removes the queue.
func (d *dispatcher) work(q *cbQueue) {
	defer d.wg.Done()
	ctx := d.s.ctx
	d.mu.Lock()
	for {
		item, ok := d.next(q)
		if !ok {
			break
		}
		d.mu.Unlock()
		d.deliver(ctx, item, q.lim)
		d.mu.Lock()
		delete(q.busy, item.lane)
		q.wake.Broadcast()
	}
	q.workers--
	if q.workers == 0 {
		if ctx.Err() != nil {
			q.items = nil
		}
		if len(q.items) == 0 && d.queues[q.key] == q {
			delete(d.queues, q.key)
		}
	}
	q.wake.Broadcast() // the others re-check: the queue may be drained
	d.mu.Unlock()
}

// deliver tries one callback until it succeeds, MaxAttempts is reached, or the emulator stops.
func (d *dispatcher) deliver(ctx context.Context, item outbound, lim *rate.Limiter) {
	cfg := d.s.cfg.Callbacks
	backoff := cfg.InitialBackoff
	for attempt := 1; ; attempt++ {
		if err := lim.Wait(ctx); err != nil {
			return
		}
		a := d.attempt(ctx, item)
		d.mu.Lock()
		item.rec.Attempts = append(item.rec.Attempts, a)
		done := a.Error == ""
		if done {
			item.rec.State = CallbackDelivered
		} else if attempt >= cfg.MaxAttempts {
			item.rec.State = CallbackFailed
			done = true
		}
		d.mu.Unlock()
		d.s.changed()
		d.s.log.Debug("callback attempt", "trigger", item.rec.Trigger, "webhook", item.rec.WebhookID, "attempt", attempt, "status", a.StatusCode, "err", a.Error)
		if done {
			return
		}
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		backoff = min(backoff*2, cfg.MaxBackoff)
	}
}

func (d *dispatcher) attempt(ctx context.Context, item outbound) CallbackAttempt {
	cfg := d.s.cfg.Callbacks
	a := CallbackAttempt{At: d.s.now()}
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, item.rec.Target, bytes.NewReader(item.rec.Body))
	if err != nil {
		a.Error = "bad target URL"
		return a
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "sinch-go-emulator")
	if item.secret != "" {
		// Signed as Sinch signs: only webhooks with a secret get the signature headers.
		hmac.SignRequest(req, item.secret, item.rec.Body, d.s.now())
		a.Headers = make(map[string]string, len(req.Header))
		for k, v := range req.Header {
			if strings.HasPrefix(strings.ToLower(k), "x-sinch-") && len(v) > 0 {
				a.Headers[k] = v[0]
			}
		}
	}
	resp, err := cfg.HTTPClient.Do(req)
	a.Duration = time.Since(start)
	if err != nil {
		if ctx.Err() != nil {
			a.Error = "timed out"
		} else {
			a.Error = "transport error: " + trimURLError(err)
		}
		return a
	}
	defer resp.Body.Close()
	a.StatusCode = resp.StatusCode
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		a.Error = fmt.Sprintf("target answered %d", resp.StatusCode)
	}
	return a
}

// trimURLError keeps the cause of a *url.Error without repeating the URL (it may hold a
// token in its query).
func trimURLError(err error) string {
	type unwrapper interface{ Unwrap() error }
	if u, ok := err.(unwrapper); ok && u.Unwrap() != nil {
		return u.Unwrap().Error()
	}
	return err.Error()
}

func (d *dispatcher) stop() {
	d.mu.Lock()
	d.stopped = true
	d.mu.Unlock()
	d.wg.Wait()
}

func (d *dispatcher) reset() {
	d.mu.Lock()
	d.records = nil
	d.recordBytes = 0
	d.mu.Unlock()
}

// snapshot copies the records that match the filter (empty fields match everything).
func (d *dispatcher) snapshot(f CallbackFilter) []CallbackRecord {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []CallbackRecord
	for _, r := range d.records {
		if (f.ProjectID != "" && r.ProjectID != f.ProjectID) || (f.AppID != "" && r.AppID != f.AppID) ||
			(f.Trigger != "" && r.Trigger != f.Trigger) || (f.WebhookID != "" && r.WebhookID != f.WebhookID) {
			continue
		}
		c := *r
		c.Attempts = append([]CallbackAttempt(nil), r.Attempts...)
		out = append(out, c)
	}
	return out
}

// CallbackFilter selects callback records; empty fields match everything.
type CallbackFilter struct {
	// ProjectID, AppID, WebhookID and Trigger keep only the records that match them.
	ProjectID string
	AppID     string
	WebhookID string
	Trigger   string
}

// Callbacks returns the callbacks sent so far, oldest first, with their delivery attempts.
// The history keeps the most recent callbacks: at least 20,000 of them unless their bodies
// add up to more than 64 MiB.
func (s *Server) Callbacks(f CallbackFilter) []CallbackRecord { return s.cb.snapshot(f) }
