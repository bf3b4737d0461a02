package recipient_test

import (
	"encoding/json"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/relaykit/sinch-go/gen/conversation"
	"github.com/relaykit/sinch-go/specs"
	"github.com/relaykit/sinch-go/wrappers/recipient"
)

func validRecipient(r conversation.Recipient) error {
	doc, err := specs.Load(specs.Conversation)
	if err != nil {
		return err
	}
	raw, _ := json.Marshal(r)
	var v any
	_ = json.Unmarshal(raw, &v)
	return doc.Components.Schemas["Recipient"].Value.VisitJSON(v, openapi3.MultiErrors())
}

func TestRecipientsMatchSpec(t *testing.T) {
	to := recipient.Fallback(recipient.RCS("+46701234567"), recipient.SMS("+46701234567"), recipient.MMS("+15550001111"))
	for name, r := range map[string]conversation.Recipient{
		"contact":  recipient.Contact("01W4FFL35P4NC4K35CONTACT01"),
		"identity": recipient.Identity("MESSENGER", "6536326183122088"),
		"fallback": to,
	} {
		if err := validRecipient(r); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Guard: both alternatives at once break the exactly-one rule.
	both := recipient.Contact("c")
	both.IdentifiedBy = recipient.Identity("SMS", "+1").IdentifiedBy
	if validRecipient(both) == nil {
		t.Fatal("validator accepted contact_id and identified_by together")
	}
}

func TestFallbackKeepsTargetsInOrder(t *testing.T) {
	tests := []struct {
		name    string
		targets []recipient.Target
	}{
		{"sms then whatsapp", []recipient.Target{recipient.SMS("+1"), recipient.WhatsApp("+1")}},
		{"rcs then sms", []recipient.Target{recipient.RCS("+1"), recipient.SMS("+1")}},
		{"a channel twice", []recipient.Target{recipient.SMS("+1"), recipient.WhatsApp("+1"), recipient.SMS("+2")}},
		{"any channel", []recipient.Target{recipient.On("VIBERBM", "+1")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ids := recipient.Fallback(tt.targets...).IdentifiedBy.ChannelIdentities
			if len(ids) != len(tt.targets) {
				t.Fatalf("identities %v", ids)
			}
			for i, tg := range tt.targets {
				if ids[i].Channel != tg.Channel || ids[i].Identity != tg.Identity {
					t.Fatalf("identity %d = %+v, want %+v", i, ids[i], tg)
				}
			}
		})
	}
}
