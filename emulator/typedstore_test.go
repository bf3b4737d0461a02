package emulator

import (
	"fmt"
	"strings"
	"testing"

	"github.com/relaykit/sinch-go/gen/conversation"
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

func TestContactAndConversationIndexesFollowChanges(t *testing.T) {
	e := newEnv(t)
	app := e.createApp("CONVERSATION")
	count := func(url, key string) int { return len(arr(e.must(200, "GET", url, nil)[key])) }
	a := str(e.must(200, "POST", e.conv("/contacts"), map[string]any{"channel_identities": []any{map[string]any{"channel": "SMS", "identity": "+15550700001"}}, "language": "EN_US", "external_id": "crm-1"}), "id")
	e.must(200, "PATCH", e.conv("/contacts/"+a), map[string]any{"channel_identities": []any{map[string]any{"channel": "SMS", "identity": "+15550700002"}}, "external_id": "crm-2"})
	for q, want := range map[string]int{"identity=%2B15550700001": 0, "identity=%2B15550700002": 1, "external_id=crm-1": 0, "external_id=crm-2": 1} {
		if n := count(e.conv("/contacts?"+q), "contacts"); n != want {
			t.Errorf("listContacts?%s after an update: %d, want %d", q, n, want)
		}
	}
	// A send to the new identity finds the contact rather than creating one.
	e.must(200, "POST", e.conv("/messages:send"), map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15550700002"), "message": textMessage("x")})
	if n := count(e.conv("/contacts"), "contacts"); n != 1 {
		t.Fatalf("contacts after a send to a known identity: %d", n)
	}
	// A merge moves the source's conversation to the destination.
	b := str(e.must(200, "POST", e.conv("/contacts"), map[string]any{"channel_identities": []any{map[string]any{"channel": "SMS", "identity": "+15550700003"}}, "language": "EN_US"}), "id")
	e.must(200, "POST", e.conv("/conversations"), map[string]any{"app_id": app, "contact_id": b})
	e.must(200, "POST", e.conv("/contacts/"+a+":merge"), map[string]any{"source_id": b})
	if n := count(e.conv("/conversations?contact_id="+a), "conversations"); n != 2 {
		t.Errorf("conversations of the destination after a merge: %d, want 2", n)
	}
	if n := count(e.conv("/conversations?contact_id="+b), "conversations"); n != 0 {
		t.Errorf("conversations of the merged-away contact: %d, want 0", n)
	}
	if n := count(e.conv("/contacts?identity=%2B15550700003"), "contacts"); n != 1 {
		t.Errorf("the merged identity finds %d contacts, want 1", n)
	}
}

// BenchmarkSendKnownContact sends, in CONVERSATION mode, to the identity of a stored contact
// among 1,000 and 20,000 contacts (each with a conversation): finding the contact and its
// active conversation reads the indexes, so both sizes cost about the same.
func BenchmarkSendKnownContact(b *testing.B) {
	for _, n := range []int{1_000, 20_000} {
		b.Run(fmt.Sprintf("contacts=%d", n), func(b *testing.B) {
			s, err := newServer(Config{RateLimit: RateLimitOff, IngressRate: IngressUnlimited, IngressQueue: 1 << 30, DisableValidation: true})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			p := s.store.project("bench")
			app := &conversation.App{ID: s.newID(), ProcessingMode: conversation.ProcessingModeConversation,
				ChannelCredentials: []conversation.ChannelCredentials{{Channel: "SMS", StaticBearer: conversation.StaticBearerCredential{ClaimedIdentity: "bench", Token: "t"}}}}
			p.mu.Lock()
			defer p.mu.Unlock()
			p.apps.put(app.ID, app)
			for i := range n {
				ct := &conversation.Contact{ID: s.newID(), ChannelIdentities: []conversation.ChannelIdentity{{Channel: "SMS", Identity: fmt.Sprintf("+1555%07d", i)}}}
				p.contacts.put(ct.ID, ct)
				conv := &conversation.Conversation{ID: s.newID(), AppID: app.ID, ContactID: ct.ID, Active: true}
				p.conversations.put(conv.ID, conv)
			}
			ob := &outbox{s: s, projectID: "bench", proj: p}
			in := sendInput{appID: app.ID, recipient: smsRecipient("SMS", fmt.Sprintf("+1555%07d", n/2)), message: textMessage("x")}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.sendLocked(ob, in); err != nil {
					b.Fatal(err)
				}
				ob.out, ob.after, ob.sim, ob.moreSims = nil, nil, nil, nil
			}
			if len(p.contacts.ids) != n {
				b.Fatalf("the send created contacts: %d", len(p.contacts.ids))
			}
		})
	}
}
