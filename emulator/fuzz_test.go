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
)

var (
	fuzzOnce    sync.Once
	fuzzSrv     *Server
	fuzzHandler http.Handler
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
		fuzzSrv = s
		fuzzHandler = s.ConversationHandler()
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
		req := httptest.NewRequest(method, "http://emulator"+path, bytes.NewReader([]byte(body)))
		req.Header.Set("Authorization", "Bearer fuzz")
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		fuzzHandler.ServeHTTP(w, req)
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
