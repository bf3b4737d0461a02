package emulator

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/relaykit/sinch-go/gen/conversation"
)

// pendingCallback is a callback decided while the project lock is held, sent after.
type pendingCallback struct {
	appID, trigger string
	hooks          []webhookRef
	body           []byte
}

// hooksFor lists the webhooks of an app subscribed to trigger. The caller holds p.mu.
func hooksFor(p *project, appID, trigger string) []webhookRef {
	subscribed := func(w *conversation.Webhook) bool {
		return w.AppID == appID && slices.Contains(w.Triggers, conversation.WebhookTrigger(trigger))
	}
	n := 0 // counted first, so that the list is allocated once, and not at all when empty
	for w := range p.webhooks.records() {
		if subscribed(w) {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	out := make([]webhookRef, 0, n)
	for w := range p.webhooks.records() {
		if subscribed(w) {
			out = append(out, webhookRef{id: w.ID, target: w.Target, secret: w.Secret})
		}
	}
	return out
}

// callbackBody builds the envelope every callback shares around its payload: the same bytes
// encoding/json gives for the envelope as a map (members in the order of their names), written
// directly, since it is built for every callback of a load test.
func (s *Server) callbackBody(projectID, appID, key string, payload any, metadata, correlationID string, accepted time.Time) []byte {
	raw, err := json.Marshal(payload)
	if err != nil {
		raw = []byte("null")
	}
	type member struct{ name, value string } // a value "" is left out
	members := [...]member{
		{"accepted_time", rfc3339(accepted)}, {"app_id", appID}, {"correlation_id", correlationID},
		{"event_time", rfc3339(s.now())}, {"message_metadata", metadata}, {"project_id", projectID},
	}
	b := make([]byte, 0, len(raw)+200+len(projectID)+len(appID)+len(metadata)+len(correlationID))
	w := jsonObject{b: append(b, '{')}
	payloadDone := false
	for _, m := range members {
		if !payloadDone && key < m.name {
			w.key(key)
			w.b, payloadDone = append(w.b, raw...), true
		}
		if m.name == key {
			continue // the payload's key replaces the member of that name, as in a map
		}
		if m.value != "" || m.name == "app_id" || m.name == "project_id" || m.name == "accepted_time" || m.name == "event_time" {
			w.field(m.name, m.value)
		}
	}
	if !payloadDone {
		w.key(key)
		w.b = append(w.b, raw...)
	}
	return append(w.b, '}')
}

// queue prepares a callback for every webhook of the app subscribed to trigger; serveCall
// sends them once the handler has released the project lock. The caller holds p.mu.
func (o *outbox) queue(appID, trigger, key string, payload any, metadata, correlationID string) {
	o.queueTo(hooksFor(o.proj, appID, trigger), appID, trigger, key, payload, metadata, correlationID)
}

// queueTo is queue for the webhooks already looked up (for callers that build the payload
// only when some webhook wants it).
func (o *outbox) queueTo(hooks []webhookRef, appID, trigger, key string, payload any, metadata, correlationID string) {
	if len(hooks) == 0 {
		return
	}
	body := o.s.callbackBody(o.projectID, appID, key, payload, metadata, correlationID, o.s.now())
	o.out = append(o.out, pendingCallback{appID: appID, trigger: trigger, hooks: hooks, body: body})
}

// outbox collects the callbacks and background work decided while a project lock is held;
// flush sends and starts them once the lock is released.
type outbox struct {
	s         *Server
	projectID string
	proj      *project
	out       []pendingCallback
	after     []func()
	// sims are the accepted messages to hand to the ingress queue (of proj): the first in
	// sim, the others (a batch's) in moreSims, so that a single send allocates nothing here.
	sim      *simulation
	moreSims []*simulation
}

// push queues the delivery of an accepted message of o.proj for after the lock.
func (o *outbox) push(sim *simulation) {
	if o.sim == nil {
		o.sim = sim
	} else {
		o.moreSims = append(o.moreSims, sim)
	}
}

// flush sends the queued callbacks, then starts the queued background work.
func (o *outbox) flush() {
	for _, p := range o.out {
		o.s.cb.send(o.projectID, p.appID, p.trigger, p.hooks, p.body)
	}
	o.out = nil
	for _, f := range o.after {
		f()
	}
	o.after = nil
	if o.sim != nil {
		o.s.ingress.push(o.proj, o.sim)
		for _, sim := range o.moreSims {
			o.s.ingress.push(o.proj, sim)
		}
		o.sim, o.moreSims = nil, nil
	}
}

// emit sends a callback from background work (the delivery simulation, scheduled batches).
func (s *Server) emit(p *project, appID, trigger, key string, payload any, metadata, correlationID string, accepted time.Time) {
	p.mu.Lock()
	hooks := hooksFor(p, appID, trigger)
	p.mu.Unlock()
	if len(hooks) == 0 {
		return
	}
	s.cb.send(p.id, appID, trigger, hooks, s.callbackBody(p.id, appID, key, payload, metadata, correlationID, accepted))
}
