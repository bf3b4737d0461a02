package emulator

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/relaykit/sinch-go/gen/conversation"
	"github.com/relaykit/sinch-go/gen/templates"
)

var (
	fuzzOnce    sync.Once
	fuzzSrv     *Server
	fuzzHandler http.Handler
	fuzzBatch   http.Handler
)

// fuzzServer is one emulator shared by every fuzz input (starting one per input would
// dominate the run).
func fuzzServer(t testing.TB) *Server {
	fuzzOnce.Do(func() {
		// Callbacks never leave the process: fuzzed webhooks may name any host.
		noNet := &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
			return nil, errors.New("no network in fuzz tests")
		})}
		s, err := New(Config{RateLimit: RateLimitOff, Callbacks: CallbackConfig{HTTPClient: noNet, MaxAttempts: 1}})
		if err != nil {
			t.Fatal(err)
		}
		seedFuzzState(s)
		fuzzSrv = s
		fuzzHandler = s.ConversationHandler()
		fuzzBatch = s.BatchHandler()
	})
	return fuzzSrv
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// FuzzRequests sends arbitrary bodies to operations that parse JSON: the emulator must never
// panic and never answer 500; every answer is JSON in Sinch's shape or a resource.
func FuzzRequests(f *testing.F) {
	seeds := []struct{ method, path, body string }{
		{"POST", "/v1/projects/p/messages:send", `{"app_id":"a","recipient":{"identified_by":{"channel_identities":[{"channel":"SMS","identity":"+1"}]}},"message":{"text_message":{"text":"hi"}}}`},
		{"POST", "/v1/projects/p/messages:send", `{"app_id":"a","recipient":{"contact_id":"c"},"message":{"card_message":{"title":"t"}},"channel_priority_order":["SMS"]}`},
		{"POST", "/v1/projects/p/apps", `{"display_name":"x","channel_credentials":[]}`},
		{"PATCH", "/v1/projects/p/apps/x?update_mask=a.b.c,", `{"a":{"b":1}}`},
		{"POST", "/v1/projects/p/contacts", `{"channel_identities":[{"channel":"SMS","identity":"+1"}],"language":"EN_US"}`},
		{"POST", "/v1/projects/p/webhooks", `{"app_id":"a","target":"http://x","target_type":"HTTP","triggers":["MESSAGE_INBOUND"]}`},
		{"POST", "/v1/projects/p/messages:fetch-last-message", `{"channel_identities":["+1"],"page_size":"x"}`},
		{"POST", "/v2/projects/p/templates", `{"default_translation":"en","translations":[{"language_code":"en","text_message":{"text":"${a"}}]}`},
		{"POST", "/v1/projects/p/conversations", `{"app_id":"a","contact_id":"b"}`},
		{"GET", "/v1/projects/p/contacts?page_token=cDE6&page_size=-1", ``},
		{"POST", "/v1/projects/p/messages:send", `[1,2,3]`},
		{"POST", "/v1/projects/p/messages:send", `{"app_id":null}`},
		{"POST", "/v1/projects/p/messages:send", `{"app_id":"a","recipient":{"contact_id":"c"},"message":{"text_message":{"text":"hi"}}}`},
		{"POST", "/v1/projects/p/events:send", `{"app_id":"a","recipient":{"contact_id":"c"},"event":{"composing_event":{}}}`},
		{"PATCH", "/v1/projects/p/contacts/c?update_mask=channel_identities,display_name", `{"display_name":"x"}`},
		{"PATCH", "/v1/projects/p/webhooks/w?update_mask=target", `{"target":"http://x"}`},
		{"PATCH", "/v1/projects/p/conversations/v?update_mask=metadata", `{"metadata":"m"}`},
		{"PUT", "/v2/projects/p/templates/t", `{"version":1,"default_translation":"en","translations":[{"language_code":"en","text_message":{"text":"x"}}]}`},
		{"POST", "/v1/projects/p/conversations/v:inject-message", `{"app_message":{"text_message":{"text":"x"}},"channel_identity":{"channel":"SMS","identity":"+1"},"direction":"TO_CONTACT"}`},
		{"POST", "/v1/projects/p/contacts/c:merge", `{"source_id":"c"}`},
		{"POST", "/v1/projects/p/capability:query", `{"app_id":"a","recipient":{"contact_id":"c"}}`},
		{"GET", "/v1/projects/p/conversations:recent?app_id=a&page_size=1", ``},
		{"POST", "/batch/v1/projects/p/messages", `{"app_id":"a","recipient_and_params":[{"recipient":{"contact_id":"c"},"parameters":{"name":"x"}}],"message":{"text_message":{"text":"${name}"}},"send_after":"2030-01-01T00:00:00Z"}`},
		{"DELETE", "/batch/v1/projects/p/messages", `{"metadata_key":"k","metadata_value":"v"}`},
		{"POST", "/batch/v1/projects/p/consents", `{"app_id":"a","consent_records":[{"identification":"+1"}]}`},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.body)
	}
	f.Fuzz(func(t *testing.T, method, path, body string) {
		fuzzServer(t)
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \r\n\t#") {
			return
		}
		if _, err := url.ParseRequestURI("http://emulator" + path); err != nil {
			return // not a request a client could send
		}
		switch method {
		case "GET", "POST", "PATCH", "PUT", "DELETE":
		default:
			return
		}
		h := fuzzHandler
		if rest, ok := strings.CutPrefix(path, "/batch/"); ok {
			// Paths under /batch/ go to the Batch listener's handler.
			h, path = fuzzBatch, "/"+rest
		}
		req := httptest.NewRequest(method, "http://emulator"+path, bytes.NewReader([]byte(body)))
		req.Header.Set("Authorization", "Bearer fuzz")
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", method, path, body, w.Code, w.Body)
		}
		if w.Body.Len() > 0 && !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
			t.Fatalf("%s %s: non-JSON answer %q", method, path, w.Body)
		}
	})
}

// FuzzControlInbound feeds arbitrary bodies to the inbound control endpoint.
func FuzzControlInbound(f *testing.F) {
	f.Add(`{"app_id":"a","channel":"SMS","identity":"+1","contact_message":{"text_message":{"text":"x"}}}`)
	f.Add(`{"contact_message":null}`)
	f.Add(`{`)
	f.Fuzz(func(t *testing.T, body string) {
		fuzzServer(t)
		req := httptest.NewRequest("POST", "http://emulator/_emulator/projects/p/inbound/messages", strings.NewReader(body))
		w := httptest.NewRecorder()
		fuzzHandler.ServeHTTP(w, req)
		if w.Code >= 500 {
			t.Fatalf("%q: %d %s", body, w.Code, w.Body)
		}
	})
}

// seedFuzzState gives project "p" an app "a" (CONVERSATION mode), a contact "c", a
// conversation "v", a webhook "w" of every trigger, a template "t" and settings, so that
// fuzzed requests that name them reach the handlers' logic rather than stopping at 404.
func seedFuzzState(s *Server) {
	p := s.store.project("p")
	p.mu.Lock()
	defer p.mu.Unlock()
	p.apps.put("a", &conversation.App{ID: "a", DisplayName: "fuzz", ProcessingMode: conversation.ProcessingModeConversation})
	p.contacts.put("c", &conversation.Contact{ID: "c", Language: "EN_US", ChannelPriority: []conversation.ConversationChannel{"WHATSAPP", "SMS"}, ChannelIdentities: []conversation.ChannelIdentity{
		{Channel: "SMS", Identity: "+15550100000"}, {Channel: "WHATSAPP", Identity: "+15550100001"},
	}})
	p.conversations.put("v", &conversation.Conversation{ID: "v", AppID: "a", ContactID: "c", Active: true, ActiveChannel: "SMS"})
	p.webhooks.put("w", &conversation.Webhook{ID: "w", AppID: "a", Target: "http://fuzz.invalid/hook", TargetType: conversation.WebhookTargetTypeHTTP, Secret: "s", Triggers: []conversation.WebhookTrigger{
		"MESSAGE_SUBMIT", "MESSAGE_DELIVERY", "EVENT_DELIVERY", "CONTACT_CREATE", "CONVERSATION_START", "BATCH_STATUS_UPDATE", "CAPABILITY",
	}})
	p.templates.put("t", &templates.Template{ID: "t", Version: 1, DefaultTranslation: "en", Translations: []templates.TemplateTranslation{{LanguageCode: "en", Version: "1", TextMessage: conversation.TextMessage{Text: "${name}"}}}})
	p.settings = &projectSettingsContent{}
}
