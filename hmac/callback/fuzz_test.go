package callback_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	contracttests "github.com/relaykit/sinch-go/contract_tests"
	"github.com/relaykit/sinch-go/hmac/callback"
)

// payloadKeys is the key each trigger's payload sits under, written out independently of the
// package's own table so that the oracle below does not share its code.
var payloadKeys = map[string]callback.Trigger{
	"message_delivery_report": "MESSAGE_DELIVERY", "message_submit_notification": "MESSAGE_SUBMIT",
	"message": "MESSAGE_INBOUND", "message_redaction": "MESSAGE_INBOUND_SMART_CONVERSATION_REDACTION",
	"event_delivery_report": "EVENT_DELIVERY", "event": "EVENT_INBOUND",
	"smart_conversation_notification": "SMART_CONVERSATION",
	"conversation_start_notification": "CONVERSATION_START", "conversation_stop_notification": "CONVERSATION_STOP",
	"conversation_delete_notification": "CONVERSATION_DELETE", "contact_create_notification": "CONTACT_CREATE",
	"contact_delete_notification": "CONTACT_DELETE", "contact_merge_notification": "CONTACT_MERGE",
	"contact_update_notification":                "CONTACT_UPDATE",
	"duplicated_contact_identities_notification": "CONTACT_IDENTITIES_DUPLICATION",
	"unsupported_callback":                       "UNSUPPORTED", "opt_in_notification": "OPT_IN", "opt_out_notification": "OPT_OUT",
	"channel_event_notification": "CHANNEL_EVENT", "capability_notification": "CAPABILITY",
	"record_notification": "RECORD_NOTIFICATION", "batch_status_update_notification": "BATCH_STATUS_UPDATE",
}

// envelopeKeys are the fields every callback carries beside its payload.
var envelopeKeys = map[string]bool{"app_id": true, "project_id": true, "accepted_time": true,
	"event_time": true, "message_metadata": true, "correlation_id": true}

// FuzzParse checks Parse against an oracle built on encoding/json: Parse must accept only valid
// JSON objects, pick the trigger whose key (with a non-null value) the object has whatever the
// payload's values, report two different trigger keys as ambiguous and a body with no payload
// key as ErrNoPayload, and never panic.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "callbacks", "*.json"))
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, api := range []string{"conversation", "batch"} { // the contract corpus, 2020 shapes included
		fixtures, err := contracttests.Callbacks(api)
		if err != nil {
			f.Fatal(err)
		}
		for _, fx := range fixtures {
			f.Add(fx.Body)
		}
	}
	for _, s := range []string{ // the tolerant reader: shapes the generated types do not hold
		`{"message_delivery_report":{"message_id":"M","status":"DELIVERED","reason":""}}`,
		`{"message_delivery_report":{"reason":"x","channel_identity":"SMS"},"accepted_time":"2020-13-45"}`,
		`{"event_delivery_report":{"reason":[1,{"code":7}]}}`,
		`{"message":{"channel":"MESSENGER","contact_message":{"media_message":{"url":5}},"accept_time":0}}`,
		`{"conversation_start_notification":{"conversation":{"active_channel_senders":[{},3,null]}}}`,
		`{"contact_create_notification":{"contact":{"channel_identities":{"a":1}}}}`,
		`{"app_id":"A","project_id":"P"}`, `{"message":null,"event_time":"2020-01-01T00:00:00Z"}`,
	} {
		f.Add([]byte(s))
	}
	for _, s := range []string{`{}`, `[]`, `null`, `{"message":null}`, `{"\u006dessage":{}}`,
		`{"message":{},"event":{}}`, `{"a":[{"b":"}"}],"message":{"id":"x\"y"}}`, `{"message":{"id":1}}`,
		`{"accepted_time":"2026-01-01T00:00:00Z","x":{}}`, `{"message":{}} {}`, "{\"message\":{}}\x00"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		ev, err := callback.Parse(raw)

		var top map[string]json.RawMessage
		topErr := json.Unmarshal(raw, &top)
		if topErr != nil || top == nil {
			if err == nil {
				t.Fatalf("Parse accepted a body that is not a JSON object: %q", raw)
			}
			if !errors.Is(err, callback.ErrMalformed) {
				t.Fatalf("error %v is not ErrMalformed", err)
			}
			return
		}
		want := map[callback.Trigger]bool{}
		for k, v := range top {
			if tr, ok := payloadKeys[k]; ok && string(v) != "null" {
				want[tr] = true
			}
		}
		switch {
		case len(want) > 1:
			if !errors.Is(err, callback.ErrAmbiguous) {
				t.Fatalf("keys of %d triggers: Parse = %v, %v; want ErrAmbiguous", len(want), ev, err)
			}
		case len(want) == 0:
			payload := false
			for k, v := range top {
				if !envelopeKeys[k] && string(v) != "null" {
					payload = true
				}
			}
			if !payload {
				if !errors.Is(err, callback.ErrNoPayload) {
					t.Fatalf("no payload key: Parse = %v, %v; want ErrNoPayload", ev, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("unknown payload: unexpected error %v", err)
			}
			if _, ok := ev.(*callback.UnknownEvent); !ok {
				t.Fatalf("unknown payload parsed as %T", ev)
			}
		default:
			// The tolerant reader: a JSON object with one trigger's key always parses, whatever
			// its values (those that do not fit are left zero and listed by Skipped).
			if err != nil {
				t.Fatalf("payload of %v refused: %v", want, err)
			}
			if !want[ev.Trigger()] {
				t.Fatalf("Trigger() = %s, want one of %v", ev.Trigger(), want)
			}
		}
		if err != nil {
			if ev != nil {
				t.Fatal("event returned with an error")
			}
			return
		}
		if ev.DedupKey() == "" {
			t.Fatal("empty DedupKey")
		}
		_ = ev.Envelope()
		if &ev.RawJSON()[0] != &raw[0] {
			t.Fatal("RawJSON is not the input")
		}
	})
}
