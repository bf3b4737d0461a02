package emulator

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

// path waits until the message has at least n delivery reports (read over plain HTTP from
// GET /_emulator/messages/{id}) and returns them as CHANNEL:STATUS[:REASON].
func (e *env) path(messageID string, n int) []string {
	e.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		tr := e.must(200, "GET", e.srv.ControlURL()+"/messages/"+messageID, nil)
		var out []string
		for _, x := range arr(tr["path"]) {
			r := obj(x)
			s := str(r, "channel") + ":" + str(r, "status")
			if c := str(r, "reason"); c != "" {
				s += ":" + c
			}
			out = append(out, s)
		}
		if len(out) >= n {
			return out
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("message %s: %d reports, want %d: %v", messageID, len(out), n, out)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// send posts messages:send and returns the message id.
func (e *env) send(body map[string]any) string {
	e.t.Helper()
	return str(e.must(200, "POST", e.conv("/messages:send"), body), "message_id")
}

func templateMessage(ref map[string]any) map[string]any {
	return map[string]any{"template_message": map[string]any{"omni_template": ref}}
}

// Each documented failure, one message each: the reports the emulator sends, over HTTP.
func TestDeliveryFailureReasons(t *testing.T) {
	e := newEnv(t)
	app := e.createApp("DISPATCH")
	smsOnly := str(e.must(200, "POST", e.conv("/apps"), map[string]any{"display_name": "sms only", "channel_credentials": []any{
		map[string]any{"channel": "SMS", "static_bearer": map[string]any{"claimed_identity": "plan", "token": "t"}},
	}}), "id")
	tp := e.must(200, "POST", e.tmpl("/templates"), map[string]any{
		"description": "Order", "default_translation": "en-US",
		"translations": []any{map[string]any{"language_code": "en-US", "text_message": map[string]any{"text": "Hi ${name}"},
			"variables": []any{map[string]any{"key": "name", "preview_value": "Jo"}}}},
	})
	tid := str(tp, "id")
	e.must(200, "POST", e.batch("/consents"), map[string]any{"app_id": app, "consent_records": []any{
		map[string]any{"identification": "+15552000001", "consent_type": "OPT_OUT_ALL"},
		map[string]any{"identification": "+15552000002", "consent_type": "OPT_OUT_MARKETING"},
	}})
	media := func(u string) map[string]any { return map[string]any{"media_message": map[string]any{"url": u}} }
	cases := []struct {
		name string
		body map[string]any
		want string
	}{
		{"channel without credentials", map[string]any{"app_id": smsOnly, "recipient": smsRecipient("WHATSAPP", "+15551110001"), "message": textMessage("x")},
			"WHATSAPP:FAILED:CHANNEL_CONFIGURATION_MISSING"},
		{"missing credentials fall back", map[string]any{"app_id": smsOnly, "recipient": smsRecipient("RCS", "+15551110002", "SMS", "+15551110002"), "message": textMessage("x")},
			"RCS:SWITCHING_CHANNEL:CHANNEL_CONFIGURATION_MISSING,SMS:QUEUED_ON_CHANNEL,SMS:DELIVERED"},
		{"unknown template", map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15551110003"), "message": templateMessage(map[string]any{"template_id": "nope", "version": "1", "parameters": map[string]any{"name": "A"}})},
			"SMS:FAILED:TEMPLATE_NOT_FOUND"},
		{"template language missing", map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15551110004"), "message": templateMessage(map[string]any{"template_id": tid, "version": "1", "language_code": "fr-FR", "parameters": map[string]any{"name": "A"}})},
			"SMS:FAILED:TEMPLATE_NON_EXISTING_LANGUAGE_OR_VERSION"},
		{"template version missing", map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15551110005"), "message": templateMessage(map[string]any{"template_id": tid, "version": "7", "parameters": map[string]any{"name": "A"}})},
			"SMS:FAILED:TEMPLATE_NON_EXISTING_LANGUAGE_OR_VERSION"},
		{"template parameter missing", map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15551110006"), "message": templateMessage(map[string]any{"template_id": tid, "version": "latest", "language_code": "en_US"})},
			"SMS:FAILED:TEMPLATE_INSUFFICIENT_PARAMETERS"},
		{"template complete", map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15551110007"), "message": templateMessage(map[string]any{"template_id": tid, "version": "1", "parameters": map[string]any{"name": "A"}})},
			"SMS:QUEUED_ON_CHANNEL,SMS:DELIVERED"},
		{"whatsapp text outside the window", map[string]any{"app_id": app, "recipient": smsRecipient("WHATSAPP", "+15551110008"), "message": textMessage("x")},
			"WHATSAPP:FAILED:OUTSIDE_ALLOWED_SENDING_WINDOW"},
		{"whatsapp template outside the window", map[string]any{"app_id": app, "recipient": smsRecipient("WHATSAPP", "+15551110009"), "message": templateMessage(map[string]any{"template_id": tid, "version": "1", "parameters": map[string]any{"name": "A"}})},
			"WHATSAPP:QUEUED_ON_CHANNEL,WHATSAPP:DELIVERED,WHATSAPP:READ"},
		{"phone number with spaces", map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+1 555 123 4567"), "message": textMessage("x")},
			"SMS:FAILED:RECIPIENT_INVALID_CHANNEL_IDENTITY"},
		{"test number 9999", map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15551119999"), "message": textMessage("x")},
			"SMS:FAILED:RECIPIENT_INVALID_CHANNEL_IDENTITY"},
		{"media type RCS does not take", map[string]any{"app_id": app, "recipient": smsRecipient("RCS", "+15551110010", "SMS", "+15551110010"), "message": media("https://example.com/report.docx")},
			"RCS:SWITCHING_CHANNEL:MEDIA_TYPE_UNSUPPORTED,SMS:QUEUED_ON_CHANNEL,SMS:DELIVERED"},
		{"media host unreachable", map[string]any{"app_id": app, "recipient": smsRecipient("RCS", "+15551110011"), "message": media("https://cdn.example.invalid/a.jpg")},
			"RCS:FAILED:MEDIA_NOT_REACHABLE"},
		{"opted out of everything", map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15552000001"), "message": textMessage("x")},
			"SMS:FAILED:RECIPIENT_NOT_OPTED_IN"},
		{"opted out of marketing", map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15552000002"), "message": textMessage("x"), "message_content_type": "CONTENT_MARKETING"},
			"SMS:FAILED:RECIPIENT_NOT_OPTED_IN"},
		{"opted out of marketing, sent a notification", map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15552000002"), "message": textMessage("x"), "message_content_type": "CONTENT_NOTIFICATION"},
			"SMS:QUEUED_ON_CHANNEL,SMS:DELIVERED"},
		{"off the mobile network, reached on RCS", map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15551110000", "RCS", "+15551110000"), "message": textMessage("x")},
			"SMS:QUEUED_ON_CHANNEL,SMS:SWITCHING_CHANNEL:RECIPIENT_NOT_REACHABLE,RCS:QUEUED_ON_CHANNEL,RCS:DELIVERED,RCS:READ"},
		{"sms parts above SMS_MAX_NUMBER_OF_MESSAGE_PARTS", map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15551110012"), "message": textMessage(strings.Repeat("long text ", 40)),
			"channel_properties": map[string]any{"SMS_MAX_NUMBER_OF_MESSAGE_PARTS": "1"}},
			"SMS:FAILED:MESSAGE_SPLIT_REQUIRED"},
		// A channel rule broken (an RCS card title over 200 characters) fails the channel with
		// BAD_REQUEST, the reference's code for the validation done while processing, and the
		// next channel takes the message.
		{"rcs card title over its limit", map[string]any{"app_id": app, "recipient": smsRecipient("RCS", "+15551110013", "SMS", "+15551110013"),
			"message": map[string]any{"card_message": map[string]any{"title": strings.Repeat("t", 201)}}},
			"RCS:SWITCHING_CHANNEL:BAD_REQUEST,SMS:QUEUED_ON_CHANNEL,SMS:DELIVERED"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := strings.Split(tc.want, ",")
			id := e.send(tc.body)
			got := e.path(id, len(want))
			if strings.Join(got, ",") != tc.want {
				t.Fatalf("got %v, want %s", got, tc.want)
			}
		})
	}
}

// The WhatsApp window opens when the contact writes and closes 24 hours later; templates go
// out either way.
func TestWhatsAppWindowFollowsTheClock(t *testing.T) {
	e := newEnv(t)
	app := e.createApp("CONVERSATION")
	const who = "+15553330001"
	msg := map[string]any{"app_id": app, "recipient": smsRecipient("WHATSAPP", who), "message": textMessage("hello")}
	if got := e.path(e.send(msg), 1); got[0] != "WHATSAPP:FAILED:OUTSIDE_ALLOWED_SENDING_WINDOW" {
		t.Fatalf("before the contact wrote: %v", got)
	}
	e.openWindow(app, "WHATSAPP", who)
	if got := e.path(e.send(msg), 3); strings.Join(got, ",") != "WHATSAPP:QUEUED_ON_CHANNEL,WHATSAPP:DELIVERED,WHATSAPP:READ" {
		t.Fatalf("inside the window: %v", got)
	}
	e.must(200, "POST", e.srv.ControlURL()+"/clock/advance", map[string]any{"duration": "23h"})
	if got := e.path(e.send(msg), 2); got[1] != "WHATSAPP:DELIVERED" {
		t.Fatalf("23 hours later: %v", got)
	}
	e.must(200, "POST", e.srv.ControlURL()+"/clock/advance", map[string]any{"duration": "2h"})
	if got := e.path(e.send(msg), 1); got[0] != "WHATSAPP:FAILED:OUTSIDE_ALLOWED_SENDING_WINDOW" {
		t.Fatalf("25 hours later: %v", got)
	}
}

// A message that cannot be delivered before its ttl runs out fails with MESSAGE_EXPIRED, and
// does not fall back; without a ttl it stays queued.
func TestMessageExpires(t *testing.T) {
	e := newEnv(t)
	app := e.createApp("DISPATCH")
	id := e.send(map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15554444444", "RCS", "+15554440001"), "message": textMessage("code 1234"), "ttl": "30s"})
	if got := e.path(id, 1); got[0] != "SMS:QUEUED_ON_CHANNEL" {
		t.Fatalf("before the ttl: %v", got)
	}
	e.must(200, "POST", e.srv.ControlURL()+"/clock/advance", map[string]any{"duration": "31s"})
	if got := e.path(id, 2); strings.Join(got, ",") != "SMS:QUEUED_ON_CHANNEL,SMS:FAILED:MESSAGE_EXPIRED" {
		t.Fatalf("after the ttl: %v", got)
	}
	if st, out := e.do("POST", e.conv("/messages:send"), map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15551234567"), "message": textMessage("x"), "ttl": "30 seconds"}); st != 400 {
		t.Fatalf("bad ttl: %d %v", st, out)
	}
}

// READ follows DELIVERED on channels that report reads, not on SMS; Config turns it off.
func TestReadReceipts(t *testing.T) {
	e := newEnv(t)
	app := e.createApp("DISPATCH")
	if got := e.path(e.send(map[string]any{"app_id": app, "recipient": smsRecipient("RCS", "+15556660001"), "message": textMessage("x")}), 3); strings.Join(got, ",") != "RCS:QUEUED_ON_CHANNEL,RCS:DELIVERED,RCS:READ" {
		t.Fatalf("RCS: %v", got)
	}
	sms := e.send(map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15556660002"), "message": textMessage("x")})
	e.path(sms, 2)
	time.Sleep(30 * time.Millisecond) // ten step delays: a READ would have come
	if got := e.path(sms, 2); len(got) != 2 {
		t.Fatalf("SMS reports a read: %v", got)
	}
	off := newEnv(t, func(c *Config) { c.DisableReadReceipts = true })
	app = off.createApp("DISPATCH")
	id := off.send(map[string]any{"app_id": app, "recipient": smsRecipient("RCS", "+15556660003"), "message": textMessage("x")})
	off.path(id, 2)
	time.Sleep(30 * time.Millisecond)
	if got := off.path(id, 2); len(got) != 2 {
		t.Fatalf("READ with DisableReadReceipts: %v", got)
	}
}

// Config.Failures reaches any reason code, after QUEUED_ON_CHANNEL, with fallback.
func TestConfigFailures(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		c.Failures = func(channel, identity string) string {
			if channel == "RCS" {
				return "DELIVERY_REJECTED_DUE_TO_POLICY"
			}
			return ""
		}
	})
	app := e.createApp("DISPATCH")
	got := e.path(e.send(map[string]any{"app_id": app, "recipient": smsRecipient("RCS", "+15557770001", "SMS", "+15557770001"), "message": textMessage("x")}), 4)
	if strings.Join(got, ",") != "RCS:QUEUED_ON_CHANNEL,RCS:SWITCHING_CHANNEL:DELIVERY_REJECTED_DUE_TO_POLICY,SMS:QUEUED_ON_CHANNEL,SMS:DELIVERED" {
		t.Fatalf("got %v", got)
	}
}

// Requests the API refuses at once stay 400s.
func TestRefusedAtOnce(t *testing.T) {
	e := newEnv(t)
	app := e.createApp("DISPATCH")
	for name, msg := range map[string]any{
		"template without omni or channel template": map[string]any{"template_message": map[string]any{}},
		"choice with two kinds": map[string]any{"choice_message": map[string]any{"text_message": map[string]any{"text": "Pick"}, "choices": []any{
			map[string]any{"text_message": map[string]any{"text": "a"}, "url_message": map[string]any{"title": "b", "url": "https://example.com"}},
		}}},
	} {
		if st, out := e.do("POST", e.conv("/messages:send"), map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15551234567"), "message": msg}); st != 400 {
			t.Errorf("%s: %d %v, want 400", name, st, out)
		}
	}
}

// What the API accepts, the emulator accepts: a message holding only
// explicit_channel_message (it is sent as given on that channel).
func TestExplicitChannelMessageAlone(t *testing.T) {
	e := newEnv(t)
	app := e.createApp("DISPATCH")
	e.openWindow(app, "WHATSAPP", "+15551118888")
	payload := `{"type":"text","text":{"body":"raw WhatsApp payload"}}`
	id := e.send(map[string]any{"app_id": app, "recipient": smsRecipient("WHATSAPP", "+15551118888"),
		"message": map[string]any{"explicit_channel_message": map[string]any{"WHATSAPP": payload}}})
	if got := e.path(id, 2); got[1] != "WHATSAPP:DELIVERED" {
		t.Fatalf("explicit only: %v", got)
	}
	tr := e.must(200, "GET", e.srv.ControlURL()+"/messages/"+id, nil)
	if c := obj(arr(tr["channels"])[0]); !strings.Contains(string(mustJSON(t, c["transcoded"])), "raw WhatsApp payload") {
		t.Errorf("sent payload: %v", c)
	}
	// Still refused: nothing at all, or two kinds.
	for name, msg := range map[string]any{
		"empty":                  map[string]any{},
		"empty explicit":         map[string]any{"explicit_channel_message": map[string]any{}},
		"text and media at once": map[string]any{"text_message": map[string]any{"text": "a"}, "media_message": map[string]any{"url": "https://example.com/a.jpg"}},
	} {
		if st, _ := e.do("POST", e.conv("/messages:send"), map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15551234567"), "message": msg}); st != 400 {
			t.Errorf("%s: %d, want 400", name, st)
		}
	}
	// Beside a kind it overrides that channel.
	e.send(map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15551234567"),
		"message": map[string]any{"text_message": map[string]any{"text": "hi"}, "explicit_channel_message": map[string]any{"WHATSAPP": payload}}})
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A VIBERBM credential is its claimed identity alone; other static_bearer channels need the
// token.
func TestViberCredentialWithoutToken(t *testing.T) {
	e := newEnv(t)
	viber := e.must(200, "POST", e.conv("/apps"), map[string]any{"display_name": "viber", "channel_credentials": []any{
		map[string]any{"channel": "VIBERBM", "static_bearer": map[string]any{"claimed_identity": "viber-service-id"}},
	}})
	id := e.send(map[string]any{"app_id": str(viber, "id"), "recipient": smsRecipient("VIBERBM", "+15551117777"), "message": textMessage("x")})
	if got := e.path(id, 2); got[1] != "VIBERBM:DELIVERED" {
		t.Fatalf("viber: %v", got)
	}
	if st, out := e.do("POST", e.conv("/apps"), map[string]any{"display_name": "sms", "channel_credentials": []any{
		map[string]any{"channel": "SMS", "static_bearer": map[string]any{"claimed_identity": "plan"}},
	}}); st != 400 || !strings.Contains(str(out, "error", "message"), "token") {
		t.Fatalf("SMS without token: %d %v", st, out)
	}
}

// page_size over the documented maximum is refused, not clamped (as the spec says).
func TestPageSizeOverMaximumIsRefused(t *testing.T) {
	e := newEnv(t)
	for _, u := range []string{e.conv("/messages?page_size=1001"), e.conv("/contacts?page_size=21"), e.conv("/conversations?only_active=false&page_size=21")} {
		if st, out := e.do("GET", u, nil); st != 400 || str(out, "error", "status") != "INVALID_ARGUMENT" {
			t.Errorf("%s: %d %v, want 400", u, st, out)
		}
	}
	e.must(200, "GET", e.conv("/messages?page_size=1000"), nil)
	e.must(200, "GET", e.conv("/contacts?page_size=20"), nil)
}

// TestPlainTextMessageMatchesDecoding: the typed form the delivery checks build for a plain
// text message without decoding JSON is the one decoding gives, and a message with anything
// more (or other) is not taken for plain text.
func TestPlainTextMessageMatchesDecoding(t *testing.T) {
	for _, raw := range []string{
		`{"text_message":{"text":"Your code is 123456"}}`,
		`{"text_message":{"text":""}}`,
		`{"text_message":{"text":"<b>é😀</b>"}}`,
	} {
		var d doc
		if err := json.Unmarshal([]byte(raw), &d); err != nil {
			t.Fatal(err)
		}
		sc := &sendContext{in: sendInput{message: d}}
		got, ok := sc.appMessage()
		want := typedMessage(d)
		if !ok || want == nil || !sc.plain || !reflect.DeepEqual(got, *want) {
			t.Errorf("%s: plain %v, typed %+v, want %+v", raw, sc.plain, got, want)
		}
	}
	for _, raw := range []string{
		`{"text_message":{"text":"hi"},"agent":{"display_name":"A"}}`,
		`{"text_message":{"text":"hi","extra":1}}`,
		`{"text_message":{"text":5}}`,
		`{"media_message":{"url":"https://example.com/a.png"}}`,
	} {
		var d doc
		if err := json.Unmarshal([]byte(raw), &d); err != nil {
			t.Fatal(err)
		}
		if _, plain := plainTextMessage(d); plain {
			t.Errorf("%s taken for a plain text message", raw)
		}
	}
}

// TestIsE164: the phone-number check takes what the pattern ^\+?[1-9][0-9]{6,14}$ takes.
func TestIsE164(t *testing.T) {
	pattern := regexp.MustCompile(`^\+?[1-9][0-9]{6,14}$`)
	for _, s := range []string{"", "+", "+1", "+123456", "+1234567", "1234567", "0123456789", "+0123456789",
		"+123456789012345", "+1234567890123456", "123456789012345", "1234567890123456", "+1 555 123 4567",
		"+15551234567", "++15551234567", "+1555123456a", "１２３４５６７８", "+1555\n1234567", "15551234567+"} {
		if got, want := isE164(s), pattern.MatchString(s); got != want {
			t.Errorf("isE164(%q) = %v, the pattern says %v", s, got, want)
		}
	}
}
