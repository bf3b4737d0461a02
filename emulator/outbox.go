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
	var out []webhookRef
	for w := range p.webhooks.records() {
		if w.AppID == appID && slices.Contains(w.Triggers, conversation.WebhookTrigger(trigger)) {
			out = append(out, webhookRef{id: w.ID, target: w.Target, secret: w.Secret})
		}
	}
	return out
}

// callbackBody builds the envelope every callback shares around its payload.
func (s *Server) callbackBody(projectID, appID, key string, payload any, metadata, correlationID string, accepted time.Time) []byte {
	env := map[string]any{
		"app_id":        appID,
		"project_id":    projectID,
		"accepted_time": rfc3339(accepted),
		"event_time":    rfc3339(s.now()),
		key:             payload,
	}
	if metadata != "" {
		env["message_metadata"] = metadata
	}
	if correlationID != "" {
		env["correlation_id"] = correlationID
	}
	b, _ := json.Marshal(env)
	return b
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
