package emulator

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestTranscodeOverHTTP: messages:transcode answers each channel's payload from the
// transcoder: SMS lists a choice message's choices, WhatsApp gets reply buttons, RCS
// suggestions, and a bad message is a 400 that says what to fix.
func TestTranscodeOverHTTP(t *testing.T) {
	e := newEnv(t)
	app := e.createApp("DISPATCH")
	choice := map[string]any{"choice_message": map[string]any{
		"text_message": map[string]any{"text": "Keep your 10:15 slot?"},
		"choices": []any{
			map[string]any{"text_message": map[string]any{"text": "Keep it"}, "postback_data": "keep"},
			map[string]any{"text_message": map[string]any{"text": "Cancel"}, "postback_data": "cancel"},
		},
	}}
	out := e.must(200, "POST", e.conv("/messages:transcode"), map[string]any{
		"app_id": app, "app_message": choice, "channels": []any{"SMS", "WHATSAPP", "RCS"}, "to": "+15550300001",
	})
	payload := func(ch string) map[string]any {
		t.Helper()
		var d map[string]any
		s := str(out, "transcoded_message", ch)
		if err := json.Unmarshal([]byte(s), &d); err != nil {
			t.Fatalf("%s payload %q: %v", ch, s, err)
		}
		return d
	}
	if body, _ := payload("SMS")["body"].(string); body != "Keep your 10:15 slot?\n1. Keep it\n2. Cancel" {
		t.Errorf("SMS body %q does not list the choices", body)
	}
	wa := payload("WHATSAPP")
	if wa["type"] != "interactive" || str(wa, "interactive", "type") != "button" || wa["to"] != "+15550300001" {
		t.Errorf("WhatsApp payload %v, want interactive reply buttons to the recipient", wa)
	}
	if rcs, _ := json.Marshal(payload("RCS")); !strings.Contains(string(rcs), `"postbackData":"keep"`) {
		t.Errorf("RCS payload %s lacks the suggestion's postback data", rcs)
	}

	// Only the requested channels are answered.
	if n := len(obj(out["transcoded_message"])); n != 3 {
		t.Errorf("%d channels answered, want 3", n)
	}

	// A list mixing choices and products passes the schema but is refused by the transcoder,
	// naming what to fix.
	bad := map[string]any{"list_message": map[string]any{"title": "Pick", "sections": []any{map[string]any{"items": []any{
		map[string]any{"choice": map[string]any{"title": "A"}},
		map[string]any{"product": map[string]any{"id": "p1", "marketplace": "FACEBOOK"}},
	}}}}}
	st, body := e.do("POST", e.conv("/messages:transcode"), map[string]any{"app_id": app, "app_message": bad, "channels": []any{"SMS"}})
	if msg := str(body, "error", "message"); st != 400 || !strings.Contains(msg, "mixes choice and product items") || strings.Contains(msg, "transcode:") {
		t.Errorf("mixed list: %d %v, want 400 saying the list mixes kinds", st, body)
	}
}

// TestTranscodeTemplateOverHTTP: an omni_template is rendered from the template store with
// its parameters, in the language asked; a channel_template stays the channel's template.
func TestTranscodeTemplateOverHTTP(t *testing.T) {
	e := newEnv(t)
	app := e.createApp("DISPATCH")
	tp := e.must(200, "POST", e.tmpl("/templates"), map[string]any{
		"description": "Shipped", "default_translation": "en-US",
		"translations": []any{
			map[string]any{"language_code": "en-US", "text_message": map[string]any{"text": "Hi ${name}, order ${order} has shipped"},
				"variables": []any{map[string]any{"key": "name", "preview_value": "Jo"}, map[string]any{"key": "order", "preview_value": "1"}}},
			map[string]any{"language_code": "sv-SE", "text_message": map[string]any{"text": "Hej ${name}, order ${order} har skickats"}},
		},
	})
	ref := func(lang string) map[string]any {
		return map[string]any{"template_id": str(tp, "id"), "language_code": lang, "parameters": map[string]any{"name": "Ada", "order": "4471"}}
	}
	body := func(ch string, omni map[string]any) map[string]any {
		return map[string]any{"app_id": app, "channels": []any{ch}, "app_message": map[string]any{"template_message": map[string]any{
			"omni_template": omni, "channel_template": map[string]any{"WHATSAPP": map[string]any{"template_id": "shipped_wa", "language_code": "en_US"}},
		}}}
	}
	smsBody := func(out map[string]any) string {
		var d struct{ Body string }
		if err := json.Unmarshal([]byte(str(out, "transcoded_message", "SMS")), &d); err != nil {
			t.Fatal(err)
		}
		return d.Body
	}
	if got := smsBody(e.must(200, "POST", e.conv("/messages:transcode"), body("SMS", ref("")))); got != "Hi Ada, order 4471 has shipped" {
		t.Errorf("default translation on SMS: %q", got)
	}
	if got := smsBody(e.must(200, "POST", e.conv("/messages:transcode"), body("SMS", ref("sv-SE")))); got != "Hej Ada, order 4471 har skickats" {
		t.Errorf("sv-SE translation on SMS: %q", got)
	}
	wa := e.must(200, "POST", e.conv("/messages:transcode"), body("WHATSAPP", ref("")))
	if s := str(wa, "transcoded_message", "WHATSAPP"); !strings.Contains(s, `"name":"shipped_wa"`) {
		t.Errorf("WhatsApp channel_template: %s", s)
	}
	// A template the store lacks shows as its reference.
	missing := map[string]any{"template_id": "nope"}
	if got := smsBody(e.must(200, "POST", e.conv("/messages:transcode"), body("SMS", missing))); got != "[template nope]" {
		t.Errorf("missing template on SMS: %q", got)
	}
}
