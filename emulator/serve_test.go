package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/go-chi/chi/v5"
)

// TestSendAnswerJSONIsEncodingJSON checks that the send answer writes the bytes json.Marshal
// gives, and that it still has the fields appendJSON writes.
func TestSendAnswerJSONIsEncodingJSON(t *testing.T) {
	typ := reflect.TypeFor[sendAnswer]()
	var fields []string
	for i := range typ.NumField() {
		f := typ.Field(i)
		fields = append(fields, f.Name+" "+string(f.Tag))
	}
	want := []string{`AcceptedTime json:"accepted_time"`, `MessageID json:"message_id"`}
	if !reflect.DeepEqual(fields, want) {
		t.Fatalf("sendAnswer's fields are %q; appendJSON writes %q: update it", fields, want)
	}
	for _, a := range []sendAnswer{
		{},
		{AcceptedTime: "2026-11-30T02:00:00.123Z", MessageID: "01KBX0000000000000000000AB"},
		{AcceptedTime: `<a href="x">&</a>`, MessageID: "quote\" back\\ tab\t nl\n \u2028\u2029 é"},
		{AcceptedTime: "\xff\xfe invalid", MessageID: "\x00\x1f"},
	} {
		assertSendAnswerJSON(t, a)
	}
}

func assertSendAnswerJSON(t *testing.T, a sendAnswer) {
	t.Helper()
	want, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	if got := a.appendJSON(nil); !bytes.Equal(got, want) {
		t.Fatalf("appendJSON(%#v) = %s; json.Marshal gives %s", a, got, want)
	}
}

// FuzzSendAnswerJSON holds appendJSON equal to json.Marshal for any strings.
func FuzzSendAnswerJSON(f *testing.F) {
	f.Add("2026-11-30T02:00:00Z", "01KBX")
	f.Add("<&>", "\xff\u2028")
	f.Fuzz(func(t *testing.T, accepted, id string) {
		assertSendAnswerJSON(t, sendAnswer{AcceptedTime: accepted, MessageID: id})
	})
}

// TestWriteJSONAnswer checks the answer writeJSON gives for an appender: status, header and
// body as for any other value.
func TestWriteJSONAnswer(t *testing.T) {
	w := httptest.NewRecorder()
	writeJSON(w, http.StatusOK, sendAnswer{AcceptedTime: "t", MessageID: "m"})
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/json" || w.Body.String() != `{"accepted_time":"t","message_id":"m"}` {
		t.Fatalf("got %d %v %s", w.Code, w.Header(), w.Body)
	}
	// A header value is shared between answers: changing one answer's must not change others'.
	w.Header().Add("Content-Type", "text/plain")
	w2 := httptest.NewRecorder()
	writeJSON(w2, http.StatusOK, map[string]any{})
	if got := w2.Header().Values("Content-Type"); len(got) != 1 || got[0] != "application/json" {
		t.Fatalf("Content-Type = %q", got)
	}
}

// TestReadBody checks the bodies readBody reads: of a stated length (into a pooled buffer),
// of unknown length, longer than stated, over the limit, and one whose reading fails.
func TestReadBody(t *testing.T) {
	small := `{"a":1}` // shorter than the smallest buffer, 512 bytes
	big := strings.Repeat("x", maxPooledBody+10)
	tests := []struct {
		name       string
		body       io.Reader
		length     int64
		want       string
		wantPooled bool
		wantErr    bool
	}{
		{"stated length", strings.NewReader(small), int64(len(small)), small, true, false},
		{"empty", http.NoBody, 0, "", true, false},
		{"unknown length", strings.NewReader(small), -1, small, false, false},
		{"longer than stated", strings.NewReader(small), 3, small, true, false},
		{"longer than stated and its buffer", strings.NewReader(strings.Repeat("y", 2000)), 3, strings.Repeat("y", 2000), false, false},
		{"longer than pooled", strings.NewReader(big), int64(len(big)), big, false, false},
		{"over the limit", bytes.NewReader(make([]byte, maxBodyBytes+1)), -1, "", false, true},
		{"over the limit after a short length", bytes.NewReader(make([]byte, maxBodyBytes+1)), 10, "", false, true},
		{"read error", iotest.ErrReader(errors.New("boom")), 5, "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", nil)
			r.Body, r.ContentLength = io.NopCloser(tt.body), tt.length
			raw, pooled, err := readBody(httptest.NewRecorder(), r)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if (pooled != nil) != tt.wantPooled {
				t.Fatalf("pooled = %v, want %v", pooled != nil, tt.wantPooled)
			}
			if err == nil && string(raw) != tt.want {
				t.Fatalf("read %d bytes %.20q, want %d bytes", len(raw), raw, len(tt.want))
			}
			if pooled != nil {
				pooled.release()
			}
		})
	}
}

// TestServeCallReusesNoLiveBody sends two different bodies one after the other and checks
// that the first stored message keeps its own content after the second request reused the
// body buffer.
func TestServeCallReusesNoLiveBody(t *testing.T) {
	s, body := benchEnvWith(t)
	h := s.ConversationHandler()
	send := func(b []byte) string {
		w := serveSend(h, b)
		if w.Code != 200 {
			t.Fatalf("status %d: %s", w.Code, w.Body)
		}
		var a struct {
			MessageID string `json:"message_id"`
		}
		_ = json.Unmarshal(w.Body.Bytes(), &a)
		return a.MessageID
	}
	first := send(body)
	second := send(bytes.ReplaceAll(body, []byte("order-4711"), []byte("ORDER-9999")))
	for id, want := range map[string]string{first: "order-4711", second: "ORDER-9999"} {
		req := httptest.NewRequest("GET", "/v1/projects/bench/messages/"+id, nil)
		req.Header.Set("Authorization", "Bearer t")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if !strings.Contains(w.Body.String(), want) {
			t.Fatalf("message %s: %s; want its metadata %s", id, w.Body, want)
		}
	}
}

// TestDirectRoutingAnswersAsChi sends the same requests through the handler that serves
// operations directly (withRegions with its operations) and through chi alone, and checks
// that the answers are the same: status, headers and body. The requests change nothing, or
// change it the same way twice (a second delete of the same app), so that the two answers can
// be compared byte for byte.
func TestDirectRoutingAnswersAsChi(t *testing.T) {
	e := newEnv(t)
	app := e.createApp("DISPATCH")
	euApp := func() string {
		_, out := e.do("POST", e.srv.ConversationURL()+"/eu/v1/projects/"+testProject+"/apps", appBody("eu", "DISPATCH"))
		return out["id"].(string)
	}()
	direct := e.srv.withRegions(e.srv.conversationRouter())
	mux, _ := e.srv.conversationRouter()
	chiOnly := e.srv.withRegions(mux, nil)
	bdirect := e.srv.withRegions(e.srv.batchRouter())
	bmux, _ := e.srv.batchRouter()
	bchiOnly := e.srv.withRegions(bmux, nil)

	send := `{"app_id":"` + app + `","recipient":{"identified_by":{"channel_identities":[{"channel":"SMS","identity":"+15551230001"}]}},"message":{"text_message":{"text":"hi"}}}`
	p := "/v1/projects/" + testProject
	tests := []struct {
		method, path, body string
		batch              bool
	}{
		{"GET", p + "/apps/" + app, "", false},
		{"GET", "/us" + p + "/apps/" + app, "", false},
		{"GET", "/eu" + p + "/apps/" + app, "", false}, // another region's app: 404 with a hint
		{"GET", "/eu" + p + "/apps/" + euApp, "", false},
		{"GET", p + "/apps/" + euApp, "", false},
		{"GET", p + "/apps", "", false},
		{"GET", p + "/messages/nope", "", false},
		{"GET", "/br" + p + "/messages/nope", "", false},
		{"GET", p + "/contacts/%2B4670%2F1", "", false}, // escaped: chi routes by the raw path
		{"GET", p + "/messages:send", "", false},        // a path whose method is not served
		{"DELETE", p + "/messages:send", "", false},
		{"POST", p + "/messages:send", `{"app_id":`, false},                         // not JSON
		{"POST", p + "/messages:send", `{"recipient":{}}`, false},                   // invalid
		{"POST", p + "/messages:send", strings.Replace(send, app, euApp, 1), false}, // region mismatch
		{"POST", "/eu" + p + "/messages:send", send, false},
		{"GET", "/v2/projects/" + testProject + "/templates/nope", "", false},
		{"PUT", "/v2/projects/" + testProject + "/templates/nope", `{"description":"x"}`, false},
		{"GET", "/_emulator/info", "", false},
		{"GET", "/_emulator/messages/nope", "", false},
		{"GET", "/nowhere", "", false},
		{"GET", "/eu/nowhere", "", false},
		{"GET", "/v1/projects//apps", "", false},
		{"POST", "/oauth2/token", "grant_type=client_credentials", false},
		{"GET", p + "/batches/nope", "", true},
		{"POST", p + "/batches:send", `{}`, true},
		{"GET", "/eu" + p + "/nowhere", "", true},
	}
	answer := func(h http.Handler, method, path, body string) (int, http.Header, string) {
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req := httptest.NewRequest(method, path, rd)
		req.Header.Set("Authorization", "Bearer t")
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w.Code, w.Header(), w.Body.String()
	}
	for _, tt := range tests {
		a, b := direct, chiOnly
		if tt.batch {
			a, b = bdirect, bchiOnly
		}
		s1, h1, b1 := answer(a, tt.method, tt.path, tt.body)
		s2, h2, b2 := answer(b, tt.method, tt.path, tt.body)
		if s1 != s2 || !reflect.DeepEqual(h1, h2) || b1 != b2 {
			t.Errorf("%s %s:\ndirect:   %d %v %s\nchi only: %d %v %s", tt.method, tt.path, s1, h1, b1, s2, h2, b2)
		}
	}
}

// TestDirectRoutingLeavesMiddlewareToChi checks that operations of a router with middleware
// are served through chi, so that the middleware runs.
func TestDirectRoutingLeavesMiddlewareToChi(t *testing.T) {
	e := newEnv(t)
	mux := chi.NewRouter()
	mux.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Through-Chi", "yes")
			next.ServeHTTP(w, r)
		})
	})
	direct := map[opKey]*opRoute{}
	e.srv.mountOps(mux, e.srv.conversationOps(), e.srv.convIx, direct)
	h := e.srv.withRegions(mux, direct)
	for _, path := range []string{"/v1/projects/p/messages/nope", "/eu/v1/projects/p/messages/nope"} {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Authorization", "Bearer t")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusNotFound || w.Header().Get("X-Through-Chi") != "yes" || !strings.Contains(w.Body.String(), "nope") {
			t.Errorf("GET %s: %d %v %s; want the operation's 404, through the middleware", path, w.Code, w.Header(), w.Body)
		}
	}
}

// TestASCIIEqualFoldIsToLower checks asciiEqualFold against strings.ToLower for the schemes
// authenticate compares, on spellings that differ in case, length and non-ASCII letters.
func TestASCIIEqualFoldIsToLower(t *testing.T) {
	for _, lower := range []string{"bearer", "basic"} {
		for _, s := range []string{"bearer", "Bearer", "BEARER", "bEaReR", "basic", "Basic", "BASIC", "bearer ", "bear", "",
			"baſic", "BASİC", "bearer\u212a", "bas\u0131c", "Digest", "basiC"} {
			if got, want := asciiEqualFold(s, lower), strings.ToLower(s) == lower; got != want {
				t.Errorf("asciiEqualFold(%q, %q) = %v, strings.ToLower gives %v", s, lower, got, want)
			}
		}
	}
}
