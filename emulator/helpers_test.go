package emulator

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/relaykit/sinch-go/specs"
)

const testProject = "p-test"

// env is one emulator under test with an authenticated client.
type env struct {
	t   *testing.T
	srv *Server
}

// newEnv starts an emulator with the rate limit off and fast callbacks; every validated
// answer is checked against the spec.
func newEnv(t *testing.T, mod ...func(*Config)) *env {
	t.Helper()
	cfg := Config{
		RateLimit: RateLimitOff,
		Callbacks: CallbackConfig{StepDelay: 2 * time.Millisecond, InitialBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond, Timeout: time.Second},
	}
	for _, m := range mod {
		m(&cfg)
	}
	s, err := newServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.checkResponse = func(route *routers.Route, r *http.Request, params map[string]string, status int, h http.Header, body []byte) {
		in := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route, Options: validationOptions},
			Status:                 status,
			Header:                 h,
			Options:                &openapi3filter.Options{IncludeResponseStatus: true},
		}
		in.SetBodyBytes(body)
		if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
			t.Errorf("%s %s answered %d, which does not match the spec: %v\nbody: %s", r.Method, route.Path, status, err, body)
		}
	}
	if err := s.listen(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Close()
		checkCallbackBodies(t, s.Callbacks(CallbackFilter{}))
	})
	return &env{t: t, srv: s}
}

// do sends a request with a Bearer token and decodes the JSON answer.
func (e *env) do(method, url string, body any) (int, map[string]any) {
	e.t.Helper()
	status, raw := e.doRaw(method, url, body, "Bearer test-token")
	var out map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			var list []any
			if json.Unmarshal(raw, &list) == nil {
				return status, map[string]any{"list": list}
			}
			e.t.Fatalf("%s %s: answer is not JSON: %s", method, url, raw)
		}
	}
	return status, out
}

func (e *env) doRaw(method, url string, body any, auth string) (int, []byte) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		switch b := body.(type) {
		case string:
			rd = strings.NewReader(b)
		default:
			j, _ := json.Marshal(b)
			rd = bytes.NewReader(j)
		}
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if len(raw) > 0 && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		e.t.Errorf("%s %s: non-empty answer with Content-Type %q", method, url, resp.Header.Get("Content-Type"))
	}
	return resp.StatusCode, raw
}

// conv returns the Conversation API URL of a path under the test project.
func (e *env) conv(path string) string {
	return e.srv.ConversationURL() + "/v1/projects/" + testProject + path
}

func (e *env) tmpl(path string) string {
	return e.srv.TemplateURL() + "/v2/projects/" + testProject + path
}

func (e *env) batch(path string) string {
	return e.srv.BatchURL() + "/v1/projects/" + testProject + path
}

// must asserts the status and returns the body.
func (e *env) must(want int, method, url string, body any) map[string]any {
	e.t.Helper()
	status, out := e.do(method, url, body)
	if status != want {
		e.t.Fatalf("%s %s: status %d, want %d; body %v", method, url, status, want, out)
	}
	return out
}

func (e *env) createApp(mode string) string {
	e.t.Helper()
	a := e.must(200, "POST", e.conv("/apps"), appBody("Test app", mode))
	return a["id"].(string)
}

// receiver is a webhook target that records the callbacks it gets and checks their
// signatures.
type receiver struct {
	t      *testing.T
	secret string
	mu     sync.Mutex
	got    []map[string]any
	fail   int // answer 500 to this many requests first
	url    string
	notify chan struct{}
}

// openWindow makes the contact write to the app on the channel (an inbound text), which
// opens the WhatsApp customer-service window for free-form messages.
func (e *env) openWindow(appID, channel, identity string) {
	e.t.Helper()
	e.must(200, "POST", e.srv.ControlURL()+"/projects/"+testProject+"/inbound/messages", map[string]any{
		"app_id": appID, "channel": channel, "identity": identity, "contact_message": map[string]any{"text_message": map[string]any{"text": "hello"}},
	})
}

func (e *env) receiver(secret string) *receiver {
	rc := &receiver{t: e.t, secret: secret, notify: make(chan struct{}, 1000)}
	srv := newHTTPServer(e.t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		if rc.fail > 0 {
			rc.fail--
			rc.mu.Unlock()
			w.WriteHeader(500)
			return
		}
		rc.mu.Unlock()
		if rc.secret != "" {
			m := hmac.New(sha256.New, []byte(rc.secret))
			m.Write(body)
			m.Write([]byte("." + r.Header.Get("X-Sinch-Webhook-Signature-Nonce") + "." + r.Header.Get("X-Sinch-Webhook-Signature-Timestamp")))
			want := base64.StdEncoding.EncodeToString(m.Sum(nil))
			if r.Header.Get("X-Sinch-Webhook-Signature") != want || r.Header.Get("X-Sinch-Webhook-Signature-Algorithm") != "HmacSHA256" {
				rc.t.Errorf("callback signature does not verify")
			}
		}
		var d map[string]any
		if err := json.Unmarshal(body, &d); err != nil {
			rc.t.Errorf("callback body is not JSON: %s", body)
		}
		rc.mu.Lock()
		rc.got = append(rc.got, d)
		rc.mu.Unlock()
		rc.notify <- struct{}{}
	}))
	rc.url = srv
	return rc
}

// wait waits until at least n callbacks arrived and returns them.
func (rc *receiver) wait(n int) []map[string]any {
	rc.t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		rc.mu.Lock()
		got := append([]map[string]any(nil), rc.got...)
		rc.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-rc.notify:
		case <-deadline:
			rc.t.Fatalf("got %d callbacks, want %d: %v", len(got), n, got)
		}
	}
}

// deliveryStatuses lists the MESSAGE_DELIVERY statuses (with channel) of one message.
func deliveryStatuses(cbs []map[string]any, messageID string) []string {
	var out []string
	for _, cb := range cbs {
		r := obj(cb["message_delivery_report"])
		if r == nil || str(r, "message_id") != messageID {
			continue
		}
		out = append(out, str(r, "channel_identity", "channel")+":"+str(r, "status"))
	}
	return out
}

func (e *env) webhook(appID, target, secret string, triggers ...string) string {
	e.t.Helper()
	tr := make([]any, len(triggers))
	for i, x := range triggers {
		tr[i] = x
	}
	w := e.must(200, "POST", e.conv("/webhooks"), map[string]any{"app_id": appID, "target": target, "target_type": "HTTP", "secret": secret, "triggers": tr})
	return w["id"].(string)
}

func smsRecipient(ids ...string) map[string]any {
	var cis []any
	for i := 0; i+1 < len(ids); i += 2 {
		cis = append(cis, map[string]any{"channel": ids[i], "identity": ids[i+1]})
	}
	return map[string]any{"identified_by": map[string]any{"channel_identities": cis}}
}

func textMessage(s string) map[string]any {
	return map[string]any{"text_message": map[string]any{"text": s}}
}

func newHTTPServer(t *testing.T, h http.Handler) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

func jsonDecode(r io.Reader, v any) error { return json.NewDecoder(r).Decode(v) }

// fakeClock is a Clock that moves only when told.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// appBody is a createApp body with SMS, WhatsApp and RCS channels.
func appBody(name, mode string) map[string]any {
	return map[string]any{
		"display_name":    name,
		"processing_mode": mode,
		"channel_credentials": []any{
			map[string]any{"channel": "SMS", "static_bearer": map[string]any{"claimed_identity": "plan-1", "token": "sms-token"}},
			map[string]any{"channel": "WHATSAPP", "static_bearer": map[string]any{"claimed_identity": "waba-1", "token": "wa-token"}},
			map[string]any{"channel": "RCS", "static_bearer": map[string]any{"claimed_identity": "agent-1", "token": "rcs-token"}},
		},
	}
}

// callbackSchemas maps a trigger to its payload schema in the specs.
func callbackSchema(t *testing.T, trigger string) *openapi3.Schema {
	name := ""
	for _, part := range strings.Split(strings.ToLower(trigger), "_") {
		name += strings.ToUpper(part[:1]) + part[1:]
	}
	name += "Event"
	doc := specs.Conversation
	if trigger == "BATCH_STATUS_UPDATE" {
		doc = specs.Batch
	}
	d, err := specs.Load(doc)
	if err != nil {
		t.Fatal(err)
	}
	ref, ok := d.Components.Schemas[name]
	if !ok {
		t.Errorf("no schema %s for trigger %s", name, trigger)
		return nil
	}
	return ref.Value
}

// checkCallbackBodies validates every callback the emulator sent against the payload schema
// of its trigger.
func checkCallbackBodies(t *testing.T, recs []CallbackRecord) {
	for _, r := range recs {
		sch := callbackSchema(t, r.Trigger)
		if sch == nil {
			continue
		}
		var v any
		if err := json.Unmarshal(r.Body, &v); err != nil {
			t.Errorf("%s callback is not JSON: %s", r.Trigger, r.Body)
			continue
		}
		if err := sch.VisitJSON(v); err != nil {
			t.Errorf("%s callback does not match its schema: %v\nbody: %s", r.Trigger, err, r.Body)
		}
	}
}

// jsonEqual compares two JSON values by their encodings.
func jsonEqual(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}
