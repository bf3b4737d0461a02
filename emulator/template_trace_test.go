package emulator

import (
	"fmt"
	"testing"

	"github.com/relaykit/sinch-go/emulator/inbox"
)

// A template message shows, in its delivery trace (GET /_emulator/messages/{id}) and in the
// inbox, the stored template's text with the message's parameters, as delivered, not the
// template's reference ("[template id]").
func TestTemplateMessageRenderedInTraceAndInbox(t *testing.T) {
	e := newEnv(t)
	app := e.createApp("DISPATCH")
	tid := str(e.must(200, "POST", e.tmpl("/templates"), map[string]any{
		"description": "Order", "default_translation": "en-US",
		"translations": []any{map[string]any{"language_code": "en-US", "text_message": map[string]any{"text": "Hi ${name}, order ${order} is ready"},
			"variables": []any{map[string]any{"key": "name", "preview_value": "Jo"}, map[string]any{"key": "order", "preview_value": "1"}}}},
	}), "id")
	id := e.send(map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15556660001"),
		"message": templateMessage(map[string]any{"template_id": tid, "version": "1", "parameters": map[string]any{"name": "Ann", "order": "42"}})})
	if got := e.path(id, 2); got[1] != "SMS:DELIVERED" {
		t.Fatalf("path %v", got)
	}
	const want = "Hi Ann, order 42 is ready"
	tr := e.must(200, "GET", e.srv.ControlURL()+"/messages/"+id, nil)
	chs := arr(tr["channels"])
	if len(chs) != 1 || str(obj(chs[0]), "text") != want {
		t.Errorf("trace channels %v, want the SMS text %q", chs, want)
	}
	var st inbox.State
	var m inbox.Message
	waitForState(t, func() bool {
		st = state(t, e)
		_, m, _ = findMessage(st, id)
		return len(m.Renderings) == 1
	}, func() string { return fmt.Sprintf("%+v", st) })
	if got := m.Renderings[0].Text; got != want {
		t.Errorf("inbox rendering %q, want %q", got, want)
	}
}

// A template message meets the channel's limits with its content: a template whose text needs
// three SMS parts fails with MESSAGE_SPLIT_REQUIRED under SMS_MAX_NUMBER_OF_MESSAGE_PARTS 2,
// though its reference alone would fit in one part.
func TestTemplateContentMeetsChannelLimits(t *testing.T) {
	e := newEnv(t)
	app := e.createApp("DISPATCH")
	long := ""
	for len(long) < 400 {
		long += "Your table is booked. "
	}
	tid := str(e.must(200, "POST", e.tmpl("/templates"), map[string]any{
		"description": "Long", "default_translation": "en-US",
		"translations": []any{map[string]any{"language_code": "en-US", "text_message": map[string]any{"text": long + "${name}"},
			"variables": []any{map[string]any{"key": "name", "preview_value": "Jo"}}}},
	}), "id")
	send := func(parts string) []string {
		id := e.send(map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15556660003"),
			"message":            templateMessage(map[string]any{"template_id": tid, "version": "1", "parameters": map[string]any{"name": "Ann"}}),
			"channel_properties": map[string]any{"SMS_MAX_NUMBER_OF_MESSAGE_PARTS": parts}})
		return e.path(id, 1)
	}
	if got := send("2"); got[0] != "SMS:FAILED:MESSAGE_SPLIT_REQUIRED" {
		t.Errorf("a 3-part template under a 2-part limit: %v, want SMS:FAILED:MESSAGE_SPLIT_REQUIRED", got)
	}
	if got := send("3"); got[0] != "SMS:QUEUED_ON_CHANNEL" {
		t.Errorf("a 3-part template under a 3-part limit: %v, want it queued", got)
	}
}
