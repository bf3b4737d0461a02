package emulator

import (
	"strings"
	"testing"
	"time"
)

// Each region keeps its own data, as each regional URL of the API is a deployment of its
// own: a message, conversation, contact, webhook, event, template or project setting made on
// the EU URL is found there and is 404 (or absent from lists) on the US URL and on the
// un-prefixed URL of the default region (us).
func TestRegionsKeepTheirOwnData(t *testing.T) {
	e := newEnv(t)
	url := func(region, path string) string {
		return e.srv.ConversationURL() + "/" + region + "/v1/projects/" + testProject + path
	}
	tmplURL := func(region, path string) string {
		return e.srv.TemplateURL() + "/" + region + "/v2/projects/" + testProject + path
	}
	app := str(e.must(200, "POST", url("eu", "/apps"), appBody("EU app", "CONVERSATION")), "id")
	sent := e.must(200, "POST", url("eu", "/messages:send"), map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15557770001"), "message": textMessage("hej")})
	msg := str(sent, "message_id")
	var m map[string]any
	deadline := time.Now().Add(5 * time.Second)
	for { // the message is stored at once; its conversation_id is set by then
		m = e.must(200, "GET", url("eu", "/messages/"+msg), nil)
		if str(m, "conversation_id") != "" || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	conv, contact := str(m, "conversation_id"), str(m, "contact_id")
	if conv == "" || contact == "" {
		t.Fatalf("EU message without a conversation and contact: %v", m)
	}
	hook := str(e.must(200, "POST", url("eu", "/webhooks"), map[string]any{"app_id": app, "target": "http://127.0.0.1:9/hook", "triggers": []any{"MESSAGE_DELIVERY"}}), "id")
	ev := str(e.must(200, "POST", url("eu", "/events:send"), map[string]any{"app_id": app, "recipient": map[string]any{"contact_id": contact}, "event": map[string]any{"composing_event": map[string]any{}}}), "event_id")
	tpl := str(e.must(200, "POST", tmplURL("eu", "/templates"), map[string]any{"description": "EU", "default_translation": "en-US",
		"translations": []any{map[string]any{"language_code": "en-US", "text_message": map[string]any{"text": "Hi"}}}}), "id")
	ownContact := str(e.must(200, "POST", url("eu", "/contacts"), map[string]any{"channel_identities": []any{map[string]any{"channel": "SMS", "identity": "+15557770002"}}, "language": "EN_US"}), "id")

	found := map[string]string{
		"message":      "/messages/" + msg,
		"conversation": "/conversations/" + conv,
		"contact":      "/contacts/" + contact,
		"own contact":  "/contacts/" + ownContact,
		"webhook":      "/webhooks/" + hook,
	}
	if ev != "" {
		found["event"] = "/events/" + ev
	}
	for what, path := range found {
		e.must(200, "GET", url("eu", path), nil)
		for _, other := range []string{url("us", path), e.conv(path)} {
			if st, out := e.do("GET", other, nil); st != 404 || str(out, "error", "status") != "NOT_FOUND" ||
				!strings.Contains(str(out, "error", "message"), "it is in region eu") {
				t.Errorf("EU %s on %s: %d %v, want 404 NOT_FOUND saying it is in region eu", what, other, st, out)
			}
		}
	}
	e.must(200, "GET", tmplURL("eu", "/templates/"+tpl), nil)
	if st, out := e.do("GET", tmplURL("us", "/templates/"+tpl), nil); st != 404 || !strings.Contains(str(out, "error", "message"), "it is in region eu") {
		t.Errorf("EU template on the US URL: %d %v, want 404 saying it is in region eu", st, out)
	}
	// An id that no region holds is a plain 404.
	if _, out := e.do("GET", url("us", "/messages/nope"), nil); strings.Contains(str(out, "error", "message"), "it is in region") {
		t.Errorf("unknown message: %v", out)
	}
	// Lists show the region's own data only.
	lists := map[string]string{"/messages": "messages", "/contacts": "contacts", "/conversations?only_active=false": "conversations"}
	for path, key := range lists {
		if n := len(arr(e.must(200, "GET", url("eu", path), nil)[key])); n == 0 {
			t.Errorf("EU %s lists nothing", path)
		}
		for _, other := range []string{url("us", path), e.conv(path)} {
			if n := len(arr(e.must(200, "GET", other, nil)[key])); n != 0 {
				t.Errorf("%s lists %d EU items", other, n)
			}
		}
	}
	if n := len(arr(e.must(200, "GET", tmplURL("us", "/templates"), nil)["templates"])); n != 0 {
		t.Errorf("US templates list shows %d EU templates", n)
	}
	// The same identity is a different contact in each region: created on the US URL, it does
	// not touch the EU contact.
	us := str(e.must(200, "POST", url("us", "/contacts"), map[string]any{"channel_identities": []any{map[string]any{"channel": "SMS", "identity": "+15557770002"}}, "language": "EN_US"}), "id")
	if us == ownContact {
		t.Errorf("the US contact has the EU contact's id")
	}
	// An inbound message from a contact (control endpoint) lands in its app's region.
	e.openWindow(app, "SMS", "+15557770003")
	inbound := func(base string) int {
		n := 0
		for _, x := range arr(e.must(200, "GET", base+"?only_recipient_originated=false&page_size=100", nil)["messages"]) {
			if str(obj(x), "direction") == "TO_APP" {
				n++
			}
		}
		return n
	}
	if inbound(url("eu", "/messages")) != 1 || inbound(url("us", "/messages")) != 0 {
		t.Errorf("inbound message: %d on EU, %d on US; want 1 and 0", inbound(url("eu", "/messages")), inbound(url("us", "/messages")))
	}
	// Project settings are per region too.
	e.must(200, "POST", url("eu", "/settings"), map[string]any{"settings": map[string]any{"contact_settings": map[string]any{"unified_contact_id_enabled": true}}})
	if st, _ := e.do("GET", url("us", "/settings"), nil); st != 404 {
		t.Errorf("EU project settings on the US URL: %d, want 404", st)
	}
}
