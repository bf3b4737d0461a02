package emulator

import (
	"strings"
	"testing"

	"github.com/relaykit/sinch-go/gen/templates"
)

// The typed store: records are the generated models; these tests cover what the move from
// JSON documents had to keep (update masks, fields answered even when false) and what it
// fixed.

func TestUpdateMaskOnTypedRecords(t *testing.T) {
	e := newEnv(t)
	app := e.createApp("DISPATCH")
	url := e.conv("/apps/" + app + "?update_mask=callback_settings.secret_for_overridden_callback_urls")
	got := e.must(200, "PATCH", url, map[string]any{"display_name": "ignored", "callback_settings": map[string]any{"secret_for_overridden_callback_urls": "s1"}})
	if str(got, "callback_settings", "secret_for_overridden_callback_urls") != "s1" || str(got, "display_name") == "ignored" {
		t.Fatalf("a dotted mask path: %v", got)
	}
	// A masked path missing from the body is cleared.
	got = e.must(200, "PATCH", url, map[string]any{})
	if str(got, "callback_settings", "secret_for_overridden_callback_urls") != "" {
		t.Fatalf("a masked path missing from the body stays: %v", got)
	}
	// Without a mask every field of the body is written; the id never is.
	got = e.must(200, "PATCH", e.conv("/apps/"+app), map[string]any{"display_name": "renamed", "id": "other"})
	if str(got, "display_name") != "renamed" || str(got, "id") != app {
		t.Fatalf("an update without a mask: %v", got)
	}
	// A path through a list names no field.
	e.must(400, "PATCH", e.conv("/apps/"+app+"?update_mask=channel_credentials.channel"), map[string]any{})
}

func TestFalseFieldsStayInAnswers(t *testing.T) {
	e := newEnv(t)
	e.must(200, "POST", e.conv("/settings"), map[string]any{"contact_settings": map[string]any{"unified_contact_id_enabled": true}})
	got := e.must(200, "PATCH", e.conv("/settings"), map[string]any{"contact_settings": map[string]any{"unified_contact_id_enabled": false}})
	if v, ok := obj(dig(got, "settings", "contact_settings"))["unified_contact_id_enabled"]; !ok || v != false {
		t.Fatalf("unified_contact_id_enabled false is left out: %v", got)
	}
}

func TestBatchConsentsCheckEveryRecordFirst(t *testing.T) {
	e := newEnv(t)
	app := e.createApp("DISPATCH")
	e.must(400, "POST", e.batch("/consents"), map[string]any{"app_id": app, "consent_records": []any{
		map[string]any{"identification": "+15552000001"}, map[string]any{"identification": ""},
	}})
	if l := arr(e.must(200, "GET", e.conv("/apps/"+app+"/consents/OPT_OUT_ALL"), nil)["identities"]); len(l) != 0 {
		t.Fatalf("a refused request changed the list: %v", l)
	}
	if a := arr(e.must(200, "GET", e.conv("/apps/"+app+"/consents/identities/%2B15552000001"), nil)["audit_records"]); len(a) != 0 {
		t.Fatalf("a refused request left audit records: %v", a)
	}
}

func TestDecodeRequestErrorsNameTheFieldNotTheValue(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{`{"app_id": 5}`, "app_id must be of JSON type string"},
		{`{"send_after": "next tuesday SECRET-VALUE"}`, "not an RFC 3339 time"},
	} {
		_, err := decodeRequest[batchRequest](&call{raw: []byte(tc.body)})
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), "5") {
			t.Errorf("%s: %v, want an error saying %q without the value", tc.body, err, tc.want)
		}
	}
}

func TestFindTranslationByTemplateVersion(t *testing.T) {
	// After an update that left the "en" translation unchanged, it keeps version "1" while
	// the template is at version 2: asking for either finds it.
	tpl := &templates.Template{ID: "t", Version: 2, DefaultTranslation: "en", Translations: []templates.TemplateTranslation{{LanguageCode: "en", Version: "1"}}}
	for _, v := range []string{"", "latest", "1", "2"} {
		if findTranslation(tpl, "en", v) == nil {
			t.Errorf("version %q: no translation", v)
		}
	}
	if findTranslation(tpl, "en", "3") != nil {
		t.Error("version 3 found a translation")
	}
}
