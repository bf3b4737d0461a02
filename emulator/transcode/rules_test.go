package transcode

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/relaykit/sinch-go/gen/conversation"
)

// msgJSON builds an app message from JSON, as a request body carries it.
func msgJSON(t testing.TB, s string) conversation.AppMessage {
	t.Helper()
	var m conversation.AppMessage
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("bad fixture %s: %v", s, err)
	}
	return m
}

func textChoices(n, titleLen int) string {
	var cs []string
	for i := 0; i < n; i++ {
		title := strings.Repeat("x", titleLen-1) + string(rune('a'+i))
		cs = append(cs, `{"text_message":{"text":"`+title+`"}}`)
	}
	return strings.Join(cs, ",")
}

func choiceMsg(text, choices string) string {
	return `{"choice_message":{"text_message":{"text":"` + text + `"},"choices":[` + choices + `]}}`
}

// TestWhatsAppChoiceConditions: each documented condition for reply buttons, and the text
// fallback when one is broken (choice-message page, WhatsApp section).
func TestWhatsAppChoiceConditions(t *testing.T) {
	cases := []struct {
		name   string
		msg    string
		native bool
		field  string
	}{
		{"three short text choices", choiceMsg("Pick", textChoices(3, 5)), true, ""},
		{"four choices", choiceMsg("Pick", textChoices(4, 5)), false, "choice_message.choices"},
		{"choice text of 20", choiceMsg("Pick", textChoices(2, 20)), true, ""},
		{"choice text of 21", choiceMsg("Pick", textChoices(2, 21)), false, "choice_message.choices[0].text_message.text"},
		{"markdown in a choice", choiceMsg("Pick", `{"text_message":{"text":"*Yes*"}}`), false, "choice_message.choices[0].text_message.text"},
		{"repeated choice", choiceMsg("Pick", `{"text_message":{"text":"Yes"}},{"text_message":{"text":"Yes"}}`), false, "choice_message.choices"},
		{"postback of 229", choiceMsg("Pick", `{"text_message":{"text":"Yes"},"postback_data":"`+strings.Repeat("p", 229)+`"}`), true, ""},
		{"postback of 230", choiceMsg("Pick", `{"text_message":{"text":"Yes"},"postback_data":"`+strings.Repeat("p", 230)+`"}`), false, "choice_message.choices[0].postback_data"},
		{"text of 1025", choiceMsg(strings.Repeat("t", 1025), textChoices(2, 3)), false, "choice_message.text_message.text"},
		{"no text", `{"choice_message":{"choices":[` + textChoices(2, 3) + `]}}`, false, "choice_message.text_message"},
		{"a call choice", choiceMsg("Pick", `{"text_message":{"text":"A"}},{"call_message":{"title":"Call","phone_number":"+15550100000"}}`), false, "choice_message.choices"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Transcode(WhatsApp, msgJSON(t, c.msg), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if r.Native != c.native {
				t.Fatalf("Native = %v, want %v (%s)", r.Native, c.native, r.JSON)
			}
			var p struct {
				Type        string
				Interactive struct{ Type string }
				Text        struct{ Body string }
			}
			if err := json.Unmarshal([]byte(r.JSON), &p); err != nil {
				t.Fatal(err)
			}
			if c.native {
				if p.Type != "interactive" || p.Interactive.Type != "button" || r.Form != FormButtons || len(r.Violations) != 0 {
					t.Fatalf("want reply buttons, got %s %v", r.JSON, r.Violations)
				}
				return
			}
			if p.Type != "text" || p.Text.Body != r.Text || r.Form != FormText {
				t.Fatalf("want the text rendering, got %s", r.JSON)
			}
			if len(r.Violations) != 1 || r.Violations[0].Field != c.field || r.Violations[0].Fails {
				t.Fatalf("violations %+v, want one non-failing on %s", r.Violations, c.field)
			}
			if _, failed := r.Failure(); failed {
				t.Fatal("a text fallback must not fail delivery")
			}
		})
	}
}

// TestWhatsAppSingleURLChoice: one URL choice is a call-to-action URL button.
func TestWhatsAppSingleURLChoice(t *testing.T) {
	r, err := Transcode(WhatsApp, msgJSON(t, choiceMsg("Your pass", `{"url_message":{"title":"Open","url":"https://example.test/p"}}`)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Native || !strings.Contains(r.JSON, `"type":"cta_url"`) || !strings.Contains(r.JSON, `"url":"https://example.test/p"`) {
		t.Fatalf("want a cta_url button, got %s", r.JSON)
	}
}

// TestWhatsAppCardConditions: a card within the limits is reply buttons with the media as
// header and the description as footer; a long description makes it a captioned image.
func TestWhatsAppCardConditions(t *testing.T) {
	card := func(desc string) string {
		return `{"card_message":{"title":"Tart","description":"` + desc + `","media_message":{"url":"https://example.test/t.jpg"},"choices":[` + textChoices(2, 4) + `]}}`
	}
	r, err := Transcode(WhatsApp, msgJSON(t, card(strings.Repeat("d", 60))), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Native || !strings.Contains(r.JSON, `"header":{"image":{"link":"https://example.test/t.jpg"},"type":"image"}`) || !strings.Contains(r.JSON, `"footer":{"text":"`+strings.Repeat("d", 60)) {
		t.Fatalf("want buttons with image header and footer, got %s", r.JSON)
	}
	r, err = Transcode(WhatsApp, msgJSON(t, card(strings.Repeat("d", 61))), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Type  string
		Image struct{ Link, Caption string }
	}
	if err := json.Unmarshal([]byte(r.JSON), &p); err != nil {
		t.Fatal(err)
	}
	if r.Native || r.Form != FormMedia || p.Type != "image" || !strings.HasPrefix(p.Image.Caption, "Tart\n"+strings.Repeat("d", 61)+"\n1. ") {
		t.Fatalf("want a captioned image, got %s", r.JSON)
	}
	if strings.Contains(p.Image.Caption, "t.jpg") {
		t.Errorf("the caption repeats the media URL: %q", p.Image.Caption)
	}
}

// TestTextRenderings: each rich kind on SMS shows what the docs show for it.
func TestTextRenderings(t *testing.T) {
	cases := []struct{ name, msg, want string }{
		{"choice lists its choices", choiceMsg("Confirm?", `{"text_message":{"text":"Yes"}},{"url_message":{"title":"Details","url":"https://example.test/d"}},{"call_message":{"title":"Call us","phone_number":"+15550100000"}}`),
			"Confirm?\n1. Yes\n2. Details: https://example.test/d\n3. Call us: +15550100000"},
		{"card shows title, description, media and choices", `{"card_message":{"title":"T","description":"D","media_message":{"url":"https://example.test/m.png"},"choices":[{"text_message":{"text":"Go"}}]}}`,
			"T\nD\nhttps://example.test/m.png\n1. Go"},
		{"carousel shows its cards, numbering choices across them", `{"carousel_message":{"cards":[{"title":"A","choices":[{"text_message":{"text":"a"}}]},{"title":"B","choices":[{"text_message":{"text":"b"}}]}],"choices":[{"text_message":{"text":"more"}}]}}`,
			"A\n1. a\n\nB\n2. b\n\n3. more"},
		{"location shows title, label, coordinates and a maps link", `{"location_message":{"title":"HQ","label":"Main door","coordinates":{"latitude":1.5,"longitude":-2.25}}}`,
			"HQ\nMain door\n1.5, -2.25\nhttps://maps.google.com/?q=1.5,-2.25"},
		{"list shows sections and items", `{"list_message":{"title":"Menu","sections":[{"title":"Hot","items":[{"choice":{"title":"Tea","description":"green"}}]},{"title":"Cold","items":[{"choice":{"title":"Juice"}}]}]}}`,
			"Menu\nHot\n1. Tea - green\nCold\n2. Juice"},
		{"contact shows its fields", `{"contact_info_message":{"name":{"full_name":"Ann Lee"},"phone_numbers":[{"phone_number":"+15550100001","type":"MOBILE"}],"email_addresses":[{"email_address":"ann@example.test"}]}}`,
			"Ann Lee\nPhone (mobile): +15550100001\nEmail: ann@example.test"},
		{"media is its URL", `{"media_message":{"url":"https://example.test/a.mp4"}}`, "https://example.test/a.mp4"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Transcode(SMS, msgJSON(t, c.msg), Options{})
			if err != nil {
				t.Fatal(err)
			}
			var p struct{ Body string }
			if err := json.Unmarshal([]byte(r.JSON), &p); err != nil {
				t.Fatal(err)
			}
			if r.Text != c.want || p.Body != c.want {
				t.Fatalf("text %q, body %q, want %q", r.Text, p.Body, c.want)
			}
		})
	}
}

// TestSMSMaxParts: SMS_MAX_NUMBER_OF_MESSAGE_PARTS fails a message that needs more parts
// with MESSAGE_SPLIT_REQUIRED, passes one that fits, and a malformed value is an error.
func TestSMSMaxParts(t *testing.T) {
	long := msgJSON(t, `{"text_message":{"text":"`+strings.Repeat("é", 100)+strings.Repeat("ж", 100)+`"}}`) // UCS-2, 200 units: 3 parts
	props := func(v string) Options { return Options{ChannelProperties: map[string]string{SMSMaxPartsProperty: v}} }
	r, err := Transcode(SMS, long, props("2"))
	if err != nil {
		t.Fatal(err)
	}
	v, failed := r.Failure()
	if !failed || v.Reason != "MESSAGE_SPLIT_REQUIRED" || v.Limit != 2 || v.Actual != 3 || r.SMS.Encoding != UCS2 || r.SMS.MaxParts != 2 {
		t.Fatalf("want MESSAGE_SPLIT_REQUIRED for 3 parts over 2, got %+v %+v", r.Violations, r.SMS)
	}
	if !strings.Contains(r.JSON, `"max_number_of_message_parts":2`) {
		t.Errorf("the batch does not carry the limit: %s", r.JSON)
	}
	r, err = Transcode(SMS, long, props("3"))
	if err != nil {
		t.Fatal(err)
	}
	if _, failed := r.Failure(); failed {
		t.Fatalf("3 parts within a limit of 3 failed: %+v", r.Violations)
	}
	// The limit is an SMS property: other channels ignore it.
	if r, _ := Transcode(WhatsApp, long, props("1")); len(r.Violations) != 0 || r.SMS != nil {
		t.Fatalf("WhatsApp result carries SMS facts: %+v", r)
	}
	for _, bad := range []string{"0", "-1", "two", "1.5"} {
		if _, err := Transcode(SMS, long, props(bad)); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), SMSMaxPartsProperty) {
			t.Errorf("%s=%q: err %v, want ErrInvalid naming the property", SMSMaxPartsProperty, bad, err)
		}
	}
}

// TestInvalidMessages: what the API refuses outright is an error wrapping ErrInvalid.
func TestInvalidMessages(t *testing.T) {
	cases := []struct{ name, msg, channel, want string }{
		{"no content", `{}`, "SMS", "has no content"},
		{"two kinds", `{"text_message":{"text":"a"},"media_message":{"url":"https://example.test/a.png"}}`, "SMS", "text_message and media_message"},
		{"unknown channel", `{"text_message":{"text":"a"}}`, "FAX", `unknown channel "FAX"`},
		{"choice with two kinds", choiceMsg("x", `{"text_message":{"text":"a"},"url_message":{"title":"b","url":"https://example.test"}}`), "SMS", "choice_message.choices[0]"},
		{"choice with no kind", choiceMsg("x", `{"postback_data":"p"}`), "RCS", "choice_message.choices[0]"},
		// The models are value types: an empty template_message reads as no content at all.
		{"template with neither reference", `{"template_message":{}}`, "WHATSAPP", "has no content"},
		{"template with an empty omni reference", `{"template_message":{"omni_template":{}}}`, "WHATSAPP", "has no content"},
		{"template for another channel only", `{"template_message":{"channel_template":{"WHATSAPP":{"template_id":"t"}}}}`, "SMS", "none for SMS"},
		{"override for another channel only", `{"explicit_channel_message":{"WHATSAPP":"{}"}}`, "SMS", "content only for WHATSAPP"},
		{"list mixing items", `{"list_message":{"title":"t","sections":[{"items":[{"choice":{"title":"a"}},{"product":{"id":"p","marketplace":"FACEBOOK"}}]}]}}`, "WHATSAPP", "mixes choice and product"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Transcode(Channel(c.channel), msgJSON(t, c.msg), Options{})
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v, want ErrInvalid containing %q", err, c.want)
			}
		})
	}
}

// TestOverrides: explicit_channel_message is sent as given on its channel only;
// explicit_channel_omni_message replaces the content on its channel only; a
// channel_template wins over omni_template on its channel.
func TestOverrides(t *testing.T) {
	msg := msgJSON(t, `{"text_message":{"text":"generic"},
		"explicit_channel_message":{"WHATSAPP":"{\"type\":\"text\",\"text\":{\"body\":\"raw\"}}"},
		"explicit_channel_omni_message":{"RCS":{"location_message":{"title":"HQ","coordinates":{"latitude":1,"longitude":2}}}}}`)
	wa, err := Transcode(WhatsApp, msg, Options{})
	if err != nil || wa.Kind != KindExplicit || wa.JSON != `{"type":"text","text":{"body":"raw"}}` || wa.Text != "raw" || !wa.Native {
		t.Fatalf("explicit payload: %+v %v", wa, err)
	}
	rcs, err := Transcode(RCS, msg, Options{})
	if err != nil || rcs.Kind != KindLocation || rcs.Form != FormTextWithSuggestions {
		t.Fatalf("omni override: %+v %v", rcs, err)
	}
	sms, err := Transcode(SMS, msg, Options{})
	if err != nil || sms.Kind != KindText || sms.Text != "generic" {
		t.Fatalf("generic content elsewhere: %+v %v", sms, err)
	}
	tpl := msgJSON(t, `{"template_message":{"omni_template":{"template_id":"omni"},"channel_template":{"WHATSAPP":{"template_id":"wa_name"}}}}`)
	if r, _ := Transcode(WhatsApp, tpl, Options{}); !strings.Contains(r.JSON, `"name":"wa_name"`) {
		t.Errorf("channel_template not used on WhatsApp: %s", r.JSON)
	}
	if r, _ := Transcode(SMS, tpl, Options{}); !strings.Contains(r.Text, "omni") {
		t.Errorf("omni_template not used on SMS: %s", r.Text)
	}
}

// TestNativeTable: the kinds of Sinch's channel-support table.
func TestNativeTable(t *testing.T) {
	cases := []struct {
		ch   Channel
		kind Kind
		want bool
	}{
		{SMS, KindChoice, false}, {SMS, KindLocation, true}, {MMS, KindCard, true}, {MMS, KindCarousel, false},
		{RCS, KindCarousel, true}, {RCS, KindLocation, false}, {WhatsApp, KindCarousel, false}, {WhatsApp, KindList, true},
		{Messenger, KindCarousel, true}, {Instagram, KindLocation, false}, {Telegram, KindLocation, true},
		{LINE, KindCarousel, true}, {WeChat, KindChoice, false}, {ViberBM, KindCard, true}, {KakaoTalk, KindCarousel, false},
		{Channel("FAX"), KindText, false}, {Channel("FAX"), KindExplicit, false},
	}
	for _, c := range cases {
		if got := Native(c.ch, c.kind); got != c.want {
			t.Errorf("Native(%s, %s) = %v, want %v", c.ch, c.kind, got, c.want)
		}
	}
}

// TestChannelLimits: limits that fail delivery, and those the channel applies by changing
// the message.
func TestChannelLimits(t *testing.T) {
	// RCS rich card: title at most 200 characters, at most 4 suggestions.
	card := `{"card_message":{"title":"` + strings.Repeat("t", 201) + `","choices":[` + textChoices(5, 3) + `]}}`
	r, err := Transcode(RCS, msgJSON(t, card), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var fields []string
	for _, v := range r.Violations {
		if v.Fails && v.Reason == "BAD_REQUEST" {
			fields = append(fields, v.Field)
		}
	}
	if strings.Join(fields, ",") != "card_message.title,card_message.choices" {
		t.Errorf("RCS card violations %+v", r.Violations)
	}
	// Viber Business Messages cuts text at 1000 characters and still delivers.
	r, err = Transcode(ViberBM, msgJSON(t, `{"text_message":{"text":"`+strings.Repeat("v", 1200)+`"}}`), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, failed := r.Failure(); failed || runes(r.Text) != 1000 || len(r.Violations) != 1 || r.Violations[0].Actual != 1200 {
		t.Errorf("ViberBM truncation: %d chars, %+v", runes(r.Text), r.Violations)
	}
	// MMS: a card title is the subject, cut at 80 characters.
	r, err = Transcode(MMS, msgJSON(t, `{"card_message":{"title":"`+strings.Repeat("s", 90)+`","description":"body"}}`), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.JSON, `"subject":"`+strings.Repeat("s", 80)+`"`) || strings.Contains(r.JSON, `"message-text":"`+strings.Repeat("s", 5)) {
		t.Errorf("MMS subject: %s", r.JSON)
	}
	// WhatsApp list: at most 10 items.
	var items []string
	for i := 0; i < 11; i++ {
		items = append(items, `{"choice":{"title":"i`+itoa(i)+`"}}`)
	}
	r, err = Transcode(WhatsApp, msgJSON(t, `{"list_message":{"title":"L","sections":[{"items":[`+strings.Join(items, ",")+`]}]}}`), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if v, failed := r.Failure(); !failed || v.Limit != 10 || v.Actual != 11 {
		t.Errorf("WhatsApp list of 11: %+v", r.Violations)
	}
	// WhatsApp text: at most 4096 characters.
	r, _ = Transcode(WhatsApp, msgJSON(t, `{"text_message":{"text":"`+strings.Repeat("w", 4097)+`"}}`), Options{})
	if v, failed := r.Failure(); !failed || v.Limit != 4096 {
		t.Errorf("WhatsApp text of 4097: %+v", r.Violations)
	}
}

// TestRCSCarousel: one card is a standalone card; several are a carousel with the outer
// choices as suggestions.
func TestRCSCarousel(t *testing.T) {
	one, err := Transcode(RCS, msgJSON(t, `{"carousel_message":{"cards":[{"title":"A"}]}}`), Options{})
	if err != nil || one.Form != FormRichCard || !strings.Contains(one.JSON, "standaloneCard") {
		t.Fatalf("one card: %+v %v", one, err)
	}
	two, err := Transcode(RCS, msgJSON(t, `{"carousel_message":{"cards":[{"title":"A"},{"title":"B"}],"choices":[{"text_message":{"text":"More"}}]}}`), Options{})
	if err != nil || two.Form != FormCarousel || !strings.Contains(two.JSON, `"carouselCard"`) || !strings.Contains(two.JSON, `"suggestions":[{"reply":{"postbackData":"More","text":"More"}}]`) {
		t.Fatalf("two cards: %+v %v", two, err)
	}
	// RCS_CARD_ORIENTATION and the thumbnail alignment reach a standalone card.
	h, _ := Transcode(RCS, msgJSON(t, `{"card_message":{"title":"A"}}`), Options{ChannelProperties: map[string]string{"RCS_CARD_ORIENTATION": "HORIZONTAL", "RCS_CARD_THUMBNAIL_IMAGE_ALIGNMENT": "RIGHT"}})
	if !strings.Contains(h.JSON, `"cardOrientation":"HORIZONTAL"`) || !strings.Contains(h.JSON, `"thumbnailImageAlignment":"RIGHT"`) {
		t.Errorf("orientation: %s", h.JSON)
	}
}

// TestTemplateLookup: an omni_template is looked up through Options.Template, its variables
// filled from the parameters, and transcoded as its content; a channel_template is the
// channel's own template and is not looked up.
func TestTemplateLookup(t *testing.T) {
	var asked []TemplateRef
	store := func(ref TemplateRef) (conversation.AppMessage, bool) {
		asked = append(asked, ref)
		if ref.ID != "shipped" {
			return conversation.AppMessage{}, false
		}
		return msgJSON(t, choiceMsg("Hi ${name}, order ${order} ships today. ${unknown}", `{"text_message":{"text":"Track"}}`)), true
	}
	msg := msgJSON(t, `{"template_message":{"omni_template":{"template_id":"shipped","version":"3","language_code":"en_US","parameters":{"name":"Ada","order":"4471"}},
		"channel_template":{"WHATSAPP":{"template_id":"shipped_wa","parameters":{"1":"Ada"}}}}}`)
	sms, err := Transcode(SMS, msg, Options{Template: store})
	if err != nil {
		t.Fatal(err)
	}
	if sms.Kind != KindTemplate || sms.Text != "Hi Ada, order 4471 ships today. ${unknown}\n1. Track" {
		t.Fatalf("SMS: kind %s text %q", sms.Kind, sms.Text)
	}
	if len(asked) != 1 || asked[0] != (TemplateRef{ID: "shipped", Version: "3", Language: "en_US"}) {
		t.Fatalf("looked up %+v", asked)
	}
	rcs, _ := Transcode(RCS, msg, Options{Template: store})
	if !rcs.Native || rcs.Form != FormButtons || !strings.Contains(rcs.JSON, "Hi Ada") {
		t.Fatalf("RCS: %+v", rcs)
	}
	wa, _ := Transcode(WhatsApp, msg, Options{Template: store})
	if len(asked) != 2 || wa.Form != FormTemplate || !strings.Contains(wa.JSON, `"name":"shipped_wa"`) {
		t.Fatalf("WhatsApp channel_template: asked %d, %s", len(asked), wa.JSON)
	}
	// A template the store lacks is shown as its reference, and never as a WhatsApp template.
	missing := msgJSON(t, `{"template_message":{"omni_template":{"template_id":"gone"}}}`)
	r, err := Transcode(WhatsApp, missing, Options{Template: store})
	if err != nil || r.Native || r.Form != FormText || r.Text != "[template gone]" {
		t.Fatalf("missing template: %+v %v", r, err)
	}
}

// TestCheckAgreesWithTranscode: Check reports, for every fixture message and the messages
// that break a limit, on every channel, what Transcode's Result.Failure reports, and the same
// error.
func TestCheckAgreesWithTranscode(t *testing.T) {
	files, err := filepath.Glob("testdata/messages/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixture messages: %v", err)
	}
	msgs := map[string]conversation.AppMessage{}
	for _, f := range files {
		msgs[filepath.Base(f)] = loadMessage(t, f)
	}
	msgs["long UCS-2 text"] = msgJSON(t, `{"text_message":{"text":"`+strings.Repeat("ж", 200)+`"}}`)
	msgs["long WhatsApp text"] = msgJSON(t, `{"text_message":{"text":"`+strings.Repeat("w", 4097)+`"}}`)
	msgs["RCS card over limits"] = msgJSON(t, `{"card_message":{"title":"`+strings.Repeat("t", 201)+`","choices":[`+textChoices(5, 3)+`]}}`)
	msgs["no content"] = conversation.AppMessage{}
	failures := 0
	for name, msg := range msgs {
		for _, ch := range append(Channels(), "NOT_A_CHANNEL") {
			for _, parts := range []string{"", "1", "x"} {
				opts := Options{To: "+15550100001"}
				if parts != "" {
					opts.ChannelProperties = map[string]string{SMSMaxPartsProperty: parts}
				}
				r, terr := Transcode(ch, msg, opts)
				want, wantBad := r.Failure()
				got, bad, cerr := Check(ch, msg, opts)
				if (terr == nil) != (cerr == nil) || (terr != nil && terr.Error() != cerr.Error()) {
					t.Errorf("%s on %s (parts %q): Check error %v, Transcode error %v", name, ch, parts, cerr, terr)
					continue
				}
				if terr == nil && (bad != wantBad || !reflect.DeepEqual(got, want)) {
					t.Errorf("%s on %s (parts %q): Check %v %+v, Transcode %v %+v", name, ch, parts, bad, got, wantBad, want)
				}
				if bad {
					failures++
				}
			}
		}
	}
	if failures == 0 {
		t.Fatal("no message failed on any channel: the comparison proves nothing")
	}
}
