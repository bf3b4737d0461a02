package emulator

import (
	"encoding/json"
	"strings"
	"testing"
)

// A stored message or event answers exactly the bytes its JSON document did when messages
// were stored as documents: same keys, same order, same escaping.
func TestStoredMessageJSONMatchesDocument(t *testing.T) {
	docs := []doc{
		{"id": "01K9ZD6M1XG3P4T2W8Y6N5QJ7B", "direction": "TO_CONTACT", "accept_time": "2026-01-02T03:04:05.123456789Z",
			"app_message":      doc{"text_message": doc{"text": "Tom & Jerry <b>\u2028 \"quoted\" \\ tab\t"}},
			"channel_identity": doc{"channel": "SMS", "identity": "+15551234567", "app_id": "app-1"},
			"processing_mode":  "CONVERSATION", "injected": false, "metadata": "order <4711>",
			"conversation_id": "conv-1", "contact_id": "ct-1"},
		{"id": "m2", "direction": "TO_APP", "accept_time": "2026-01-02T03:04:05Z",
			"contact_message":  doc{"choice_response_message": doc{"message_id": "m1", "postback_data": "é\x01"}},
			"channel_identity": doc{"channel": "WHATSAPP", "identity": "+15551234567", "app_id": "app-1"},
			"processing_mode":  "DISPATCH", "injected": true, "sender_id": "+15550000000"},
		{"id": "e1", "direction": "TO_CONTACT", "accept_time": "2026-01-02T03:04:05Z",
			"app_event":        doc{"composing_event": doc{}},
			"channel_identity": doc{"channel": "MESSENGER", "identity": "psid-1", "app_id": "app-1"},
			"processing_mode":  "CONVERSATION", "contact_id": "ct-1"},
		{"id": "e2", "accept_time": "2026-01-02T03:04:05Z", "contact_event": doc{"composing_event": doc{}},
			"channel_identity": doc{"channel": "X-FUTURE", "identity": "id"}},
		{"id": "e3", "accept_time": "2026-01-02T03:04:05Z", "processing_mode": "CONVERSATION",
			"contact_message_event": doc{"shortlink_activated_event": doc{"payload": "p"}}, "conversation_id": "c"},
		{"id": "bad\xffutf8", "metadata": "\u2029"},
	}
	for i, d := range docs {
		want, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		m := recordFromDoc(d)
		if got := m.appendJSON(nil); string(got) != string(want) {
			t.Errorf("record %d:\n got %s\nwant %s", i, got, want)
		}
		if got, err := json.Marshal(*m); err != nil || string(got) != string(want) {
			t.Errorf("record %d through encoding/json: %v\n got %s\nwant %s", i, err, got, want)
		}
	}
}

// A request breaking an exactly-one rule deep in the body gets a 400 naming where: the path
// is written out only for the error, while the recursion unwinds.
func TestExactlyOneErrorNamesThePath(t *testing.T) {
	e := newEnv(t)
	app := e.createApp("DISPATCH")
	status, body := e.do("POST", e.conv("/messages:send"), map[string]any{
		"app_id":    app,
		"recipient": smsRecipient("SMS", "+15551234567"),
		"message": map[string]any{"choice_message": map[string]any{
			"text_message": map[string]any{"text": "Pick one"},
			"choices": []any{
				map[string]any{"text_message": map[string]any{"text": "A"}},
				map[string]any{"text_message": map[string]any{"text": "B"}, "url_message": map[string]any{"title": "B", "url": "https://example.com"}},
			},
		}},
	})
	msg := str(obj(body["error"]), "message")
	if status != 400 || !strings.Contains(msg, "at /message/choice_message/choices/1:") {
		t.Fatalf("status %d, message %q", status, msg)
	}
}
