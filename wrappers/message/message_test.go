package message_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/relaykit/sinch-go/gen/conversation"
	"github.com/relaykit/sinch-go/specs"
	"github.com/relaykit/sinch-go/wrappers/message"
	"github.com/relaykit/sinch-go/wrappers/recipient"
)

// validate encodes v and checks it against the named schema of the Conversation API spec.
func validate(t *testing.T, schema string, v any) {
	t.Helper()
	if err := check(schema, v); err != nil {
		raw, _ := json.Marshal(v)
		t.Fatalf("%s does not match %s: %v", raw, schema, err)
	}
}

func check(schema string, v any) error {
	doc, err := specs.Load(specs.Conversation)
	if err != nil {
		return err
	}
	ref := doc.Components.Schemas[schema]
	if ref == nil || ref.Value == nil {
		return &missingSchema{schema}
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var decoded any
	if err := json.Unmarshal(raw, &decoded); err != nil {
		return err
	}
	return ref.Value.VisitJSON(decoded, openapi3.MultiErrors())
}

type missingSchema struct{ name string }

func (e *missingSchema) Error() string { return "no schema " + e.name }

func TestAppMessagesMatchSpec(t *testing.T) {
	start := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	choices := []conversation.Choice{
		message.TextChoice("Yes", "answer=yes"),
		message.URLChoice("Track", "https://example.com/track/123"),
		message.CallChoice("Call us", "+46701234567"),
		message.LocationChoice("Our shop", 59.3293, 18.0686),
		message.CalendarChoice("Save the date", "Delivery", start, start.Add(time.Hour), "https://example.com/cal"),
		message.ShareLocationChoice("Share your location", "https://example.com/where"),
		message.WithPostback(message.URLChoice("Docs", "https://example.com"), "docs"),
	}
	tests := map[string]conversation.AppMessage{
		"text":             message.Text("Your order has shipped"),
		"media":            message.Media("https://example.com/a.jpg", message.Thumbnail("https://example.com/t.jpg"), message.Filename("a.jpg")),
		"card":             message.Card("Order #123", "Arrives Tuesday", "https://example.com/box.jpg", choices[:3]...),
		"card, text only":  message.Card("Order #123", "", ""),
		"carousel":         message.Carousel([]conversation.CardMessage{message.CardContent("A", "first", "https://example.com/a.jpg"), message.CardContent("B", "second", "", message.TextChoice("Pick B", "b"))}, message.TextChoice("None", "none")),
		"choice":           message.Choices("Pick one", choices...),
		"choice, no text":  message.Choices("", message.TextChoice("OK", "")),
		"list":             message.List("Menu", "Pick a dish", message.Section("Mains", message.Item("Pasta", "with tomato", "pasta"), message.Item("Soup", "", "")), message.Section("", message.Product("sku-1", "catalog-7"))),
		"location":         message.Location("Head office", 59.3293, 18.0686, "Stockholm"),
		"contact info":     message.ContactInfo("Ada Lovelace", "+46701234567", "+46707654321"),
		"omni template":    message.Template(message.TemplateRef("01W4FFL35P4NC4K35TEMPL0001", "2", "en-US", map[string]string{"name": "Ada"})),
		"channel template": message.ChannelTemplate(map[conversation.ConversationChannel]conversation.TemplateReference{"WHATSAPP": message.TemplateRef("order_update", "", "en_US", nil)}, conversation.TemplateReference{}),
		"channel + omni":   message.ChannelTemplate(map[conversation.ConversationChannel]conversation.TemplateReference{"WHATSAPP": message.TemplateRef("order_update", "", "", nil)}, message.TemplateRef("omni-1", "", "", nil)),
	}
	for name, m := range tests {
		t.Run(name, func(t *testing.T) { validate(t, "AppMessage", m) })
	}
	for i, c := range choices {
		validate(t, "Choice", c)
		_ = i
	}
}

func TestValidatorRejectsTwoKinds(t *testing.T) {
	// Guards the test above: a message with two kinds breaks the spec's exactly-one rule.
	m := message.Text("hi")
	m.MediaMessage = message.Media("https://example.com/a.jpg").MediaMessage
	if err := check("AppMessage", m); err == nil {
		t.Fatal("validator accepted an AppMessage with two kinds")
	}
}

func TestSendRequestWithFallbackMatchesSpec(t *testing.T) {
	req := conversation.SendMessageRequest{
		AppID:             "01W4FFL35P4NC4K35CONVAPP001",
		Recipient:         recipient.Fallback(recipient.SMS("+46701234567"), recipient.WhatsApp("+46701234567")),
		Message:           message.Text("Your code is 123456"),
		ChannelProperties: message.Properties(message.SMSSender("+15550001111"), message.SMSMaxParts(3)),
	}
	validate(t, "SendMessageRequest", req)
	raw, _ := json.Marshal(req)
	var got struct {
		Recipient struct {
			IdentifiedBy struct {
				ChannelIdentities []struct{ Channel, Identity string } `json:"channel_identities"`
			} `json:"identified_by"`
		} `json:"recipient"`
		Order []string          `json:"channel_priority_order"`
		Props map[string]string `json:"channel_properties"`
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	ids := got.Recipient.IdentifiedBy.ChannelIdentities
	if len(ids) != 2 || ids[0].Channel != "SMS" || ids[1].Channel != "WHATSAPP" || ids[0].Identity != "+46701234567" {
		t.Fatalf("identities %+v", ids)
	}
	if got.Order != nil { // the identities' order is the fallback order; nothing else is sent
		t.Fatalf("order %v", got.Order)
	}
	if got.Props["SMS_SENDER"] != "+15550001111" || got.Props["SMS_MAX_NUMBER_OF_MESSAGE_PARTS"] != "3" {
		t.Fatalf("props %v", got.Props)
	}
}

func TestProperties(t *testing.T) {
	if message.Properties() != nil {
		t.Fatal("no properties must give nil (omitted from JSON)")
	}
	p := message.Properties(message.SMSSender("A"), message.SMSFlash(), message.MMSSender("B"), message.SMSSender("C"))
	if p["SMS_SENDER"] != "C" || p["SMS_FLASH_MESSAGE"] != "true" || p["MMS_SENDER"] != "B" || len(p) != 3 {
		t.Fatalf("%v", p)
	}
}

func TestMediaIgnoresNilOption(t *testing.T) {
	m := message.Media("https://example.com/a.jpg", nil, message.Filename("a.jpg"))
	if m.MediaMessage.URL != "https://example.com/a.jpg" || m.MediaMessage.FilenameOverride != "a.jpg" {
		t.Fatalf("%+v", m.MediaMessage)
	}
}
