package commands

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/relaykit/sinch-go/emulator"
	"github.com/relaykit/sinch-go/gen/conversation"
)

// lastSent returns the app message of the newest outbound message of the app, as stored.
func lastSent(t *testing.T, env map[string]string) conversation.ConversationMessage {
	t.Helper()
	var page conversation.ListMessagesResponse
	okJSON(t, env, &page, "messages", "list", "--page-size", "1")
	if len(page.Messages) == 0 {
		t.Fatal("no message stored")
	}
	return page.Messages[0]
}

func TestSendKinds(t *testing.T) {
	srv := startEmulator(t, emulator.Config{})
	env := emuEnv(srv)
	env["SINCH_APP_ID"] = createApp(t, env)
	cases := []struct {
		name  string
		args  []string
		check func(t *testing.T, m conversation.AppMessage)
	}{
		{"sms", []string{"send", "sms", "--to", "+15551230001", "--message", "Hello there"}, func(t *testing.T, m conversation.AppMessage) {
			if m.TextMessage.Text != "Hello there" {
				t.Errorf("text %+v", m.TextMessage)
			}
		}},
		{"rcs text", []string{"send", "rcs", "text", "--to", "+15551230001", "--message", "hi rcs"}, func(t *testing.T, m conversation.AppMessage) {
			if m.TextMessage.Text != "hi rcs" {
				t.Errorf("text %+v", m.TextMessage)
			}
		}},
		{"rcs card", []string{"send", "rcs", "card", "--to", "+15551230001", "--title", "T", "--description", "D", "--image-url", "https://example.com/a.png", "--choices", "Yes, No"}, func(t *testing.T, m conversation.AppMessage) {
			c := m.CardMessage
			if str(c.Title) != "T" || str(c.Description) != "D" || c.MediaMessage.URL != "https://example.com/a.png" || len(c.Choices) != 2 || c.Choices[1].TextMessage.Text != "No" {
				t.Errorf("card %+v", c)
			}
		}},
		{"rcs carousel", []string{"send", "rcs", "carousel", "--to", "+15551230001", "--cards", `[{"title":"A","image_url":"https://example.com/a.png","choices":["Buy A"]},{"title":"B","description":"second"}]`, "--outer-choices", "More"}, func(t *testing.T, m conversation.AppMessage) {
			c := m.CarouselMessage
			if len(c.Cards) != 2 || str(c.Cards[0].Title) != "A" || len(c.Cards[0].Choices) != 1 || len(c.Choices) != 1 {
				t.Errorf("carousel %+v", c)
			}
		}},
		{"rcs choice", []string{"send", "rcs", "choice", "--to", "+15551230001", "--message", "Pick", "--choices", "A,B,C"}, func(t *testing.T, m conversation.AppMessage) {
			c := m.ChoiceMessage
			if c.TextMessage.Text != "Pick" || len(c.Choices) != 3 {
				t.Errorf("choice %+v", c)
			}
		}},
		{"rcs media", []string{"send", "rcs", "media", "--to", "+15551230001", "--url", "https://example.com/v.mp4", "--thumbnail-url", "https://example.com/t.png"}, func(t *testing.T, m conversation.AppMessage) {
			if m.MediaMessage.URL != "https://example.com/v.mp4" || str(m.MediaMessage.ThumbnailURL) != "https://example.com/t.png" {
				t.Errorf("media %+v", m.MediaMessage)
			}
		}},
		{"rcs location", []string{"send", "rcs", "location", "--to", "+15551230001", "--lat", "59.33", "--lon", "18.07", "--label", "Office"}, func(t *testing.T, m conversation.AppMessage) {
			l := m.LocationMessage
			if l.Coordinates.Latitude != 59.33 || l.Coordinates.Longitude != 18.07 || str(l.Label) != "Office" || l.Title == "" {
				t.Errorf("location %+v", l)
			}
		}},
		{"list", []string{"send", "list", "--to", "+15551230001", "--title", "Menu", "--sections", `[{"title":"Drinks","items":["Tea","Coffee"]}]`}, func(t *testing.T, m conversation.AppMessage) {
			if m.ListMessage.Title != "Menu" || len(m.ListMessage.Sections[0].Items) != 2 {
				t.Errorf("list %+v", m.ListMessage)
			}
		}},
		{"contact info", []string{"send", "contact-info", "--to", "+15551230001", "--name", "Ada Lovelace", "--phone", "+15557654321"}, func(t *testing.T, m conversation.AppMessage) {
			if m.ContactInfoMessage.Name.FullName != "Ada Lovelace" {
				t.Errorf("contact info %+v", m.ContactInfoMessage)
			}
		}},
		{"raw message", []string{"send", "message", "--channel", "whatsapp", "--to", "+15551230001", "--message", `{"text_message":{"text":"raw"}}`}, func(t *testing.T, m conversation.AppMessage) {
			if m.TextMessage.Text != "raw" {
				t.Errorf("text %+v", m.TextMessage)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := ok(t, env, c.args...)
			if !strings.HasPrefix(out, "sent message ") {
				t.Errorf("output %q", out)
			}
			m := lastSent(t, env)
			if !set(m.AppMessage) {
				t.Fatalf("stored message has no app message: %+v", m)
			}
			c.check(t, m.AppMessage)
		})
	}
}

func TestSendJSONAndFallback(t *testing.T) {
	srv := startEmulator(t, emulator.Config{})
	env := emuEnv(srv)
	env["SINCH_APP_ID"] = createApp(t, env)
	var resp conversation.SendMessageResponse
	okJSON(t, env, &resp, "send", "rcs", "text", "--to", "+15551230000", "--message", "hi", "--fallback-sms", "--sender", "+15550009999")
	if resp.MessageID == "" {
		t.Fatalf("no message id in %+v", resp)
	}
	m := lastSent(t, env)
	if m.ID != resp.MessageID {
		t.Fatalf("stored %v, sent %v", m.ID, resp.MessageID)
	}
	out := ok(t, env, "send", "sms", "--to", "+15551230001", "--message", "x", "--channel", "WHATSAPP", "--fallback", "SMS:+15551230002,RCS")
	if !strings.Contains(out, "WHATSAPP +15551230001, then SMS +15551230002, then RCS +15551230001") {
		t.Errorf("output %q", out)
	}
}

func TestSendErrors(t *testing.T) {
	srv := startEmulator(t, emulator.Config{})
	env := emuEnv(srv)
	appID := createApp(t, env)
	withApp := emuEnv(srv, "SINCH_APP_ID", appID)
	cases := []struct {
		name string
		env  map[string]string
		code int
		want []string
		args []string
	}{
		{"no app id", env, 1, []string{"SINCH_APP_ID", "--app-id"}, []string{"send", "sms", "--to", "+15551230001", "--message", "x"}},
		{"no project", map[string]string{"SINCH_KEY_ID": "k", "SINCH_KEY_SECRET": "s"}, 1, []string{"SINCH_PROJECT_ID", "--project-id"}, []string{"send", "sms", "--to", "+15551230001", "--message", "x"}},
		{"no key secret", map[string]string{"SINCH_PROJECT_ID": "p", "SINCH_KEY_ID": "k"}, 1, []string{"SINCH_KEY_SECRET", "--key-secret"}, []string{"apps", "list"}},
		{"missing flag", withApp, 2, []string{"message"}, []string{"send", "sms", "--to", "+15551230001"}},
		{"unknown flag", withApp, 2, []string{"--bogus"}, []string{"send", "sms", "--bogus"}},
		{"bad channel", withApp, 2, []string{"unknown channel"}, []string{"send", "sms", "--to", "+1555", "--message", "x", "--channel", "PIGEON"}},
		{"bad fallback", withApp, 2, []string{"--fallback"}, []string{"send", "sms", "--to", "+15551230001", "--message", "x", "--fallback", "FAX:1"}},
		{"bad cards", withApp, 2, []string{"--cards"}, []string{"send", "rcs", "carousel", "--to", "+1555", "--cards", "[{]"}},
		{"one card", withApp, 2, []string{"2 to 10"}, []string{"send", "rcs", "carousel", "--to", "+1555", "--cards", `[{"title":"a"}]`}},
		{"bad region", withApp, 2, []string{"region"}, []string{"send", "sms", "--to", "+15551230001", "--message", "x", "--region", "mars"}},
		{"unknown app 404", emuEnv(srv, "SINCH_APP_ID", "01NOSUCHAPP"), 1, []string{"404", "check the id"}, []string{"apps", "get"}},
		{"bad request 400", withApp, 1, []string{"400"}, []string{"send", "message", "--to", "+15551230001", "--message", `{}`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { fails(t, c.env, c.code, c.want, c.args...) })
	}
}

func TestUnauthorizedSaysCheckTheKey(t *testing.T) {
	srv := startEmulator(t, emulator.Config{Credentials: []emulator.Credential{{KeyID: "good", KeySecret: "right"}}})
	env := emuEnv(srv, "SINCH_KEY_ID", "good", "SINCH_KEY_SECRET", "bad-secret-xyz")
	r := fails(t, env, 1, []string{"SINCH_KEY_ID"}, "apps", "list")
	if strings.Contains(r.stderr, "bad-secret-xyz") {
		t.Error("the key secret appears in the error")
	}
	ok(t, emuEnv(srv, "SINCH_KEY_ID", "good", "SINCH_KEY_SECRET", "right"), "apps", "list")
}

func TestRateLimitedSaysSo(t *testing.T) {
	srv := startEmulator(t, emulator.Config{Faults: emulator.Faults{Rate429: 1}})
	fails(t, emuEnv(srv), 1, []string{"429", "rate limited"}, "apps", "list", "--max-retries", "0")
}

func TestVerboseNamesTheRegion(t *testing.T) {
	srv := startEmulator(t, emulator.Config{})
	r := run(t, emuEnv(srv), "apps", "list", "--verbose")
	if r.code != 0 || !strings.Contains(r.stderr, "region us (from the default)") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	if strings.Contains(r.stderr, "secret\n") || strings.Contains(r.stderr, "=secret") {
		t.Errorf("verbose output shows the key secret: %s", r.stderr)
	}
	r = run(t, emuEnv(srv, "SINCH_REGION", "eu"), "apps", "list", "-v")
	if !strings.Contains(r.stderr, "region eu (from $SINCH_REGION)") {
		t.Errorf("stderr %q", r.stderr)
	}
}

var _ = json.Marshal

// The request itself: identities in order, the priority order, the SMS sender from the
// environment (or --sender), the metadata.
func TestSendRequestShape(t *testing.T) {
	cases := []struct {
		name       string
		env        map[string]string
		args       []string
		identities string
		order      string
		sender     string
	}{
		{"sms alone", nil, []string{"--to", "+15551230001"}, "SMS:+15551230001", "", ""},
		{"sender from env", map[string]string{"SINCH_SMS_SENDER_ID": "+15550000001"}, []string{"--to", "+15551230001"}, "SMS:+15551230001", "", "+15550000001"},
		{"flag beats env", map[string]string{"SINCH_SMS_SENDER_ID": "+15550000001"}, []string{"--to", "+15551230001", "--sender", "ACME"}, "SMS:+15551230001", "", "ACME"},
		{"fallbacks", nil, []string{"--to", "+15551230001", "--channel", "whatsapp", "--fallback", "RCS,SMS:+15551230002", "--sender", "ACME"},
			"WHATSAPP:+15551230001 RCS:+15551230001 SMS:+15551230002", "WHATSAPP RCS SMS", "ACME"},
		{"no sms, no sender property", nil, []string{"--to", "+15551230001", "--channel", "RCS", "--sender", "ACME"}, "RCS:+15551230001", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := &app{env: Env{Getenv: func(k string) string { return c.env[k] }}}
			rf := &recipientFlags{}
			cmd := a.sendCommand("x", "x", "x", "SMS", true, nil, nil)
			cmd.ResetFlags()
			rf.register(cmd, "SMS", true, false)
			if err := cmd.ParseFlags(append(c.args, "--metadata", "m1")); err != nil {
				t.Fatal(err)
			}
			req, err := a.sendRequest(cmd, rf, "APP", conversation.AppMessage{})
			if err != nil {
				t.Fatal(err)
			}
			var ids, order []string
			for _, i := range req.Recipient.IdentifiedBy.ChannelIdentities {
				ids = append(ids, string(i.Channel)+":"+i.Identity)
			}
			for _, o := range req.ChannelPriorityOrder {
				order = append(order, string(o))
			}
			if got := strings.Join(ids, " "); got != c.identities {
				t.Errorf("identities %q, want %q", got, c.identities)
			}
			if got := strings.Join(order, " "); got != c.order {
				t.Errorf("order %q, want %q", got, c.order)
			}
			if got := req.ChannelProperties["SMS_SENDER"]; got != c.sender {
				t.Errorf("SMS_SENDER %q, want %q", got, c.sender)
			}
			if req.AppID != "APP" || str(req.MessageMetadata) != "m1" {
				t.Errorf("app %q metadata %v", req.AppID, req.MessageMetadata)
			}
		})
	}
}

func TestSendDryRunNeedsNoCredentials(t *testing.T) {
	var req conversation.SendMessageRequest
	out := ok(t, map[string]string{"SINCH_APP_ID": "APP"}, "send", "rcs", "card", "--to", "+15551230001", "--title", "T", "--fallback-sms", "--sender", "ACME", "--dry-run")
	if err := json.Unmarshal([]byte(out), &req); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if req.AppID != "APP" || len(req.ChannelPriorityOrder) != 2 || req.ChannelProperties["SMS_SENDER"] != "ACME" {
		t.Errorf("request %s", out)
	}
	out = ok(t, nil, "send", "rcs", "template", "--to", "+15551230001", "--template-id", "T1", "--params", `{"a":"b"}`, "--dry-run")
	if !strings.Contains(out, `"omni_template"`) || !strings.Contains(out, `"a": "b"`) {
		t.Errorf("template request %s", out)
	}
}
