package emulator

import (
	"encoding/json"
	"testing"
	"time"
)

// The envelope of a callback is written directly, and is exactly what encoding/json gives
// for it as a map: the same members, in the order of their names, escaped the same way.
func TestCallbackBodyMatchesMapEncoding(t *testing.T) {
	s, err := newServer(Config{Clock: &fakeClock{t: time.Date(2026, 3, 4, 5, 6, 7, 8, time.UTC)}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	accepted := time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)
	payload := doc{"message_id": "m<1>", "status": "DELIVERED", "channel_identity": doc{"channel": "SMS", "identity": "+1555", "app_id": "a"}}
	for _, c := range []struct{ project, app, key, metadata, correlation string }{
		{"p", "a", "message_delivery_report", "", ""},
		{"p", "a", "message_delivery_report", "order <4711> & co", "corr-\u2028"},
		{"", "", "message", "m", ""},
		{"p", "a", "event", "", "c"},
		{"p", "a", "contact_create_notification", "x", "y"},
		{"p", "a", "app_id", "x", "y"}, // a payload key that is also an envelope member
		{"p", "a", "zzz", "x", "y"},
	} {
		got := s.callbackBody(c.project, c.app, c.key, payload, c.metadata, c.correlation, accepted)
		env := map[string]any{"app_id": c.app, "project_id": c.project, "accepted_time": rfc3339(accepted), "event_time": rfc3339(s.now())}
		env[c.key] = payload
		if c.metadata != "" {
			env["message_metadata"] = c.metadata
		}
		if c.correlation != "" {
			env["correlation_id"] = c.correlation
		}
		if c.key == "app_id" { // the payload wins, as it did in the map
			env["app_id"] = payload
		}
		want, _ := json.Marshal(env)
		if string(got) != string(want) {
			t.Errorf("key %s:\n got %s\nwant %s", c.key, got, want)
		}
	}
}

// The typed delivery report encodes as the JSON document it replaced.
func TestDeliveryReportMatchesDocument(t *testing.T) {
	zero := 0
	for i, c := range []struct {
		r    deliveryReport
		want doc
	}{
		{deliveryReport{MessageID: "m", Status: "DELIVERED", ProcessingMode: "DISPATCH", ChannelIdentity: channelIdentityOf("SMS", "+1555", "a")},
			doc{"message_id": "m", "status": "DELIVERED", "processing_mode": "DISPATCH", "channel_identity": doc{"channel": "SMS", "identity": "+1555", "app_id": "a"}}},
		{deliveryReport{MessageID: "m", Status: "FAILED", ProcessingMode: "CONVERSATION", ChannelIdentity: channelIdentityOf("WHATSAPP", "+1555", "a"),
			ConversationID: "c", ContactID: "ct", Metadata: "<md>", Reason: reasonDoc("MESSAGE_EXPIRED", ""), BatchID: "b", MessageIndex: &zero},
			doc{"message_id": "m", "status": "FAILED", "processing_mode": "CONVERSATION", "channel_identity": doc{"channel": "WHATSAPP", "identity": "+1555", "app_id": "a"},
				"conversation_id": "c", "contact_id": "ct", "metadata": "<md>", "batch_id": "b", "message_index": 0,
				"reason": doc{"code": "MESSAGE_EXPIRED", "description": reasonText["MESSAGE_EXPIRED"], "sub_code": "UNSPECIFIED_SUB_CODE"}}},
	} {
		got, _ := json.Marshal(c.r)
		want, _ := json.Marshal(c.want)
		if string(got) != string(want) {
			t.Errorf("report %d:\n got %s\nwant %s", i, got, want)
		}
	}
}
