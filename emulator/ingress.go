package emulator

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The per-app ingress queue. The Conversation API reference
// (https://developers.sinch.com/docs/conversation/api-reference/conversation, "Rate limits")
// states that each app has an MT ingress queue of at most 500,000 messages, drained towards the
// channels at 20 messages per second by default, and that a full queue answers 429; the app's
// queue_stats (outbound_size, outbound_limit) show it. Messages are stored, and listed, as soon
// as they are accepted; only their delivery waits for the queue.

// DefaultIngressRate is the documented default drain rate of an app's ingress queue, in
// messages per second.
const DefaultIngressRate = 20

// DefaultIngressQueue is the documented size of an app's ingress queue, in messages.
const DefaultIngressQueue = 500_000

// IngressUnlimited, in Config.IngressRate, drains the ingress queues without any pacing (for
// load tests).
const IngressUnlimited = -1

// ingress holds the ingress queue of every app.
type ingress struct {
	s        *Server
	interval time.Duration // between two messages of one app; 0: no pacing
	limit    int

	mu   sync.Mutex
	apps map[appKey]*appQueue
}

// appKey names one app's queue.
type appKey struct{ projectID, appID string }

// appQueue is one app's queue: pending counts messages accepted and not yet handed to the
// channels (reserved under the project lock, then pushed).
type appQueue struct {
	pending int
	q       []*simulation
	head    int
	running bool
}

func newIngress(s *Server, rate float64, limit int) *ingress {
	g := &ingress{s: s, limit: limit, apps: map[appKey]*appQueue{}}
	if rate > 0 {
		g.interval = time.Duration(float64(time.Second) / rate)
	}
	return g
}

// reserve takes a place in the app's queue for a message about to be accepted; false when the
// queue is full.
func (g *ingress) reserve(projectID, appID string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	key := appKey{projectID, appID}
	q := g.apps[key]
	if q == nil {
		q = &appQueue{}
		g.apps[key] = q
	}
	if q.pending >= g.limit {
		return false
	}
	q.pending++
	return true
}

// push queues an accepted message's delivery; the app's drain worker starts it in its turn.
func (g *ingress) push(p *project, sim *simulation) {
	if g.interval == 0 {
		g.mu.Lock()
		if q := g.apps[appKey{p.id, sim.appID}]; q != nil && q.pending > 0 {
			q.pending--
		}
		g.mu.Unlock()
		g.s.simulate(p, sim)
		return
	}
	key := appKey{p.id, sim.appID}
	g.mu.Lock()
	q := g.apps[key]
	if q == nil { // reset between reserve and push
		q = &appQueue{pending: 1}
		g.apps[key] = q
	}
	q.q = append(q.q, sim)
	start := !q.running
	q.running = true
	g.mu.Unlock()
	if start {
		g.s.background(func() { g.drain(p, key, q) })
	}
}

// drain hands the app's queued messages to the channels, one per interval of emulator time,
// and stops when the queue is empty.
func (g *ingress) drain(p *project, key appKey, q *appQueue) {
	sl := sleeper{c: g.s.clock}
	defer sl.stop()
	for {
		g.mu.Lock()
		if q.head == len(q.q) {
			q.q, q.head, q.running = q.q[:0], 0, false
			if q.pending == 0 && g.apps[key] == q {
				delete(g.apps, key)
			}
			g.mu.Unlock()
			return
		}
		sim := q.q[q.head]
		q.q[q.head] = nil
		q.head++
		if q.head > 1024 && q.head*2 > len(q.q) {
			q.q = append(q.q[:0], q.q[q.head:]...)
			q.head = 0
		}
		if q.pending > 0 {
			q.pending--
		}
		g.mu.Unlock()
		g.s.simulate(p, sim)
		if !sl.sleep(g.s.ctx, g.interval) {
			return
		}
	}
}

// size is the number of the app's messages waiting in its queue.
func (g *ingress) size(projectID, appID string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	if q := g.apps[appKey{projectID, appID}]; q != nil {
		return q.pending
	}
	return 0
}

func (g *ingress) reset() {
	g.mu.Lock()
	for _, q := range g.apps {
		q.pending = 0
	}
	g.mu.Unlock()
}

// errQueueFull is the 429 of a full ingress queue.
func errQueueFull(limit int) error {
	return &apiError{Code: http.StatusTooManyRequests, Status: "RESOURCE_EXHAUSTED",
		Message: "the app's message queue is full (" + strconv.Itoa(limit) + " messages); retry when it has drained"}
}

// parseTTL reads a message ttl, seconds with an "s" suffix ("10s", "86400s", "1.5s"), as the
// API reference gives it; 3s to 315576000000s.
func parseTTL(v string) (time.Duration, error) {
	num, ok := strings.CutSuffix(v, "s")
	f, err := strconv.ParseFloat(num, 64)
	if !ok || err != nil || f < 3 || f > 315576000000 {
		return 0, errInvalid("ttl must be seconds with an s suffix, from 3s to 315576000000s (for example \"30s\"), got %s", quoteID(v))
	}
	return time.Duration(f * float64(time.Second)), nil
}
