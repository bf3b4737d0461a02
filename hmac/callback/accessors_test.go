package callback_test

import (
	"strings"
	"testing"

	contracttests "github.com/relaykit/sinch-go/contract_tests"
	"github.com/relaykit/sinch-go/gen/conversation"
	"github.com/relaykit/sinch-go/hmac/callback"
)

// TestInboundAccessors reads every MESSAGE_INBOUND fixture of the contract corpus through the
// accessors: the kind its file is named for, and the matching Text, MediaURL, Postback, Channel
// and ReplyTo.
func TestInboundAccessors(t *testing.T) {
	kinds := map[string]callback.MessageKind{
		"text": callback.KindText, "reply": callback.KindText, "2020_channel": callback.KindText,
		"media": callback.KindMedia, "media_card": callback.KindMediaCard, "location": callback.KindLocation,
		"choice_response": callback.KindChoiceResponse, "product_response": callback.KindProductResponse,
		"fallback": callback.KindFallback,
	}
	fixtures, err := contracttests.Callbacks("conversation")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[callback.MessageKind]bool{}
	for _, f := range fixtures {
		if f.Trigger != "MESSAGE_INBOUND" {
			continue
		}
		t.Run(f.File, func(t *testing.T) {
			variant := strings.TrimSuffix(strings.TrimPrefix(f.File, "MESSAGE_INBOUND."), ".json")
			want, ok := kinds[variant]
			if !ok {
				t.Fatalf("no expected kind for fixture variant %q: add it to the table", variant)
			}
			ev, err := callback.Parse(f.Body)
			if err != nil {
				t.Fatal(err)
			}
			m := ev.(*callback.MessageInboundEvent)
			seen[m.Kind()] = true
			if m.Kind() != want {
				t.Fatalf("Kind() = %q, want %q", m.Kind(), want)
			}
			cm := m.Message.ContactMessage
			if got := m.Text(); (got != "") != (want == callback.KindText) || got != cm.TextMessage.Text {
				t.Errorf("Text() = %q for a %s message", got, want)
			}
			media := want == callback.KindMedia || want == callback.KindMediaCard
			if got := m.MediaURL(); (got != "") != media || !strings.HasPrefix(got, "http") && media {
				t.Errorf("MediaURL() = %q for a %s message", got, want)
			}
			if got := m.Postback(); (got != "") != (want == callback.KindChoiceResponse) {
				t.Errorf("Postback() = %q for a %s message", got, want)
			}
			if m.Channel() == "" {
				t.Error("Channel() is empty")
			}
			to := m.ReplyTo()
			ids := to.IdentifiedBy.ChannelIdentities
			switch ci := m.Message.ChannelIdentity; {
			case ci.Identity != "":
				if len(ids) != 1 || ids[0].Channel != ci.Channel || ids[0].Identity != ci.Identity || to.ContactID != "" {
					t.Errorf("ReplyTo() = %+v, want the identity %s on %s", to, ci.Identity, ci.Channel)
				}
			default: // a 2020 payload: no channel identity, a contact id
				if to.ContactID != m.Message.ContactID || to.ContactID == "" || len(ids) != 0 {
					t.Errorf("ReplyTo() = %+v, want the contact %s", to, m.Message.ContactID)
				}
			}
		})
	}
	for _, k := range kinds {
		if !seen[k] {
			t.Errorf("no fixture exercises kind %q", k)
		}
	}
}

func TestKindOfNone(t *testing.T) {
	if k := callback.KindOf(conversation.ContactMessage{}); k != callback.KindNone {
		t.Errorf("KindOf(empty) = %q", k)
	}
	var ev callback.MessageInboundEvent // nothing parsed at all: every accessor answers
	if ev.Kind() != callback.KindNone || ev.Text() != "" || ev.MediaURL() != "" || ev.Channel() != "" ||
		ev.ReplyTo().ContactID != "" || len(ev.ReplyTo().IdentifiedBy.ChannelIdentities) != 0 {
		t.Errorf("zero event: %q %q %q %q %+v", ev.Kind(), ev.Text(), ev.MediaURL(), ev.Channel(), ev.ReplyTo())
	}
}

func TestDeliveryReason(t *testing.T) {
	cases := []struct {
		name, body string
		want       conversation.Reason
	}{
		{"object", `{"message_delivery_report":{"message_id":"M1","status":"FAILED","reason":{"code":"RECIPIENT_NOT_REACHABLE","description":"gone"}}}`,
			conversation.Reason{Code: "RECIPIENT_NOT_REACHABLE", Description: "gone"}},
		{"2020 empty string", `{"message_delivery_report":{"message_id":"M1","status":"DELIVERED","reason":""}}`, conversation.Reason{}},
		{"string", `{"message_delivery_report":{"message_id":"M1","status":"FAILED","reason":"channel said no"}}`,
			conversation.Reason{Description: "channel said no"}},
		{"absent", `{"message_delivery_report":{"message_id":"M1","status":"READ"}}`, conversation.Reason{}},
		{"event string", `{"event_delivery_report":{"event_id":"E1","status":"FAILED","reason":"no typing on SMS"}}`,
			conversation.Reason{Description: "no typing on SMS"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev, err := callback.Parse([]byte(c.body))
			if err != nil {
				t.Fatal(err)
			}
			var got conversation.Reason
			switch e := ev.(type) {
			case *callback.MessageDeliveryEvent:
				got = e.Reason()
			case *callback.EventDeliveryEvent:
				got = e.Reason()
			}
			if got != c.want {
				t.Errorf("Reason() = %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestNormalizeTrigger(t *testing.T) {
	if got := callback.NormalizeTrigger("SMART_CONVERSATIONS"); got != callback.TriggerSmartConversation {
		t.Errorf("SMART_CONVERSATIONS -> %q", got)
	}
	for _, tr := range []callback.Trigger{callback.TriggerSmartConversation, callback.TriggerMessageInbound, "SOMETHING_NEW"} {
		if got := callback.NormalizeTrigger(tr); got != tr {
			t.Errorf("%s -> %q", tr, got)
		}
	}
	ev, err := callback.Parse([]byte(`{"smart_conversation_notification":{"message_id":"M1"}}`))
	if err != nil || callback.NormalizeTrigger(callback.TriggerSmartConversations) != ev.Trigger() {
		t.Errorf("a Smart Conversations callback: %v, %v", ev, err)
	}
}

// TestExampleOnEveryFixture runs ExampleParse's event printer over every callback fixture of
// the contract corpus: every one parses, and the printer never panics.
func TestExampleOnEveryFixture(t *testing.T) {
	for _, api := range []string{"conversation", "batch"} {
		fixtures, err := contracttests.Callbacks(api)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fixtures {
			ev, err := callback.Parse(f.Body)
			if err != nil {
				t.Errorf("%s: %v", f.File, err)
				continue
			}
			var out strings.Builder
			printEvent(&out, ev)
			if !strings.HasPrefix(out.String(), f.Trigger+" ") {
				t.Errorf("%s: printed %q", f.File, out.String())
			}
		}
	}
}
