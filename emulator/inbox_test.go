package emulator

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/relaykit/sinch-go/emulator/inbox"
	"github.com/relaykit/sinch-go/gen/conversation"
)

// get fetches a URL without credentials (the inbox and control endpoints need none).
func get(t *testing.T, url string) (int, http.Header, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

func TestInboxPageIsServedAtTheRoot(t *testing.T) {
	e := newEnv(t)
	status, h, body := get(t, e.srv.ConversationURL()+"/")
	if status != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/html") || !strings.Contains(string(body), "Sinch emulator") {
		t.Fatalf("GET / = %d %s: %.200s", status, h.Get("Content-Type"), body)
	}
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Fatalf("the page has no restrictive Content-Security-Policy: %q", csp)
	}
	for _, asset := range []struct{ path, ctype string }{{"app.js", "javascript"}, {"app.css", "text/css"}} {
		status, h, body := get(t, e.srv.ConversationURL()+inbox.StaticPath+asset.path)
		if status != 200 || !strings.Contains(h.Get("Content-Type"), asset.ctype) || len(body) < 1000 {
			t.Fatalf("GET %s = %d %s, %d bytes", asset.path, status, h.Get("Content-Type"), len(body))
		}
	}
	// Other unknown paths keep answering the API's 404.
	status, _, body = get(t, e.srv.ConversationURL()+"/nothing-here")
	if status != 404 || !strings.Contains(string(body), "NOT_FOUND") {
		t.Fatalf("GET /nothing-here = %d %s, want the API's 404", status, body)
	}
	status, _, _ = get(t, e.srv.ConversationURL()+inbox.StaticPath+"missing.js")
	if status != 404 {
		t.Fatalf("a missing asset answered %d, want 404", status)
	}
}

// state reads the inbox's view model.
func state(t *testing.T, e *env) inbox.State {
	t.Helper()
	status, _, body := get(t, e.srv.ConversationURL()+inbox.StatePath)
	if status != 200 {
		t.Fatalf("GET state = %d %s", status, body)
	}
	var st inbox.State
	if err := json.Unmarshal(body, &st); err != nil {
		t.Fatal(err)
	}
	return st
}

// findMessage finds a message in the state, with its thread.
func findMessage(st inbox.State, id string) (inbox.Thread, inbox.Message, bool) {
	for _, p := range st.Projects {
		for _, a := range p.Apps {
			for _, th := range a.Threads {
				for _, m := range th.Messages {
					if m.ID == id {
						return th, m, true
					}
				}
			}
		}
	}
	return inbox.Thread{}, inbox.Message{}, false
}

// TestInboxStateShowsThreadsAndDeliveryPaths: without any webhook, a text sent SMS-first to
// a number SMS cannot reach shows its whole path (queued, switching with its reason,
// delivered on WhatsApp), one rendering per channel of its priority order, and the contact's
// reply lands in the same thread.
func TestInboxStateShowsThreadsAndDeliveryPaths(t *testing.T) {
	e := newEnv(t)
	app := e.createApp("CONVERSATION")
	const phone = "+15557770000" // ends in 0000: unreachable on every channel
	other := "+15557771234"
	if err := e.srv.SetUnreachable([]UnreachableIdentity{{Channel: "SMS", Identity: other}}); err != nil {
		t.Fatal(err)
	}
	// The contact writes first on WhatsApp, which opens the 24-hour window for free-form text.
	if _, err := e.srv.InjectInbound(context.Background(), InboundMessage{ProjectID: testProject, AppID: app, Channel: "WHATSAPP", Identity: other,
		ContactMessage: json.RawMessage(`{"text_message":{"text":"hi"}}`)}); err != nil {
		t.Fatal(err)
	}
	sent := e.must(200, "POST", e.conv("/messages:send"), map[string]any{
		"app_id": app, "recipient": smsRecipient("SMS", other, "WHATSAPP", other),
		"message": textMessage("hello"), "channel_priority_order": []any{"SMS", "WHATSAPP"},
	})
	id := sent["message_id"].(string)
	failed := e.must(200, "POST", e.conv("/messages:send"), map[string]any{
		"app_id": app, "recipient": smsRecipient("SMS", phone), "message": textMessage("lost"),
	})["message_id"].(string)
	if _, err := e.srv.InjectInbound(context.Background(), InboundMessage{ProjectID: testProject, AppID: app, Channel: "WHATSAPP", Identity: other,
		ContactMessage: json.RawMessage(`{"text_message":{"text":"thanks"}}`)}); err != nil {
		t.Fatal(err)
	}

	var st inbox.State
	waitForState(t, func() bool { // delivery is simulated in the background
		st = state(t, e)
		_, m, _ := findMessage(st, id)
		_, f, _ := findMessage(st, failed)
		return m.Status == "READ" && f.Status == "FAILED" // WhatsApp reports reads
	}, func() string { return fmt.Sprintf("%+v", st) })
	th, m, ok := findMessage(st, id)
	if !ok {
		t.Fatalf("message %s is not in the state: %+v", id, st)
	}
	var path []string
	for _, s := range m.Path {
		path = append(path, s.Channel+":"+s.Status+":"+s.Reason)
	}
	want := "SMS:QUEUED_ON_CHANNEL: SMS:SWITCHING_CHANNEL:RECIPIENT_NOT_REACHABLE WHATSAPP:QUEUED_ON_CHANNEL: WHATSAPP:DELIVERED: WHATSAPP:READ:"
	if strings.Join(path, " ") != want || m.Channel != "WHATSAPP" {
		t.Fatalf("path %v on %s; want %s on WHATSAPP", path, m.Channel, want)
	}
	if m.Path[1].Detail == "" {
		t.Fatal("the switch has no reason text")
	}
	if len(m.Renderings) != 2 || m.Renderings[0].Channel != "SMS" || m.Renderings[1].Channel != "WHATSAPP" {
		t.Fatalf("renderings %+v, want SMS then WHATSAPP", m.Renderings)
	}
	if m.Kind != "text_message" || !strings.Contains(string(m.Content), `"hello"`) {
		t.Fatalf("kind %s content %s", m.Kind, m.Content)
	}
	var reply *inbox.Message
	for i := range th.Messages {
		if th.Messages[i].Direction == inbox.ToApp {
			reply = &th.Messages[i]
		}
	}
	if reply == nil || reply.Kind != "text_message" || th.ContactID == "" || len(th.Messages) != 3 {
		t.Fatalf("the reply is not in the contact's thread: %+v", th)
	}
	if th.Messages[len(th.Messages)-1].ID != reply.ID {
		t.Fatal("the thread is not oldest first")
	}
	_, f, _ := findMessage(st, failed)
	if f.Status != "FAILED" || f.Path[len(f.Path)-1].Reason != "RECIPIENT_NOT_REACHABLE" {
		t.Fatalf("the unreachable message shows %s %+v", f.Status, f.Path)
	}
}

// TestInboxEventsStreamChanges: the stream announces itself, then a change after a send.
func TestInboxEventsStreamChanges(t *testing.T) {
	e := newEnv(t)
	app := e.createApp("DISPATCH")
	resp, err := http.Get(e.srv.ConversationURL() + inbox.EventsPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type %q", ct)
	}
	events := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				events <- v
			}
		}
		close(events)
	}()
	next := func() string {
		select {
		case v := <-events:
			return v
		case <-time.After(3 * time.Second):
			t.Fatal("no event within 3s")
			return ""
		}
	}
	if v := next(); v != "open" {
		t.Fatalf("first event %q, want open", v)
	}
	e.must(200, "POST", e.conv("/messages:send"), map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15550001111"), "message": textMessage("hi")})
	if v := next(); v != "changed" {
		t.Fatalf("event %q after a send, want changed", v)
	}
}

// TestInboxStreamsEndOnShutdown: an open event stream does not hold Shutdown up.
func TestInboxStreamsEndOnShutdown(t *testing.T) {
	srv, err := Start(context.Background(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(srv.ConversationURL() + inbox.EventsPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	start := time.Now()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown with an open stream: %v after %s", err, time.Since(start))
	}
}

// waitForState waits for cond, and tells what it saw when it gives up.
func waitForState(t *testing.T, cond func() bool, saw func() string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("the state did not come within 5s; last seen: %s", saw())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// control sends a control request and returns the status and decoded answer.
func control(t *testing.T, e *env, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, e.srv.ControlURL()+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func TestControlFaultsChangeAtRunTime(t *testing.T) {
	e := newEnv(t)
	if status, out := control(t, e, "PUT", "/faults", `{"rate_503":1,"latency":"1ms"}`); status != 200 || out["latency"] != "1ms" {
		t.Fatalf("PUT faults = %d %v", status, out)
	}
	if status, _ := e.do("GET", e.conv("/apps"), nil); status != 503 {
		t.Fatalf("with rate_503 1 a request answered %d, want 503", status)
	}
	if status, out := control(t, e, "GET", "/faults", ""); status != 200 || out["rate_503"] != 1.0 {
		t.Fatalf("GET faults = %d %v", status, out)
	}
	for _, bad := range []string{`{"rate_429":1.5}`, `{"rate_429":0.6,"rate_503":0.6}`, `{"latency":"soon"}`, `{"latency":"-1s"}`, `not json`} {
		if status, out := control(t, e, "PUT", "/faults", bad); status != 400 {
			t.Fatalf("PUT faults %s = %d %v, want 400", bad, status, out)
		}
	}
	if status, _ := control(t, e, "PUT", "/faults", `{}`); status != 200 {
		t.Fatal("clearing the faults failed")
	}
	if status, _ := e.do("GET", e.conv("/apps"), nil); status != 200 {
		t.Fatalf("without faults a request answered %d", status)
	}
}

func TestControlUnreachableIdentities(t *testing.T) {
	e := newEnv(t)
	app := e.createApp("DISPATCH")
	rc := e.receiver("")
	e.webhook(app, rc.url, "", "MESSAGE_DELIVERY")
	const phone = "+15552223333"
	// The contact writes first on WhatsApp, which opens the 24-hour window for free-form text.
	if _, err := e.srv.InjectInbound(context.Background(), InboundMessage{ProjectID: testProject, AppID: app, Channel: "WHATSAPP", Identity: phone,
		ContactMessage: json.RawMessage(`{"text_message":{"text":"hi"}}`)}); err != nil {
		t.Fatal(err)
	}
	if status, out := control(t, e, "PUT", "/unreachable", `{"identities":[{"channel":"SMS","identity":"`+phone+`"}]}`); status != 200 || len(out["identities"].([]any)) != 1 {
		t.Fatalf("PUT unreachable = %d %v", status, out)
	}
	if status, _ := control(t, e, "PUT", "/unreachable", `{"identities":[{"channel":"SMS"}]}`); status != 400 {
		t.Fatalf("an identity without a number answered %d, want 400", status)
	}
	id := e.must(200, "POST", e.conv("/messages:send"), map[string]any{"app_id": app, "recipient": smsRecipient("SMS", phone, "WHATSAPP", phone),
		"message": textMessage("x"), "channel_priority_order": []any{"SMS", "WHATSAPP"}})["message_id"].(string)
	got := deliveryStatuses(rc.wait(4), id)
	if strings.Join(got, " ") != "SMS:QUEUED_ON_CHANNEL SMS:SWITCHING_CHANNEL WHATSAPP:QUEUED_ON_CHANNEL WHATSAPP:DELIVERED" {
		t.Fatalf("statuses %v", got)
	}
	if status, out := control(t, e, "PUT", "/unreachable", `{"identities":[]}`); status != 200 || len(out["identities"].([]any)) != 0 {
		t.Fatalf("clearing = %d %v", status, out)
	}
}

func TestControlResendCallback(t *testing.T) {
	e := newEnv(t)
	app := e.createApp("DISPATCH")
	rc := e.receiver("resend-secret")
	e.webhook(app, rc.url, "resend-secret", "MESSAGE_SUBMIT")
	e.must(200, "POST", e.conv("/messages:send"), map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15550002222"), "message": textMessage("x")})
	first := rc.wait(1)[0]
	recs := e.srv.Callbacks(CallbackFilter{Trigger: "MESSAGE_SUBMIT"})
	if len(recs) != 1 {
		t.Fatalf("%d records", len(recs))
	}
	status, out := control(t, e, "POST", "/callbacks/"+recs[0].ID+"/resend", "")
	if status != 200 || out["id"] == recs[0].ID || out["id"] == "" {
		t.Fatalf("resend = %d %v", status, out)
	}
	second := rc.wait(2)[1] // the receiver checks the fresh signature
	if a, b := first["message_submit_notification"], second["message_submit_notification"]; !jsonEqual(a, b) {
		t.Fatalf("the resent body differs: %v vs %v", a, b)
	}
	recs = e.srv.Callbacks(CallbackFilter{Trigger: "MESSAGE_SUBMIT"})
	if len(recs) != 2 || len(recs[0].Attempts) == 0 || recs[0].Attempts[0].Headers["X-Sinch-Webhook-Signature"] == "" {
		t.Fatalf("records after the resend: %+v", recs)
	}
	if status, _ := control(t, e, "POST", "/callbacks/nope/resend", ""); status != 404 {
		t.Fatalf("resending an unknown record answered %d, want 404", status)
	}
	if status, out := control(t, e, "GET", "/callbacks?limit=1", ""); status != 200 || len(out["callbacks"].([]any)) != 1 {
		t.Fatalf("limit=1 answered %d %v", status, out)
	}
	if status, _ := control(t, e, "GET", "/callbacks?limit=0", ""); status != 400 {
		t.Fatalf("limit=0 answered %d, want 400", status)
	}
}

// BenchmarkInboxState measures building the page's view model from a project holding more
// messages than the view takes (stateMessages), as while a load test runs with the page open.
func BenchmarkInboxState(b *testing.B) {
	s, err := newServer(Config{RateLimit: RateLimitOff, DisableValidation: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	p := s.store.project("bench")
	p.mu.Lock()
	p.apps.put("app-1", &conversation.App{ID: "app-1", DisplayName: "Bench", ChannelCredentials: []conversation.ChannelCredentials{{Channel: "SMS"}, {Channel: "WHATSAPP"}}})
	for i := range 3 * stateMessages {
		id := s.newID()
		s.keep(p.messages, recordFromDoc(doc{"id": id, "direction": "TO_CONTACT", "accept_time": rfc3339(s.now()),
			"channel_identity": doc{"channel": "SMS", "identity": fmt.Sprintf("+1555%07d", i%100), "app_id": "app-1"},
			"app_message":      doc{"text_message": doc{"text": "Your order ships today."}}}))
	}
	p.mu.Unlock()
	src := inboxSource{s}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		st := src.State()
		if len(st.Projects) != 1 || len(st.Projects[0].Apps[0].Threads) != 100 {
			b.Fatalf("state: %d projects", len(st.Projects))
		}
	}
}

// BenchmarkInboxChangedUnwatched measures what every API request pays for the inbox when no
// page is open.
func BenchmarkInboxChangedUnwatched(b *testing.B) {
	f := newInboxFeed()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			f.changed()
		}
	})
}
