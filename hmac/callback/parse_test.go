package callback_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/relaykit/sinch-go/gen/conversation"
	"github.com/relaykit/sinch-go/hmac/callback"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "callbacks", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// One realistic body per trigger (copied from contract_tests), with the Go type it must become.
var fixtureTypes = map[string]callback.Event{
	"MESSAGE_DELIVERY.FAILED.json":                      &callback.MessageDeliveryEvent{},
	"MESSAGE_SUBMIT.json":                               &callback.MessageSubmitEvent{},
	"MESSAGE_INBOUND.text.json":                         &callback.MessageInboundEvent{},
	"MESSAGE_INBOUND_SMART_CONVERSATION_REDACTION.json": &callback.MessageInboundSmartConversationRedactionEvent{},
	"EVENT_DELIVERY.json":                               &callback.EventDeliveryEvent{},
	"EVENT_INBOUND.composing.json":                      &callback.EventInboundEvent{},
	"SMART_CONVERSATION.json":                           &callback.SmartConversationsEvent{},
	"CONVERSATION_START.json":                           &callback.ConversationStartEvent{},
	"CONVERSATION_STOP.json":                            &callback.ConversationStopEvent{},
	"CONVERSATION_DELETE.json":                          &callback.ConversationDeleteEvent{},
	"CONTACT_CREATE.json":                               &callback.ContactCreateEvent{},
	"CONTACT_DELETE.json":                               &callback.ContactDeleteEvent{},
	"CONTACT_MERGE.json":                                &callback.ContactMergeEvent{},
	"CONTACT_UPDATE.json":                               &callback.ContactUpdateEvent{},
	"CONTACT_IDENTITIES_DUPLICATION.json":               &callback.ContactIdentitiesDuplicationEvent{},
	"UNSUPPORTED.json":                                  &callback.UnsupportedCallbackEvent{},
	"OPT_IN.json":                                       &callback.OptInEvent{},
	"OPT_OUT.json":                                      &callback.OptOutEvent{},
	"CHANNEL_EVENT.json":                                &callback.ChannelEvent{},
	"CAPABILITY.json":                                   &callback.CapabilityEvent{},
	"RECORD_NOTIFICATION.json":                          &callback.RecordNotificationEvent{},
	"BATCH_STATUS_UPDATE.json":                          &callback.BatchStatusUpdateEvent{},
}

func TestParseEveryTrigger(t *testing.T) {
	triggers := map[callback.Trigger]bool{}
	for name, want := range fixtureTypes {
		t.Run(name, func(t *testing.T) {
			raw := readFixture(t, name)
			ev, err := callback.Parse(raw)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if reflect.TypeOf(ev) != reflect.TypeOf(want) {
				t.Fatalf("type = %T, want %T", ev, want)
			}
			trigger := strings.SplitN(name, ".", 2)[0]
			if string(ev.Trigger()) != trigger {
				t.Errorf("Trigger() = %q, want %q (from the file name)", ev.Trigger(), trigger)
			}
			triggers[ev.Trigger()] = true
			if !strings.HasPrefix(ev.DedupKey(), trigger+":") {
				t.Errorf("DedupKey() = %q, want prefix %q", ev.DedupKey(), trigger+":")
			}
			if &ev.RawJSON()[0] != &raw[0] {
				t.Error("RawJSON() is not the parsed body")
			}

			// The embedded payload equals a plain json.Unmarshal into the generated type.
			direct := reflect.New(reflect.TypeOf(want).Elem().Field(0).Type)
			if err := json.Unmarshal(raw, direct.Interface()); err != nil {
				t.Fatal(err)
			}
			got := reflect.ValueOf(ev).Elem().Field(0).Interface()
			if !reflect.DeepEqual(got, direct.Elem().Interface()) {
				t.Errorf("payload differs from json.Unmarshal into %s", direct.Elem().Type())
			}

			// The envelope matches the body's own top-level fields.
			var env struct {
				AppID           string     `json:"app_id"`
				ProjectID       string     `json:"project_id"`
				AcceptedTime    *time.Time `json:"accepted_time"`
				EventTime       *time.Time `json:"event_time"`
				MessageMetadata string     `json:"message_metadata"`
				CorrelationID   string     `json:"correlation_id"`
			}
			if err := json.Unmarshal(raw, &env); err != nil {
				t.Fatal(err)
			}
			e := ev.Envelope()
			if e.AppID != env.AppID || e.ProjectID != env.ProjectID || e.MessageMetadata != env.MessageMetadata || e.CorrelationID != env.CorrelationID {
				t.Errorf("Envelope() = %+v, body has %+v", e, env)
			}
			if e.AppID == "" || e.ProjectID == "" {
				t.Errorf("fixture envelope lacks app or project id: %+v", e)
			}
			if env.AcceptedTime != nil && !e.AcceptedTime.Equal(*env.AcceptedTime) {
				t.Errorf("AcceptedTime = %v, want %v", e.AcceptedTime, *env.AcceptedTime)
			}
			if env.EventTime != nil && !e.EventTime.Equal(*env.EventTime) {
				t.Errorf("EventTime = %v, want %v", e.EventTime, *env.EventTime)
			}
		})
	}
	if len(triggers) != 22 {
		t.Errorf("%d distinct triggers parsed, want 22", len(triggers))
	}
}

// Every callback fixture in contract_tests (several variants per trigger) parses into a typed
// event of the trigger its file name states.
func TestParseContractFixtures(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "contract_tests", "testdata", "*", "callbacks", "*.json"))
	if len(files) == 0 {
		// The fixtures live in this repository: finding none means the path broke, not that
		// there is nothing to check.
		t.Fatal("no contract callback fixtures found under contract_tests/testdata/*/callbacks")
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ev, err := callback.Parse(raw)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		if want := strings.SplitN(filepath.Base(f), ".", 2)[0]; string(ev.Trigger()) != want {
			t.Errorf("%s: Trigger() = %q (%T)", filepath.Base(f), ev.Trigger(), ev)
		}
	}
}

func TestParseTypedFieldsReachable(t *testing.T) {
	ev, err := callback.Parse(readFixture(t, "MESSAGE_DELIVERY.FAILED.json"))
	if err != nil {
		t.Fatal(err)
	}
	d := ev.(*callback.MessageDeliveryEvent)
	r := d.MessageDeliveryReport
	if r.MessageID != "01HZX6D8E2G4J6L8N0Q2S4U6WX" || r.Status != conversation.DeliveryStatus("FAILED") ||
		r.ChannelIdentity.Channel != conversation.ConversationChannel("WHATSAPP") {
		t.Errorf("report = %+v", r)
	}
	if got, want := d.DedupKey(), "MESSAGE_DELIVERY:01HZX6D8E2G4J6L8N0Q2S4U6WX:FAILED:WHATSAPP"; got != want {
		t.Errorf("DedupKey() = %q, want %q", got, want)
	}
	if d.Envelope().CorrelationID != "checkout-4711" || d.AppID != "01HZX4K9Q7M2V8R3T6Y1B5N0CA" {
		t.Errorf("envelope = %+v", d.Envelope())
	}

	in, err := callback.Parse(readFixture(t, "MESSAGE_INBOUND.text.json"))
	if err != nil {
		t.Fatal(err)
	}
	m := in.(*callback.MessageInboundEvent)
	if m.Message.ContactMessage.TextMessage.Text == "" {
		t.Errorf("text not reachable: %+v", m.Message)
	}
	if got, want := m.DedupKey(), "MESSAGE_INBOUND:01HZX7A1B3D5F7H9K1M3P5R7T9"; got != want {
		t.Errorf("DedupKey() = %q, want %q", got, want)
	}
}

func TestDedupKeys(t *testing.T) {
	cases := []struct{ body, want string }{
		{`{"app_id":"a","project_id":"p","message_delivery_report":{"message_id":"M1","status":"DELIVERED","channel_identity":{"channel":"SMS","identity":"1"}}}`, "MESSAGE_DELIVERY:M1:DELIVERED:SMS"},
		{`{"message_delivery_report":{"message_id":"M1","status":"READ"}}`, "MESSAGE_DELIVERY:M1:READ:"},
		{`{"event_delivery_report":{"event_id":"E1","status":"FAILED","channel_identity":{"channel":"RCS","identity":"1"}}}`, "EVENT_DELIVERY:E1:FAILED:RCS"},
		{`{"message_submit_notification":{"message_id":"M2","channel_identity":{"channel":"MMS","identity":"1"}}}`, "MESSAGE_SUBMIT:M2:MMS"},
		{`{"event":{"id":"E2"}}`, "EVENT_INBOUND:E2"},
		{`{"message_redaction":{"id":"M3"}}`, "MESSAGE_INBOUND_SMART_CONVERSATION_REDACTION:M3"},
		{`{"smart_conversation_notification":{"message_id":"M4"}}`, "SMART_CONVERSATION:M4"},
		{`{"conversation_start_notification":{"conversation":{"id":"C1"}}}`, "CONVERSATION_START:C1"},
		{`{"conversation_stop_notification":{"conversation":{"id":"C1"}}}`, "CONVERSATION_STOP:C1"},
		{`{"conversation_delete_notification":{"conversation":{"id":"C1"}}}`, "CONVERSATION_DELETE:C1"},
		{`{"contact_create_notification":{"contact":{"id":"K1"}}}`, "CONTACT_CREATE:K1"},
		{`{"contact_delete_notification":{"contact":{"id":"K1"}}}`, "CONTACT_DELETE:K1"},
		{`{"contact_merge_notification":{"preserved_contact":{"id":"K1"},"deleted_contact":{"id":"K2"}}}`, "CONTACT_MERGE:K1:K2"},
		{`{"capability_notification":{"request_id":"R1"}}`, "CAPABILITY:R1"},
		{`{"opt_in_notification":{"request_id":"R2"}}`, "OPT_IN:R2"},
		{`{"opt_out_notification":{"request_id":"R3"}}`, "OPT_OUT:R3"},
		{`{"unsupported_callback":{"id":"U1"}}`, "UNSUPPORTED:U1"},
		{`{"record_notification":{"entity_id":"X1","record_status":"EVENT_RECORD_STORED"}}`, "RECORD_NOTIFICATION:X1:EVENT_RECORD_STORED"},
		{`{"batch_status_update_notification":{"batch_id":"B1","status":"PROCESSED"}}`, "BATCH_STATUS_UPDATE:B1:PROCESSED"},
	}
	for _, c := range cases {
		ev, err := callback.Parse([]byte(c.body))
		if err != nil {
			t.Errorf("%s: %v", c.body, err)
			continue
		}
		if got := ev.DedupKey(); got != c.want {
			t.Errorf("%s: DedupKey() = %q, want %q", c.body, got, c.want)
		}
	}

	// Without an id, the key is the digest of the body: equal for equal bodies, different otherwise.
	digest := []string{
		`{"contact_update_notification":{"contact":{"id":"K1","display_name":"A"}}}`,
		`{"contact_update_notification":{"contact":{"id":"K1","display_name":"B"}}}`,
		`{"channel_event_notification":{"channel_event":{"channel":"WHATSAPP","event_type":"X"}}}`,
		`{"duplicated_contact_identities_notification":{"duplicated_identities":[]}}`,
		`{"message":{}}`,
		`{"opt_in_notification":{"channel":"WHATSAPP"}}`,
		`{"future_notification":{"id":"F1"}}`,
	}
	seen := map[string]string{}
	for _, b := range digest {
		ev, err := callback.Parse([]byte(b))
		if err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		k := ev.DedupKey()
		if !strings.Contains(k, ":sha256:") || len(k) < 64 {
			t.Errorf("%s: DedupKey() = %q, want a body digest", b, k)
		}
		again, _ := callback.Parse([]byte(b))
		if again.DedupKey() != k {
			t.Errorf("%s: digest key not stable", b)
		}
		if prev, dup := seen[k]; dup {
			t.Errorf("%s and %s share key %s", b, prev, k)
		}
		seen[k] = b
	}
}

func TestParseUnknown(t *testing.T) {
	raw := []byte(`{"app_id":"01HZX4K9Q7M2V8R3T6Y1B5N0CA","project_id":"p-1","accepted_time":"2026-11-25T14:20:04.118Z",
		"correlation_id":"c-9","payment_status_notification":{"id":"x","amount":5},"extra":[1,2]}`)
	ev, err := callback.Parse(raw)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	u, ok := ev.(*callback.UnknownEvent)
	if !ok {
		t.Fatalf("type = %T, want *UnknownEvent", ev)
	}
	if u.Trigger() != callback.TriggerUnknown {
		t.Errorf("Trigger() = %q", u.Trigger())
	}
	env := u.Envelope()
	want := time.Date(2026, 11, 25, 14, 20, 4, 118e6, time.UTC)
	if env.AppID != "01HZX4K9Q7M2V8R3T6Y1B5N0CA" || env.ProjectID != "p-1" || !env.AcceptedTime.Equal(want) || env.CorrelationID != "c-9" {
		t.Errorf("Envelope() = %+v", env)
	}
	if !reflect.DeepEqual(u.Keys, []string{"payment_status_notification", "extra"}) {
		t.Errorf("Keys = %q", u.Keys)
	}
	if string(u.RawJSON()) != string(raw) {
		t.Error("RawJSON() differs from the body")
	}
	if !strings.HasPrefix(u.DedupKey(), "UNKNOWN:sha256:") {
		t.Errorf("DedupKey() = %q", u.DedupKey())
	}
	// A body with no payload key at all (an empty object, envelope fields only, a trigger key
	// whose last value is null) has nothing to handle: ErrNoPayload, answered 400.
	for _, b := range []string{`{}`, ` { } `, `{"app_id":"a","project_id":"p"}`, `{"message":null,"app_id":"a"}`, `{"message":{"id":"a"},"message":null}`} {
		ev, err := callback.Parse([]byte(b))
		if !errors.Is(err, callback.ErrNoPayload) || !errors.Is(err, callback.ErrMalformed) || ev != nil {
			t.Errorf("%s: Parse = %T, %v; want ErrNoPayload", b, ev, err)
		}
	}
	// Envelope fields of an unexpected form in an unknown payload are left empty rather than
	// failing the parse (found by FuzzParse).
	ev, err = callback.Parse([]byte(`{"accepted_time":"yesterday","app_id":{"x":1},"project_id":7,"new_thing":{}}`))
	if err != nil {
		t.Fatalf("lenient envelope: %v", err)
	}
	if e := ev.Envelope(); !e.AcceptedTime.IsZero() || e.AppID != "" || e.ProjectID != "" {
		t.Errorf("lenient envelope: %+v", e)
	}
}

func TestParseEscapedKey(t *testing.T) {
	// "\u006dessage" is "message": encoding/json and Parse must agree.
	ev, err := callback.Parse([]byte(`{"\u006dessage":{"id":"M9"},"app_id":"a","project_id":"p"}`))
	if err != nil {
		t.Fatal(err)
	}
	if m, ok := ev.(*callback.MessageInboundEvent); !ok || m.Message.ID != "M9" {
		t.Fatalf("got %T %+v", ev, ev)
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, body string
		want       error
	}{
		{"empty", ``, callback.ErrMalformed},
		{"whitespace", "  \n", callback.ErrMalformed},
		{"array", `[{"message":{}}]`, callback.ErrMalformed},
		{"string", `"message"`, callback.ErrMalformed},
		{"null", `null`, callback.ErrMalformed},
		{"truncated", `{"message":{"id":"M1"`, callback.ErrMalformed},
		{"unterminated string", `{"message":{"id":"M1}}`, callback.ErrMalformed},
		{"missing colon", `{"message" {}}`, callback.ErrMalformed},
		{"trailing garbage", `{"message":{"id":"M1"}} x`, callback.ErrMalformed},
		{"trailing garbage unknown", `{"nope":1}}`, callback.ErrMalformed},
		{"bad literal unknown", `{"nope":tru}`, callback.ErrMalformed},
		{"two triggers", `{"message":{"id":"M1"},"message_delivery_report":{"message_id":"M1"}}`, callback.ErrAmbiguous},
		{"two triggers, one re-set", `{"message":null,"event":{},"message":{}}`, callback.ErrAmbiguous},
		{"two triggers, invalid JSON", `{"message":{},"event":A}`, callback.ErrMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev, err := callback.Parse([]byte(c.body))
			if !errors.Is(err, c.want) {
				t.Fatalf("Parse = %v, %v; want error %v", ev, err, c.want)
			}
			if ev != nil {
				t.Errorf("event %T returned with an error", ev)
			}
		})
	}
}

func TestParseErrorsQuoteNoBodyValues(t *testing.T) {
	secretish := "4711-PRIVATE-VALUE"
	for _, b := range []string{
		`{"message":{"id":"` + secretish + `"`,
		`{"message":{"id":"x","injected":"` + secretish + `"}} trailing`,
		`{"` + secretish + `":1,}`,
	} {
		_, err := callback.Parse([]byte(b))
		if err == nil {
			t.Fatalf("%s: no error", b)
		}
		if strings.Contains(err.Error(), secretish) {
			t.Errorf("error quotes the body: %v", err)
		}
	}
}

// TestParseTolerates: a JSON object with a trigger key always parses. Values that do not fit
// the generated types are left zero, named (by path, never by value) in Skipped, and kept in
// RawJSON; the other fields are decoded as usual, including those after the bad value.
func TestParseTolerates(t *testing.T) {
	secretish := "4711-PRIVATE-VALUE"
	cases := []struct {
		name, body string
		skipped    []string
		check      func(callback.Event) bool
	}{
		{"wrong type", `{"message":{"id":5,"contact_id":"C1"}}`, []string{"message.id"},
			func(ev callback.Event) bool { return ev.(*callback.MessageInboundEvent).Message.ContactID == "C1" }},
		{"payload not an object", `{"app_id":"A1","message":"hello"}`, []string{"message"},
			func(ev callback.Event) bool { return ev.Envelope().AppID == "A1" }},
		{"bad time, fields after it still read", `{"accepted_time":"` + secretish + `","message":{"id":"M1","injected":true},"app_id":"A1"}`, []string{"accepted_time"},
			func(ev callback.Event) bool {
				m := ev.(*callback.MessageInboundEvent)
				return m.Message.ID == "M1" && m.Message.Injected && m.AppID == "A1"
			}},
		{"reason as a string", `{"message_delivery_report":{"message_id":"M2","status":"FAILED","reason":"` + secretish + `"}}`, []string{"message_delivery_report.reason"},
			func(ev callback.Event) bool {
				r := ev.(*callback.MessageDeliveryEvent)
				return r.MessageDeliveryReport.MessageID == "M2" && r.MessageDeliveryReport.Status == "FAILED"
			}},
		{"bad element of a list", `{"contact_create_notification":{"contact":{"id":"C3","channel_identities":[{"channel":"SMS","identity":"+1"},7]}}}`,
			[]string{"contact_create_notification.contact.channel_identities[1]"},
			func(ev callback.Event) bool {
				c := ev.(*callback.ContactCreateEvent).ContactCreateNotification.Contact
				return c.ID == "C3" && len(c.ChannelIdentities) == 2 && c.ChannelIdentities[0].Identity == "+1"
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev, err := callback.Parse([]byte(c.body))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			skipped := ev.(interface{ Skipped() []string }).Skipped()
			if !reflect.DeepEqual(skipped, c.skipped) {
				t.Errorf("Skipped() = %q, want %q", skipped, c.skipped)
			}
			if strings.Contains(strings.Join(skipped, " "), secretish) {
				t.Errorf("Skipped quotes a value: %q", skipped)
			}
			if !c.check(ev) {
				t.Errorf("fields not decoded: %+v", ev)
			}
			if string(ev.RawJSON()) != c.body {
				t.Error("RawJSON differs from the body")
			}
		})
	}
}
