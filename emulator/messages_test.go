package emulator

import (
	"context"
	"encoding/json"
	"net"
	"strings"
	"testing"
	"time"
)

func TestSendConversationModeCreatesContactAndConversation(t *testing.T) {
	e := newEnv(t)
	app := e.createApp("CONVERSATION")
	rc := e.receiver("s3cret")
	e.webhook(app, rc.url, "s3cret", "CONTACT_CREATE", "CONVERSATION_START", "MESSAGE_SUBMIT", "MESSAGE_DELIVERY")
	out := e.must(200, "POST", e.conv("/messages:send"), map[string]any{
		"app_id": app, "recipient": smsRecipient("SMS", "+15550100123"), "message": textMessage("hello"),
		"message_metadata": "order-1", "correlation_id": "corr-1",
	})
	msgID := str(out, "message_id")
	if !ulidRE.MatchString(msgID) || str(out, "accepted_time") == "" {
		t.Fatalf("send answer: %v", out)
	}
	cbs := rc.wait(5)
	var keys []string
	for _, cb := range cbs {
		for _, k := range []string{"contact_create_notification", "conversation_start_notification", "message_submit_notification", "message_delivery_report"} {
			if cb[k] != nil {
				keys = append(keys, k)
			}
		}
		if str(cb, "app_id") != app || str(cb, "project_id") != testProject {
			t.Errorf("envelope: %v", cb)
		}
	}
	want := "contact_create_notification,conversation_start_notification,message_submit_notification,message_delivery_report,message_delivery_report"
	if strings.Join(keys, ",") != want {
		t.Fatalf("callbacks in order %v, want %s", keys, want)
	}
	if got := deliveryStatuses(cbs, msgID); strings.Join(got, ",") != "SMS:QUEUED_ON_CHANNEL,SMS:DELIVERED" {
		t.Fatalf("delivery: %v", got)
	}
	last := cbs[4]
	if str(last, "message_metadata") != "order-1" || str(last, "correlation_id") != "corr-1" || str(last, "message_delivery_report", "metadata") != "order-1" {
		t.Errorf("metadata not carried: %v", last)
	}
	// The contact and conversation exist, and the message is in the conversation.
	contacts := e.must(200, "GET", e.conv("/contacts"), nil)
	if len(arr(contacts["contacts"])) != 1 {
		t.Fatalf("contacts: %v", contacts)
	}
	convs := e.must(200, "GET", e.conv("/conversations?app_id="+app), nil)
	if len(arr(convs["conversations"])) != 1 {
		t.Fatalf("conversations: %v", convs)
	}
	convID := str(obj(arr(convs["conversations"])[0]), "id")
	m := e.must(200, "GET", e.conv("/messages/"+msgID), nil)
	if str(m, "conversation_id") != convID || str(m, "direction") != "TO_CONTACT" || str(m, "app_message", "text_message", "text") != "hello" {
		t.Fatalf("stored message: %v", m)
	}
	// A second send reuses both.
	e.must(200, "POST", e.conv("/messages:send"), map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15550100123"), "message": textMessage("again")})
	if n := len(arr(e.must(200, "GET", e.conv("/conversations"), nil)["conversations"])); n != 1 {
		t.Fatalf("second send made %d conversations", n)
	}
	// Recent conversations carry the last message.
	recent := e.must(200, "GET", e.conv("/conversations:recent?app_id="+app), nil)
	item := obj(arr(recent["conversations"])[0])
	if str(item, "last_message", "app_message", "text_message", "text") != "again" {
		t.Fatalf("recent: %v", recent)
	}
	// Messages list filtered by conversation, newest first.
	list := e.must(200, "GET", e.conv("/messages?conversation_id="+convID), nil)
	if ms := arr(list["messages"]); len(ms) != 2 || str(obj(ms[0]), "app_message", "text_message", "text") != "again" {
		t.Fatalf("list: %v", list)
	}
}

func TestSendDispatchModeCreatesNothing(t *testing.T) {
	e := newEnv(t)
	app := e.createApp("DISPATCH")
	out := e.must(200, "POST", e.conv("/messages:send"), map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15550100123"), "message": textMessage("hello")})
	if n := len(arr(e.must(200, "GET", e.conv("/contacts"), nil)["contacts"])); n != 0 {
		t.Fatalf("DISPATCH created %d contacts", n)
	}
	if n := len(arr(e.must(200, "GET", e.conv("/conversations"), nil)["conversations"])); n != 0 {
		t.Fatalf("DISPATCH created %d conversations", n)
	}
	m := e.must(200, "GET", e.conv("/messages/"+str(out, "message_id")+"?messages_source=DISPATCH_SOURCE"), nil)
	if str(m, "processing_mode") != "DISPATCH" || m["conversation_id"] != nil {
		t.Fatalf("stored: %v", m)
	}
	// Listing: the default source is CONVERSATION_SOURCE; DISPATCH_SOURCE finds it.
	if n := len(arr(e.must(200, "GET", e.conv("/messages"), nil)["messages"])); n != 0 {
		t.Fatalf("conversation source lists %d dispatch messages", n)
	}
	if n := len(arr(e.must(200, "GET", e.conv("/messages?messages_source=DISPATCH_SOURCE"), nil)["messages"])); n != 1 {
		t.Fatalf("dispatch source lists %d", n)
	}
	// messages_source is accepted on update and delete too (the official SDKs send it).
	up := e.must(200, "PATCH", e.conv("/messages/"+str(out, "message_id")+"?messages_source=CONVERSATION_SOURCE"), map[string]any{"metadata": "new"})
	if up["metadata"] != "new" {
		t.Fatalf("update: %v", up)
	}
	e.must(200, "DELETE", e.conv("/messages/"+str(out, "message_id")+"?messages_source=CONVERSATION_SOURCE"), nil)
	e.must(404, "GET", e.conv("/messages/"+str(out, "message_id")), nil)
}

// One number fails on SMS (an identity ending in 0000 is off the mobile network) and is
// delivered, then read, on WhatsApp, where the contact wrote first (the customer-service
// window is open).
func TestChannelFallback(t *testing.T) {
	e := newEnv(t)
	app := e.createApp("DISPATCH")
	e.openWindow(app, "WHATSAPP", "+15550100000")
	rc := e.receiver("")
	e.webhook(app, rc.url, "", "MESSAGE_DELIVERY")
	out := e.must(200, "POST", e.conv("/messages:send"), map[string]any{
		"app_id": app, "recipient": smsRecipient("SMS", "+15550100000", "WHATSAPP", "+15550100000"),
		"message": textMessage("hi"), "channel_priority_order": []any{"SMS", "WHATSAPP"},
	})
	cbs := rc.wait(5)
	got := deliveryStatuses(cbs, str(out, "message_id"))
	if strings.Join(got, ",") != "SMS:QUEUED_ON_CHANNEL,SMS:SWITCHING_CHANNEL,WHATSAPP:QUEUED_ON_CHANNEL,WHATSAPP:DELIVERED,WHATSAPP:READ" {
		t.Fatalf("fallback: %v", got)
	}
	if code := str(cbs[1], "message_delivery_report", "reason", "code"); code != "RECIPIENT_NOT_REACHABLE" {
		t.Errorf("switching reason %q", code)
	}
	m := e.must(200, "GET", e.conv("/messages/"+str(out, "message_id")), nil)
	if str(m, "channel_identity", "channel") != "WHATSAPP" {
		t.Errorf("stored channel: %v", m["channel_identity"])
	}
}

func TestFallbackFollowsPriorityOrderNotIdentityOrder(t *testing.T) {
	e := newEnv(t)
	app := e.createApp("DISPATCH")
	rc := e.receiver("")
	e.webhook(app, rc.url, "", "MESSAGE_DELIVERY")
	// An identity ending in 3333 has no RCS: RCS, first in the priority order though listed
	// second, hands over to SMS.
	out := e.must(200, "POST", e.conv("/messages:send"), map[string]any{
		"app_id": app, "recipient": smsRecipient("SMS", "+15550103333", "RCS", "+15550103333"),
		"message": textMessage("hi"), "channel_priority_order": []any{"RCS", "SMS"},
	})
	got := deliveryStatuses(rc.wait(4), str(out, "message_id"))
	if strings.Join(got, ",") != "RCS:QUEUED_ON_CHANNEL,RCS:SWITCHING_CHANNEL,SMS:QUEUED_ON_CHANNEL,SMS:DELIVERED" {
		t.Fatalf("fallback: %v", got)
	}
}

func TestDeliveryFailures(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		c.Undeliverable = func(channel, identity string) bool { return channel == "RCS" }
	})
	app := e.createApp("DISPATCH")
	rc := e.receiver("")
	e.webhook(app, rc.url, "", "MESSAGE_DELIVERY")
	cases := []struct {
		name       string
		recipient  map[string]any
		want, code string
		n          int
	}{
		{"one unreachable channel", smsRecipient("SMS", "+15550100000"), "SMS:QUEUED_ON_CHANNEL,SMS:FAILED", "RECIPIENT_NOT_REACHABLE", 2},
		{"every channel unreachable", smsRecipient("SMS", "+15550104040", "RCS", "+15550204040"), "SMS:QUEUED_ON_CHANNEL,SMS:SWITCHING_CHANNEL,RCS:QUEUED_ON_CHANNEL,RCS:FAILED", "NO_CHANNELS_LEFT", 4},
		{"invalid identity", smsRecipient("SMS", "+15550109999"), "SMS:FAILED", "RECIPIENT_INVALID_CHANNEL_IDENTITY", 1},
		{"custom rule", smsRecipient("RCS", "+15550100001", "SMS", "+15550100001"), "RCS:QUEUED_ON_CHANNEL,RCS:SWITCHING_CHANNEL,SMS:QUEUED_ON_CHANNEL,SMS:DELIVERED", "", 4},
	}
	total := 0
	for _, tc := range cases {
		out := e.must(200, "POST", e.conv("/messages:send"), map[string]any{"app_id": app, "recipient": tc.recipient, "message": textMessage("x")})
		total += tc.n
		cbs := rc.wait(total)
		got := deliveryStatuses(cbs, str(out, "message_id"))
		if strings.Join(got, ",") != tc.want {
			t.Errorf("%s: %v, want %s", tc.name, got, tc.want)
			continue
		}
		if tc.code != "" {
			last := cbs[total-1]
			if c := str(last, "message_delivery_report", "reason", "code"); c != tc.code {
				t.Errorf("%s: reason %q, want %q", tc.name, c, tc.code)
			}
		}
	}
}

func TestSendToContactUsesItsIdentities(t *testing.T) {
	e := newEnv(t)
	app := e.createApp("CONVERSATION")
	ct := e.must(200, "POST", e.conv("/contacts"), map[string]any{
		"channel_identities": []any{map[string]any{"channel": "SMS", "identity": "+15550300000"}, map[string]any{"channel": "WHATSAPP", "identity": "+15550300001"}},
		"channel_priority":   []any{"SMS", "WHATSAPP"}, "language": "EN_US",
	})
	e.openWindow(app, "WHATSAPP", "+15550300001")
	rc := e.receiver("")
	e.webhook(app, rc.url, "", "MESSAGE_DELIVERY")
	out := e.must(200, "POST", e.conv("/messages:send"), map[string]any{"app_id": app, "recipient": map[string]any{"contact_id": ct["id"]}, "message": textMessage("x")})
	got := deliveryStatuses(rc.wait(5), str(out, "message_id"))
	if strings.Join(got, ",") != "SMS:QUEUED_ON_CHANNEL,SMS:SWITCHING_CHANNEL,WHATSAPP:QUEUED_ON_CHANNEL,WHATSAPP:DELIVERED,WHATSAPP:READ" {
		t.Fatalf("contact send: %v", got)
	}
	if st, _ := e.do("POST", e.conv("/messages:send"), map[string]any{"app_id": app, "recipient": map[string]any{"contact_id": "nope"}, "message": textMessage("x")}); st != 404 {
		t.Fatalf("unknown contact: %d, want 404", st)
	}
	if st, _ := e.do("POST", e.conv("/messages:send"), map[string]any{"app_id": "nope", "recipient": smsRecipient("SMS", "+1555"), "message": textMessage("x")}); st != 404 {
		t.Fatalf("unknown app: %d, want 404", st)
	}
}

func TestStopAndDeleteConversation(t *testing.T) {
	e := newEnv(t)
	app := e.createApp("CONVERSATION")
	ct := e.must(200, "POST", e.conv("/contacts"), map[string]any{"channel_identities": []any{map[string]any{"channel": "SMS", "identity": "+15550400001"}}, "language": "EN_US"})
	rc := e.receiver("")
	e.webhook(app, rc.url, "", "CONVERSATION_START", "CONVERSATION_STOP", "CONVERSATION_DELETE")
	cv := e.must(200, "POST", e.conv("/conversations"), map[string]any{"app_id": app, "contact_id": ct["id"], "active": true})
	id := str(cv, "id")
	e.must(200, "POST", e.conv("/conversations/"+id+":stop"), nil)
	if got := e.must(200, "GET", e.conv("/conversations/"+id), nil); got["active"] != false {
		t.Fatalf("after stop: %v", got)
	}
	if n := len(arr(e.must(200, "GET", e.conv("/conversations?only_active=true"), nil)["conversations"])); n != 0 {
		t.Fatalf("only_active lists %d", n)
	}
	// A send after the stop starts a new conversation.
	e.must(200, "POST", e.conv("/messages:send"), map[string]any{"app_id": app, "recipient": map[string]any{"contact_id": ct["id"]}, "message": textMessage("x")})
	if n := len(arr(e.must(200, "GET", e.conv("/conversations"), nil)["conversations"])); n != 2 {
		t.Fatalf("conversations after a send to a stopped one: %d", n)
	}
	e.must(200, "DELETE", e.conv("/conversations/"+id), nil)
	e.must(404, "GET", e.conv("/conversations/"+id), nil)
	cbs := rc.wait(4)
	var triggers []string
	for _, cb := range cbs {
		for k := range cb {
			if strings.HasSuffix(k, "_notification") {
				triggers = append(triggers, k)
			}
		}
	}
	if strings.Join(triggers, ",") != "conversation_start_notification,conversation_stop_notification,conversation_start_notification,conversation_delete_notification" {
		t.Fatalf("conversation callbacks: %v", triggers)
	}
}

func TestInjectMessageAndEvent(t *testing.T) {
	e := newEnv(t)
	app := e.createApp("CONVERSATION")
	ct := e.must(200, "POST", e.conv("/contacts"), map[string]any{"channel_identities": []any{map[string]any{"channel": "SMS", "identity": "+15550400002"}}, "language": "EN_US"})
	cv := e.must(200, "POST", e.conv("/conversations"), map[string]any{"app_id": app, "contact_id": ct["id"]})
	id := str(cv, "id")
	e.must(200, "POST", e.conv("/conversations/"+id+":inject-message"), map[string]any{
		"direction": "TO_APP", "contact_message": textMessage("from history"), "contact_id": ct["id"],
		"channel_identity": map[string]any{"channel": "SMS", "identity": "+15550400002"}, "accept_time": "2026-11-01T10:00:00Z",
	})
	list := e.must(200, "GET", e.conv("/messages?conversation_id="+id), nil)
	if ms := arr(list["messages"]); len(ms) != 1 || obj(ms[0])["injected"] != true {
		t.Fatalf("injected message: %v", list)
	}
	ev := e.must(200, "POST", e.conv("/conversations/"+id+":inject-event"), map[string]any{
		"app_event": map[string]any{"composing_event": map[string]any{}}, "accept_time": "2026-11-01T10:00:00Z",
		"channel_identity": map[string]any{"channel": "SMS", "identity": "+15550400002"},
	})
	e.must(200, "GET", e.conv("/events/"+str(ev, "event_id")), nil)
	evs := e.must(200, "GET", e.conv("/events?conversation_id="+id), nil)
	if len(arr(evs["events"])) != 1 {
		t.Fatalf("events: %v", evs)
	}
	e.must(200, "DELETE", e.conv("/events/"+str(ev, "event_id")), nil)
	e.must(404, "GET", e.conv("/events/"+str(ev, "event_id")), nil)
}

func TestSendEventAndCapability(t *testing.T) {
	e := newEnv(t)
	app := e.createApp("DISPATCH")
	rc := e.receiver("")
	e.webhook(app, rc.url, "", "EVENT_DELIVERY", "CAPABILITY")
	ev := e.must(200, "POST", e.conv("/events:send"), map[string]any{"app_id": app, "recipient": smsRecipient("WHATSAPP", "+15550500001"), "event": map[string]any{"composing_event": map[string]any{}}})
	cap := e.must(200, "POST", e.conv("/capability:query"), map[string]any{"app_id": app, "recipient": smsRecipient("WHATSAPP", "+15550500001")})
	cbs := rc.wait(2)
	if str(cbs[0], "event_delivery_report", "event_id") != str(ev, "event_id") {
		t.Errorf("event delivery: %v", cbs[0])
	}
	if str(cbs[1], "capability_notification", "request_id") != str(cap, "request_id") || str(cbs[1], "capability_notification", "channel") != "WHATSAPP" {
		t.Errorf("capability: %v", cbs[1])
	}
	if str(cbs[0], "event_delivery_report", "status") != "DELIVERED" {
		t.Errorf("event to a reachable identity: %v", cbs[0])
	}
	e.must(200, "POST", e.conv("/events:send"), map[string]any{"app_id": app, "recipient": smsRecipient("WHATSAPP", "+15550504040"), "event": map[string]any{"composing_event": map[string]any{}}})
	if r := obj(rc.wait(3)[2]["event_delivery_report"]); str(r, "status") != "FAILED" || str(r, "reason", "code") != "RECIPIENT_NOT_REACHABLE" {
		t.Errorf("event to an unreachable identity: %v", r)
	}
	e.must(200, "POST", e.conv("/events:send"), map[string]any{"app_id": app, "recipient": smsRecipient("WHATSAPP", "+15550509999"), "event": map[string]any{"composing_event": map[string]any{}}})
	if r := obj(rc.wait(4)[3]["event_delivery_report"]); str(r, "status") != "FAILED" || str(r, "reason", "code") != "RECIPIENT_INVALID_CHANNEL_IDENTITY" {
		t.Errorf("event to an invalid identity: %v", r)
	}
	// A contact without any channel identity cannot be sent an event (as for messages).
	bare := e.must(200, "POST", e.conv("/contacts"), map[string]any{"display_name": "No channels", "language": "EN_US", "channel_identities": []any{map[string]any{"channel": "SMS", "identity": "+15550500002"}}})
	e.must(200, "PATCH", e.conv("/contacts/"+str(bare, "id")+"?update_mask=channel_identities"), map[string]any{})
	if st, out := e.do("POST", e.conv("/events:send"), map[string]any{"app_id": app, "recipient": map[string]any{"contact_id": str(bare, "id")}, "event": map[string]any{"composing_event": map[string]any{}}}); st != 400 {
		t.Errorf("event to a contact without identities: %d %v, want 400", st, out)
	}
}

func TestChannelProfile(t *testing.T) {
	e := newEnv(t)
	app := e.createApp("DISPATCH")
	p := e.must(200, "POST", e.conv("/contacts:getChannelProfile"), map[string]any{"app_id": app, "recipient": smsRecipient("MESSENGER", "123"), "channel": "MESSENGER"})
	if str(p, "profile_name") == "" {
		t.Fatalf("profile: %v", p)
	}
}

func TestFetchLastMessage(t *testing.T) {
	e := newEnv(t)
	app := e.createApp("CONVERSATION")
	for _, txt := range []string{"one", "two"} {
		e.must(200, "POST", e.conv("/messages:send"), map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15550600001"), "message": textMessage(txt)})
	}
	e.must(200, "POST", e.conv("/messages:send"), map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15550600002"), "message": textMessage("three")})
	out := e.must(200, "POST", e.conv("/messages:fetch-last-message"), map[string]any{"channel_identities": []any{"+15550600001", "+15550600002"}})
	ms := arr(out["messages"])
	if len(ms) != 2 || str(obj(ms[0]), "app_message", "text_message", "text") != "three" || str(obj(ms[1]), "app_message", "text_message", "text") != "two" {
		t.Fatalf("last messages: %v", out)
	}
}

func TestInboundControlEndpoints(t *testing.T) {
	e := newEnv(t)
	app := e.createApp("CONVERSATION")
	rc := e.receiver("k")
	hook := e.webhook(app, rc.url, "k", "MESSAGE_INBOUND", "EVENT_INBOUND", "CONTACT_CREATE", "CONVERSATION_START")
	st, raw := e.doRaw("POST", e.srv.ControlURL()+"/projects/"+testProject+"/inbound/messages",
		map[string]any{"app_id": app, "channel": "SMS", "identity": "+15550700001", "contact_message": textMessage("yes please"), "metadata": "m1"}, "")
	if st != 200 {
		t.Fatalf("inject inbound: %d %s", st, raw)
	}
	var res map[string]any
	_ = json.Unmarshal(raw, &res)
	st, _ = e.doRaw("POST", e.srv.ControlURL()+"/projects/"+testProject+"/inbound/events",
		map[string]any{"app_id": app, "channel": "SMS", "identity": "+15550700001", "contact_event": map[string]any{"composing_event": map[string]any{}}}, "")
	if st != 200 {
		t.Fatalf("inject event: %d", st)
	}
	cbs := rc.wait(4)
	if cbs[0]["contact_create_notification"] == nil || cbs[1]["conversation_start_notification"] == nil {
		t.Fatalf("first callbacks: %v", cbs[:2])
	}
	msg := obj(cbs[2]["message"])
	if str(msg, "id") != str(res, "message_id") || str(msg, "direction") != "TO_APP" || str(msg, "contact_message", "text_message", "text") != "yes please" || str(cbs[2], "message_metadata") != "m1" {
		t.Fatalf("MESSAGE_INBOUND: %v", cbs[2])
	}
	if obj(cbs[3]["event"])["contact_event"] == nil {
		t.Fatalf("EVENT_INBOUND: %v", cbs[3])
	}
	// The inbound message is stored in the conversation.
	m := e.must(200, "GET", e.conv("/messages/"+str(res, "message_id")), nil)
	if str(m, "conversation_id") == "" {
		t.Fatalf("stored inbound: %v", m)
	}
	// The callback log lists the four, delivered once each.
	st, raw = e.doRaw("GET", e.srv.ControlURL()+"/callbacks?webhook_id="+hook, nil, "")
	var log struct {
		Callbacks []CallbackRecord `json:"callbacks"`
	}
	if err := json.Unmarshal(raw, &log); err != nil || st != 200 {
		t.Fatalf("callback log: %d %s", st, raw)
	}
	waitFor(t, func() bool {
		return len(e.srv.Callbacks(CallbackFilter{WebhookID: hook, Trigger: "EVENT_INBOUND"})) == 1 && e.srv.Callbacks(CallbackFilter{Trigger: "EVENT_INBOUND"})[0].State == CallbackDelivered
	})
	if len(log.Callbacks) != 4 || log.Callbacks[2].Trigger != "MESSAGE_INBOUND" || len(log.Callbacks[0].Attempts) != 1 || log.Callbacks[0].Attempts[0].StatusCode != 200 {
		t.Fatalf("callback log: %+v", log.Callbacks)
	}
	// Unknown app: 404 from the control endpoint too.
	if st, _ := e.doRaw("POST", e.srv.ControlURL()+"/projects/"+testProject+"/inbound/messages", map[string]any{"app_id": "nope", "channel": "SMS", "identity": "+1", "contact_message": textMessage("x")}, ""); st != 404 {
		t.Fatalf("inbound to unknown app: %d", st)
	}
	// The Go API does the same.
	if _, err := e.srv.InjectInbound(context.Background(), InboundMessage{ProjectID: testProject, AppID: app, Channel: "SMS", Identity: "+15550700001", ContactMessage: json.RawMessage(`{"text_message":{"text":"again"}}`)}); err != nil {
		t.Fatal(err)
	}
	rc.wait(5)
	e.doRaw("POST", e.srv.ControlURL()+"/reset", nil, "")
	e.must(404, "GET", e.conv("/apps/"+app), nil)
}

func TestCallbackRetriesWithBackoff(t *testing.T) {
	e := newEnv(t)
	app := e.createApp("DISPATCH")
	rc := e.receiver("")
	rc.fail = 2
	hook := e.webhook(app, rc.url, "", "MESSAGE_SUBMIT")
	e.must(200, "POST", e.conv("/messages:send"), map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15550800001"), "message": textMessage("x")})
	rc.wait(1)
	var rec CallbackRecord
	waitFor(t, func() bool {
		recs := e.srv.Callbacks(CallbackFilter{WebhookID: hook})
		if len(recs) == 1 && recs[0].State == CallbackDelivered {
			rec = recs[0]
			return true
		}
		return false
	})
	if len(rec.Attempts) != 3 || rec.Attempts[0].StatusCode != 500 || rec.Attempts[2].StatusCode != 200 {
		t.Fatalf("attempts: %+v", rec.Attempts)
	}
	gap1 := rec.Attempts[1].At.Sub(rec.Attempts[0].At)
	gap2 := rec.Attempts[2].At.Sub(rec.Attempts[1].At)
	if gap1 < 10*time.Millisecond || gap2 < 20*time.Millisecond {
		t.Fatalf("backoff gaps %v, %v; want at least 10ms then 20ms", gap1, gap2)
	}
}

func TestCallbackGivesUpAfterMaxAttempts(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Callbacks.MaxAttempts = 3 })
	app := e.createApp("DISPATCH")
	rc := e.receiver("")
	rc.fail = 100
	hook := e.webhook(app, rc.url, "", "MESSAGE_SUBMIT")
	e.must(200, "POST", e.conv("/messages:send"), map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15550800001"), "message": textMessage("x")})
	waitFor(t, func() bool {
		recs := e.srv.Callbacks(CallbackFilter{WebhookID: hook})
		return len(recs) == 1 && recs[0].State == CallbackFailed && len(recs[0].Attempts) == 3
	})
}

func TestUnreachableWebhookDoesNotHangTheAPI(t *testing.T) {
	// A listener that accepts connections and never answers.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	e := newEnv(t, func(c *Config) { c.Callbacks.Timeout = 100 * time.Millisecond; c.Callbacks.MaxAttempts = 2 })
	app := e.createApp("DISPATCH")
	hook := e.webhook(app, "https://"+ln.Addr().String()+"/hook", "x", "MESSAGE_SUBMIT", "MESSAGE_DELIVERY")
	start := time.Now()
	for i := 0; i < 5; i++ {
		e.must(200, "POST", e.conv("/messages:send"), map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15550800001"), "message": textMessage("x")})
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("five sends took %v with a hanging webhook", d)
	}
	waitFor(t, func() bool {
		recs := e.srv.Callbacks(CallbackFilter{WebhookID: hook})
		return len(recs) > 0 && recs[0].State == CallbackFailed && recs[0].Attempts[0].Error != ""
	})
}

func TestCallbackRatePerApp(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Callbacks.RatePerApp = 20 })
	app := e.createApp("DISPATCH")
	rc := e.receiver("")
	e.webhook(app, rc.url, "", "MESSAGE_SUBMIT")
	start := time.Now()
	for i := 0; i < 30; i++ {
		e.must(200, "POST", e.conv("/messages:send"), map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15550800001"), "message": textMessage("x")})
	}
	rc.wait(30)
	// A burst of 20, then 10 more at 20/s: at least ~0.5s.
	if d := time.Since(start); d < 400*time.Millisecond {
		t.Fatalf("30 callbacks at 20/s took %v", d)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestCallbackURLOverridesWebhooks(t *testing.T) {
	e := newEnv(t)
	app := e.must(200, "POST", e.conv("/apps"), func() map[string]any {
		b := appBody("cb", "DISPATCH")
		b["callback_settings"] = map[string]any{"secret_for_overridden_callback_urls": "override-secret"}
		return b
	}())
	appID := str(app, "id")
	hooks := e.receiver("")
	e.webhook(appID, hooks.url, "", "MESSAGE_DELIVERY", "MESSAGE_SUBMIT")
	override := e.receiver("override-secret")
	out := e.must(200, "POST", e.conv("/messages:send"), map[string]any{"app_id": appID, "recipient": smsRecipient("SMS", "+15550900001"), "message": textMessage("x"), "callback_url": override.url})
	got := deliveryStatuses(override.wait(2), str(out, "message_id"))
	if strings.Join(got, ",") != "SMS:QUEUED_ON_CHANNEL,SMS:DELIVERED" {
		t.Fatalf("callback_url reports: %v", got)
	}
	// The webhook still gets MESSAGE_SUBMIT but no delivery report.
	cbs := hooks.wait(1)
	time.Sleep(50 * time.Millisecond)
	hooks.mu.Lock()
	defer hooks.mu.Unlock()
	if len(hooks.got) != 1 || cbs[0]["message_submit_notification"] == nil {
		t.Fatalf("webhook got %v", hooks.got)
	}
}
