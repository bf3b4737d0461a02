package commands

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/relaykit/sinch-go/emulator"
	"github.com/relaykit/sinch-go/hmac"
)

// The product's sample scripts (../shared/reference/scripts.md), each documented invocation run
// through `sinch` with the script's own flags: the request the CLI sends is recorded on its way
// to the in-process emulator, which validates it against the API's OpenAPI documents (a request
// the spec refuses fails the run with 400), and compared with the request the script sends,
// written here from the reference.

// recorded is one API request as it reached the emulator.
type recorded struct {
	method, path string
	query        url.Values
	body         []byte
}

// recorder sits in front of an emulator listener and keeps every API request (not the token
// requests).
type recorder struct {
	mu   sync.Mutex
	reqs []recorded
}

func (rc *recorder) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if !strings.HasSuffix(r.URL.Path, "/oauth2/token") {
			rc.mu.Lock()
			rc.reqs = append(rc.reqs, recorded{r.Method, r.URL.Path, r.URL.Query(), body})
			rc.mu.Unlock()
		}
		h.ServeHTTP(w, r)
	})
}

// last returns the newest request whose path ends with suffix and whose method is method.
func (rc *recorder) last(t *testing.T, method, suffix string) recorded {
	t.Helper()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for i := len(rc.reqs) - 1; i >= 0; i-- {
		if r := rc.reqs[i]; r.method == method && strings.HasSuffix(r.path, suffix) {
			return r
		}
	}
	t.Fatalf("no %s request to ...%s among %d", method, suffix, len(rc.reqs))
	return recorded{}
}

func (rc *recorder) count() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.reqs)
}

// recordingEmulator serves an emulator (validating requests) behind a recorder, and returns the
// environment that points the CLI at it.
func recordingEmulator(t *testing.T) (*recorder, map[string]string) {
	t.Helper()
	emu, err := emulator.New(emulator.Config{RateLimit: emulator.RateLimitOff, Callbacks: emulator.CallbackConfig{StepDelay: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emu.Close() })
	rc := &recorder{}
	conv := httptest.NewServer(rc.wrap(emu.ConversationHandler()))
	t.Cleanup(conv.Close)
	bat := httptest.NewServer(rc.wrap(emu.BatchHandler()))
	t.Cleanup(bat.Close)
	return rc, map[string]string{
		"SINCH_PROJECT_ID": "p-scripts", "SINCH_KEY_ID": "key", "SINCH_KEY_SECRET": "secret",
		"SINCH_CONVERSATION_URL": conv.URL, "SINCH_TEMPLATE_URL": conv.URL, "SINCH_BATCH_URL": bat.URL, "SINCH_AUTH_URL": conv.URL,
	}
}

// sameJSON fails unless got and want hold the same JSON value.
func sameJSON(t *testing.T, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("request body is not JSON: %v\n%s", err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad expectation: %v", err)
	}
	if !reflect.DeepEqual(g, w) {
		gi, _ := json.MarshalIndent(g, "", "  ")
		wi, _ := json.MarshalIndent(w, "", "  ")
		t.Errorf("request body\n%s\nwant\n%s", gi, wi)
	}
}

// rcsTo is the recipient of the send scripts: the number on RCS (and on SMS with --fallback-sms).
const (
	rcsTo       = `"recipient":{"identified_by":{"channel_identities":[{"channel":"RCS","identity":"+15551234567"}]}}`
	rcsSMSTo    = `"recipient":{"identified_by":{"channel_identities":[{"channel":"RCS","identity":"+15551234567"},{"channel":"SMS","identity":"+15551234567"}]}},"channel_priority_order":["RCS","SMS"]`
	senderProps = `"channel_properties":{"SMS_SENDER":"+15557654321"}`
)

func TestScriptsSendExamples(t *testing.T) {
	rc, env := recordingEmulator(t)
	appID := createApp(t, env)
	env["SINCH_APP_ID"] = appID
	var tpl struct {
		ID      string `json:"id"`
		Version int    `json:"version"`
	}
	okJSON(t, env, &tpl, "templates", "create", "--description", "Welcome", "--language", "en-US", "--text", "Hello ${name}")

	app := `"app_id":"` + appID + `"`
	cases := []struct {
		script string
		args   []string
		want   string // the messages:send body
	}{
		{"sms/send_sms", []string{"send", "sms", "--to", "+15551234567", "--message", "Your code is 1234"},
			`{` + app + `,"recipient":{"identified_by":{"channel_identities":[{"channel":"SMS","identity":"+15551234567"}]}},"message":{"text_message":{"text":"Your code is 1234"}}}`},
		{"sms/send_sms --sender", []string{"send", "sms", "--to", "+15551234567", "--message", "Hi", "--sender", "+15557654321"},
			`{` + app + `,"recipient":{"identified_by":{"channel_identities":[{"channel":"SMS","identity":"+15551234567"}]}},"message":{"text_message":{"text":"Hi"}},` + senderProps + `}`},
		{"sms/send_sms --channel WHATSAPP", []string{"send", "sms", "--to", "+15551234567", "--message", "Hi", "--channel", "WHATSAPP"},
			`{` + app + `,"recipient":{"identified_by":{"channel_identities":[{"channel":"WHATSAPP","identity":"+15551234567"}]}},"message":{"text_message":{"text":"Hi"}}}`},
		{"rcs/send_text", []string{"send", "rcs", "text", "--to", "+15551234567", "--message", "Hello from RCS"},
			`{` + app + `,` + rcsTo + `,"message":{"text_message":{"text":"Hello from RCS"}}}`},
		{"rcs/send_text --fallback-sms --sender", []string{"send", "rcs", "text", "--to", "+15551234567", "--message", "Hello", "--fallback-sms", "--sender", "+15557654321"},
			`{` + app + `,` + rcsSMSTo + `,` + senderProps + `,"message":{"text_message":{"text":"Hello"}}}`},
		{"rcs/send_card", []string{"send", "rcs", "card", "--to", "+15551234567", "--title", "Spring sale", "--description", "Everything 20% off", "--image-url", "https://example.com/sale.jpg", "--choices", "Shop Now,Later"},
			`{` + app + `,` + rcsTo + `,"message":{"card_message":{"title":"Spring sale","description":"Everything 20% off","media_message":{"url":"https://example.com/sale.jpg"},"choices":[
				{"text_message":{"text":"Shop Now"},"postback_data":"shop_now"},{"text_message":{"text":"Later"},"postback_data":"later"}]}}}`},
		{"rcs/send_card --fallback-sms", []string{"send", "rcs", "card", "--to", "+15551234567", "--title", "T", "--description", "D", "--image-url", "https://example.com/a.png", "--fallback-sms"},
			`{` + app + `,` + rcsSMSTo + `,"message":{"card_message":{"title":"T","description":"D","media_message":{"url":"https://example.com/a.png"}}}}`},
		{"rcs/send_carousel", []string{"send", "rcs", "carousel", "--to", "+15551234567", "--cards",
			`[{"title":"Shoes","description":"New in","image":"https://example.com/shoes.jpg","choices":["Buy","Learn More"]},{"title":"Hats","description":"Warm","image":"https://example.com/hats.jpg","choices":["Buy"]}]`,
			"--outer-choices", "See All,Talk To Us"},
			`{` + app + `,` + rcsTo + `,"message":{"carousel_message":{"cards":[
				{"title":"Shoes","description":"New in","media_message":{"url":"https://example.com/shoes.jpg"},"choices":[{"text_message":{"text":"Buy"},"postback_data":"buy"},{"text_message":{"text":"Learn More"},"postback_data":"learn_more"}]},
				{"title":"Hats","description":"Warm","media_message":{"url":"https://example.com/hats.jpg"},"choices":[{"text_message":{"text":"Buy"},"postback_data":"buy"}]}],
				"choices":[{"text_message":{"text":"See All"},"postback_data":"see_all"},{"text_message":{"text":"Talk To Us"},"postback_data":"talk_to_us"}]}}}`},
		{"rcs/send_choice", []string{"send", "rcs", "choice", "--to", "+15551234567", "--message", "How can we help?", "--choices", "Yes,No,Call Us|tel:+15551234567,Visit|https://example.com"},
			`{` + app + `,` + rcsTo + `,"message":{"choice_message":{"text_message":{"text":"How can we help?"},"choices":[
				{"text_message":{"text":"Yes"},"postback_data":"yes"},
				{"text_message":{"text":"No"},"postback_data":"no"},
				{"call_message":{"title":"Call Us","phone_number":"+15551234567"},"postback_data":"call_us"},
				{"url_message":{"title":"Visit","url":"https://example.com"},"postback_data":"visit"}]}}}`},
		{"rcs/send_media", []string{"send", "rcs", "media", "--to", "+15551234567", "--url", "https://example.com/video.mp4", "--thumbnail-url", "https://example.com/thumb.jpg"},
			`{` + app + `,` + rcsTo + `,"message":{"media_message":{"url":"https://example.com/video.mp4","thumbnail_url":"https://example.com/thumb.jpg"}}}`},
		{"rcs/send_media --fallback-sms", []string{"send", "rcs", "media", "--to", "+15551234567", "--url", "https://example.com/cat.jpg", "--fallback-sms", "--sender", "+15557654321"},
			`{` + app + `,` + rcsSMSTo + `,` + senderProps + `,"message":{"media_message":{"url":"https://example.com/cat.jpg"}}}`},
		{"rcs/send_location", []string{"send", "rcs", "location", "--to", "+15551234567", "--lat", "59.3293", "--lon", "18.0686", "--title", "Head office", "--label", "Stockholm"},
			`{` + app + `,` + rcsTo + `,"message":{"location_message":{"title":"Head office","label":"Stockholm","coordinates":{"latitude":59.3293,"longitude":18.0686}}}}`},
		{"rcs/send_template", []string{"send", "rcs", "template", "--to", "+15551234567", "--template-id", tpl.ID, "--params", `{"name":"Ada"}`, "--language", "en-US"},
			`{` + app + `,` + rcsTo + `,"message":{"template_message":{"omni_template":{"template_id":"` + tpl.ID + `","version":"` + itoa(tpl.Version) + `","language_code":"en-US","parameters":{"name":"Ada"}}}}}`},
	}
	for _, c := range cases {
		t.Run(c.script, func(t *testing.T) {
			ok(t, env, c.args...)
			sameJSON(t, rc.last(t, "POST", "/messages:send").body, c.want)
		})
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestScriptsListMessagesExamples(t *testing.T) {
	rc, env := recordingEmulator(t)
	// A DISPATCH app (the API's default mode): its sends are listed from the dispatch store.
	var a struct {
		ID string `json:"id"`
	}
	okJSON(t, env, &a, "apps", "create", "--name", "dispatch app", "--static-bearer", "SMS:plan-1:tok")
	ok(t, env, "send", "sms", "--app-id", a.ID, "--to", "+15551234567", "--message", "hi")

	cases := []struct {
		script string
		args   []string
		query  map[string]string
	}{
		{"list_messages --app-id (mode picks the store)", []string{"--app-id", a.ID},
			map[string]string{"app_id": a.ID, "messages_source": "DISPATCH_SOURCE"}},
		{"list_messages all filters", []string{"--app-id", a.ID, "--contact-id", "01CONTACT", "--conversation-id", "01CONV", "--channel", "sms", "--page-size", "5", "--page-token", "tok", "--source", "conversation"},
			map[string]string{"app_id": a.ID, "contact_id": "01CONTACT", "conversation_id": "01CONV", "channel": "SMS", "page_size": "5", "page_token": "tok", "messages_source": "CONVERSATION_SOURCE"}},
		{"list_messages --source dispatch", []string{"--source", "dispatch", "--channel", "SMS"},
			map[string]string{"channel": "SMS", "messages_source": "DISPATCH_SOURCE"}},
		{"list_messages no filter", nil, map[string]string{}},
	}
	for _, c := range cases {
		t.Run(c.script, func(t *testing.T) {
			r := run(t, env, append([]string{"messages", "list"}, c.args...)...)
			if r.code != 0 && !strings.Contains(r.stderr, "page") { // a made-up page token may be refused; the request is what is checked
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			got := rc.last(t, "GET", "/messages").query
			want := url.Values{}
			for k, v := range c.query {
				want.Set(k, v)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("query %v, want %v", got, want)
			}
		})
	}
	// The DISPATCH app's message is listed without saying where to look.
	if out := ok(t, env, "messages", "list", "--app-id", a.ID); !strings.Contains(out, "+15551234567") {
		t.Errorf("the dispatch app's message is not listed:\n%s", out)
	}
}

func TestScriptsWebhookExamples(t *testing.T) {
	rc, env := recordingEmulator(t)
	appID := createApp(t, env)
	var w struct {
		ID string `json:"id"`
	}
	okJSON(t, env, &w, "webhooks", "create", "--app-id", appID, "--target", "https://example.com/sinch", "--triggers", "MESSAGE_DELIVERY,MESSAGE_INBOUND", "--secret", "s3cret")
	sameJSON(t, rc.last(t, "POST", "/webhooks").body, `{"app_id":"`+appID+`","target":"https://example.com/sinch","target_type":"HTTP","triggers":["MESSAGE_DELIVERY","MESSAGE_INBOUND"],"secret":"s3cret"}`)
	ok(t, env, "webhooks", "create", "--app-id", appID, "--target", "https://example.com/oauth", "--triggers", "MESSAGE_INBOUND",
		"--oauth-client-id", "cid", "--oauth-client-secret", "csecret", "--oauth-endpoint", "https://auth.example.com/token")
	sameJSON(t, rc.last(t, "POST", "/webhooks").body, `{"app_id":"`+appID+`","target":"https://example.com/oauth","target_type":"HTTP","triggers":["MESSAGE_INBOUND"],
		"client_credentials":{"client_id":"cid","client_secret":"csecret","endpoint":"https://auth.example.com/token"}}`)

	ok(t, env, "webhooks", "list", "--app-id", appID)
	if r := rc.last(t, "GET", "/apps/"+appID+"/webhooks"); r.path == "" {
		t.Error("list did not read the app's webhooks")
	}
	ok(t, env, "webhooks", "get", "--webhook-id", w.ID)
	rc.last(t, "GET", "/webhooks/"+w.ID)

	updates := []struct {
		name string
		args []string
		mask string
		body string
	}{
		{"target and triggers", []string{"--target", "https://example.com/v2", "--triggers", "MESSAGE_SUBMIT,MESSAGE_DELIVERY"}, "target,triggers",
			`{"target":"https://example.com/v2","triggers":["MESSAGE_SUBMIT","MESSAGE_DELIVERY"]}`},
		{"secret", []string{"--secret", "n3w"}, "secret", `{"target":"https://example.com/v2","secret":"n3w"}`},
		{"clear secret", []string{"--clear-secret"}, "secret", `{"target":"https://example.com/v2","secret":""}`},
		{"oauth", []string{"--oauth-client-id", "cid2", "--oauth-client-secret", "cs2", "--oauth-endpoint", "https://auth.example.com/t2"}, "client_credentials",
			`{"target":"https://example.com/v2","client_credentials":{"client_id":"cid2","client_secret":"cs2","endpoint":"https://auth.example.com/t2"}}`},
		{"clear oauth", []string{"--clear-oauth"}, "client_credentials", `{"target":"https://example.com/v2"}`},
	}
	for _, u := range updates {
		t.Run("update_webhook "+u.name, func(t *testing.T) {
			ok(t, env, append([]string{"webhooks", "update", "--webhook-id", w.ID}, u.args...)...)
			r := rc.last(t, "PATCH", "/webhooks/"+w.ID)
			if got := strings.Join(r.query["update_mask"], ","); got != u.mask {
				t.Errorf("update_mask %q, want %q", got, u.mask)
			}
			sameJSON(t, r.body, u.body)
		})
	}

	// delete_webhook asks first: without --confirm and without a yes, nothing is sent.
	before := rc.count()
	fails(t, env, 2, []string{"--confirm"}, "webhooks", "delete", "--webhook-id", w.ID)
	if rc.count() != before {
		t.Error("an unconfirmed delete sent a request")
	}
	ok(t, env, "webhooks", "delete", "--webhook-id", w.ID, "--confirm")
	rc.last(t, "DELETE", "/webhooks/"+w.ID)
}

// sampleSink records the sample callbacks test-triggers posts.
type sampleSink struct {
	mu    sync.Mutex
	posts []http.Header
	// status is what the sink answers (200 when 0).
	status int
	bodies [][]byte
}

func (s *sampleSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.posts = append(s.posts, r.Header.Clone())
	s.bodies = append(s.bodies, b)
	st := s.status
	s.mu.Unlock()
	if st == 0 {
		st = http.StatusOK
	}
	w.WriteHeader(st)
}

func TestScriptsTestWebhookTriggersExamples(t *testing.T) {
	_, env := recordingEmulator(t)
	appID := createApp(t, env)
	var w struct {
		ID string `json:"id"`
	}
	okJSON(t, env, &w, "webhooks", "create", "--app-id", appID, "--target", "https://example.com/sinch", "--triggers", "MESSAGE_DELIVERY,MESSAGE_INBOUND,CONTACT_CREATE", "--secret", "whsec")

	verify := func(t *testing.T, h http.Header, body []byte, secret string) {
		t.Helper()
		v, err := hmac.NewVerifier([]string{secret})
		if err != nil {
			t.Fatal(err)
		}
		if err := v.Verify(h, body); err != nil {
			t.Errorf("sample not signed with %q: %v", secret, err)
		}
	}
	cases := []struct {
		name     string
		env      map[string]string
		args     []string
		triggers int
		secret   string // "" = unsigned
	}{
		{"mode 1: the webhook's triggers and secret", env, []string{"--webhook-id", w.ID}, 3, "whsec"},
		{"mode 1: --triggers", env, []string{"--webhook-id", w.ID, "--triggers", "MESSAGE_INBOUND"}, 1, "whsec"},
		{"mode 1: --no-signature", env, []string{"--webhook-id", w.ID, "--triggers", "MESSAGE_INBOUND", "--no-signature"}, 1, ""},
		{"mode 2: no credentials", map[string]string{}, []string{"--trigger", "MESSAGE_INBOUND", "--webhook-secret", "s2"}, 1, "s2"},
		{"mode 2: --no-signature", map[string]string{}, []string{"--trigger", "EVENT_INBOUND", "--no-signature"}, 1, ""},
		{"mode 2: secret from the environment", map[string]string{webhookSecretEnv: "fromenv"}, []string{"--trigger", "MESSAGE_DELIVERY"}, 1, "fromenv"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sink := &sampleSink{}
			srv := httptest.NewServer(sink)
			defer srv.Close()
			ok(t, c.env, append([]string{"webhooks", "test-triggers", "--test-url", srv.URL}, c.args...)...)
			if len(sink.posts) != c.triggers {
				t.Fatalf("%d posts, want %d", len(sink.posts), c.triggers)
			}
			for i, h := range sink.posts {
				if c.secret == "" {
					if h.Get(hmac.HeaderSignature) != "" {
						t.Error("--no-signature sample carries a signature")
					}
					continue
				}
				verify(t, h, sink.bodies[i], c.secret)
			}
		})
	}
	// The URL's answer is reported, and a refusal fails the run.
	sink := &sampleSink{status: http.StatusUnauthorized}
	srv := httptest.NewServer(sink)
	defer srv.Close()
	r := fails(t, map[string]string{}, 1, []string{"1 of 1", "not accepted"}, "webhooks", "test-triggers", "--trigger", "MESSAGE_INBOUND", "--test-url", srv.URL, "--no-signature")
	if !strings.Contains(r.stdout, "401 Unauthorized") {
		t.Errorf("stdout %q", r.stdout)
	}
}

// Input the API would refuse is refused before anything is sent, with one line that names the
// flag and shows an example.
func TestScriptsInputErrors(t *testing.T) {
	rc, env := recordingEmulator(t)
	env["SINCH_APP_ID"] = createApp(t, env)
	cases := []struct {
		name string
		env  map[string]string
		want []string
		args []string
	}{
		{"--to not a phone number on RCS", env, []string{"--to", `"ada"`, "+15551234567"}, []string{"send", "rcs", "text", "--to", "ada", "--message", "x"}},
		{"--to not a phone number on SMS", env, []string{"--to", "E.164"}, []string{"send", "sms", "--to", "12", "--message", "x"}},
		{"fallback identity not a phone number", env, []string{"--fallback"}, []string{"send", "text", "--channel", "MESSENGER", "--to", "123", "--message", "x", "--fallback", "SMS:abc"}},
		{"unknown channel", env, []string{"unknown channel", `"PIGEON"`, "--channel WHATSAPP"}, []string{"send", "sms", "--to", "+15551234567", "--message", "x", "--channel", "PIGEON"}},
		{"malformed cards JSON", env, []string{"--cards is not valid JSON", "for example --cards"}, []string{"send", "rcs", "carousel", "--to", "+15551234567", "--cards", `[{"title":"A",}]`}},
		{"cards JSON ends early", env, []string{"--cards", "ends too early"}, []string{"send", "rcs", "carousel", "--to", "+15551234567", "--cards", `[{"title":"A"`}},
		{"one card", env, []string{"--cards", "2 to 10", "got 1"}, []string{"send", "rcs", "carousel", "--to", "+15551234567", "--cards", `[{"title":"A"}]`}},
		{"eleven cards", env, []string{"--cards", "2 to 10", "got 11"}, []string{"send", "rcs", "carousel", "--to", "+15551234567", "--cards", "[" + strings.Repeat(`{"title":"A"},`, 10) + `{"title":"A"}]`}},
		{"unknown card field", env, []string{"card 1", `unknown field "img"`}, []string{"send", "rcs", "carousel", "--to", "+15551234567", "--cards", `[{"title":"A","img":"x"},{"title":"B"}]`}},
		{"card field of the wrong type", env, []string{"card 2", `"title" must be a string`}, []string{"send", "rcs", "carousel", "--to", "+15551234567", "--cards", `[{"title":"A"},{"title":7}]`}},
		{"bad call button", env, []string{"--choices", "tel:"}, []string{"send", "rcs", "choice", "--to", "+15551234567", "--message", "x", "--choices", "Call|tel:nope"}},
		{"bad button action", env, []string{"--choices", "after |"}, []string{"send", "rcs", "choice", "--to", "+15551234567", "--message", "x", "--choices", "Go|ftp://x"}},
		{"malformed params", env, []string{"--params is not valid JSON", "for example --params"}, []string{"send", "rcs", "template", "--to", "+15551234567", "--template-id", "T", "--version", "1", "--params", `{name:"Ada"}`}},
		{"params not strings", env, []string{"--params", "must be a string"}, []string{"send", "rcs", "template", "--to", "+15551234567", "--template-id", "T", "--version", "1", "--params", `{"name":1}`}},
		{"unknown trigger", env, []string{"unknown trigger", `"NOPE"`, "for example --triggers"}, []string{"webhooks", "create", "--target", "https://example.com/h", "--triggers", "MESSAGE_INBOUND,NOPE"}},
		{"unknown trigger in mode 2", map[string]string{}, []string{"unknown trigger"}, []string{"webhooks", "test-triggers", "--trigger", "NOPE", "--test-url", "http://127.0.0.1:9/"}},
		{"target too long", env, []string{"--target", "742"}, []string{"webhooks", "create", "--target", "https://example.com/" + strings.Repeat("a", 800), "--triggers", "MESSAGE_INBOUND"}},
		{"target not a URL", env, []string{"--target", "for example"}, []string{"webhooks", "create", "--target", "example.com", "--triggers", "MESSAGE_INBOUND"}},
		{"oauth incomplete on update", env, []string{"go together"}, []string{"webhooks", "update", "--webhook-id", "W", "--oauth-client-id", "x"}},
		{"oauth and clear-oauth", env, []string{"--clear-oauth", "not both"}, []string{"webhooks", "update", "--webhook-id", "W", "--oauth-client-id", "x", "--oauth-client-secret", "y", "--oauth-endpoint", "https://a.example.com/t", "--clear-oauth"}},
		{"unknown source", env, []string{"--source", "dispatch"}, []string{"messages", "list", "--source", "store"}},
		{"test-triggers without a mode", map[string]string{}, []string{"--webhook-id", "--trigger"}, []string{"webhooks", "test-triggers", "--test-url", "http://127.0.0.1:9/"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := rc.count()
			r := fails(t, c.env, 2, c.want, c.args...)
			if strings.Contains(r.stderr, "json: ") || strings.Contains(r.stderr, "invalid character") {
				t.Errorf("raw parser text in %q", r.stderr)
			}
			if rc.count() != before {
				t.Errorf("%d request(s) sent before refusing", rc.count()-before)
			}
		})
	}
}

// Every missing environment variable is named in one error.
func TestMissingVariablesAllAtOnce(t *testing.T) {
	r := fails(t, map[string]string{"SINCH_KEY_ID": "k"}, 1, []string{"SINCH_PROJECT_ID", "SINCH_KEY_SECRET", "SINCH_APP_ID", "--project-id", "--key-secret", "--app-id"},
		"send", "rcs", "text", "--to", "+15551234567", "--message", "x")
	if strings.Contains(r.stderr, "SINCH_KEY_ID") {
		t.Errorf("names a variable that is set: %s", r.stderr)
	}
	fails(t, map[string]string{}, 1, []string{"SINCH_PROJECT_ID, SINCH_KEY_ID, SINCH_KEY_SECRET:"}, "apps", "list")
}
