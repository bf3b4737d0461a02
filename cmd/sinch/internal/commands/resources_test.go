package commands

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/relaykit/sinch-go/emulator"
	"github.com/relaykit/sinch-go/gen/conversation"
	"github.com/relaykit/sinch-go/gen/templates"
)

func TestTemplatesLifecycleAndSendTemplate(t *testing.T) {
	srv := startEmulator(t, emulator.Config{})
	env := emuEnv(srv)
	env["SINCH_APP_ID"] = createApp(t, env)

	var tpl templates.Template
	okJSON(t, env, &tpl, "templates", "create", "--description", "Greeting", "--language", "en-US", "--text", "Hello ${name}")
	if tpl.ID == "" || len(tpl.Translations) != 1 || len(tpl.Translations[0].Variables) != 1 || tpl.Translations[0].Variables[0].Key != "name" {
		t.Fatalf("created %+v", tpl)
	}
	id := tpl.ID
	if out := ok(t, env, "templates", "list"); !strings.Contains(out, id) || !strings.Contains(out, "Greeting") {
		t.Errorf("list %q", out)
	}
	if out := ok(t, env, "templates", "get", "--template-id", id); !strings.Contains(out, "en-US") {
		t.Errorf("get %q", out)
	}
	var upd templates.Template
	okJSON(t, env, &upd, "templates", "update", "--template-id", id, "--text", "Hi ${name}!", "--description", "Greeting v2")
	if str(upd.Description) != "Greeting v2" || upd.Translations[0].TextMessage.Text != "Hi ${name}!" {
		t.Errorf("updated %+v", upd)
	}
	if tpl.Version != 0 && upd.Version != 0 && upd.Version <= tpl.Version {
		t.Errorf("version did not move: %d -> %d", tpl.Version, upd.Version)
	}

	// send rcs template looks the version up and sends an omni template.
	ok(t, env, "send", "rcs", "template", "--to", "+15551230001", "--template-id", id, "--params", `{"name":"Ada"}`, "--language", "en-US")
	m := lastSent(t, env)
	ref := m.AppMessage.TemplateMessage.OmniTemplate
	if ref.TemplateID != id || ref.Parameters["name"] != "Ada" || ref.Version == "" {
		t.Errorf("sent template %+v", ref)
	}
	fails(t, env, 2, []string{"--params"}, "send", "rcs", "template", "--to", "+15551230001", "--template-id", id, "--params", `{"name":1}`)
	fails(t, env, 1, []string{"404"}, "send", "rcs", "template", "--to", "+15551230001", "--template-id", "01NOSUCHTEMPLATE")

	// From a file.
	file := filepath.Join(t.TempDir(), "t.json")
	os.WriteFile(file, []byte(`{"description":"From file","default_translation":"fr","translations":[{"language_code":"fr","text_message":{"text":"Bonjour"}}]}`), 0o600)
	var fromFile templates.Template
	okJSON(t, env, &fromFile, "templates", "create", "--file", file)
	if str(fromFile.DefaultTranslation) != "fr" {
		t.Errorf("from file %+v", fromFile)
	}
	os.WriteFile(file, []byte(`{"descriptio":"typo"}`), 0o600)
	fails(t, env, 2, []string{"descriptio"}, "templates", "create", "--file", file)
	fails(t, env, 2, []string{"--text or --file"}, "templates", "create")

	ok(t, env, "templates", "delete", "--template-id", id, "--confirm")
	fails(t, env, 1, []string{"404"}, "templates", "get", "--template-id", id)
}

func TestContactsAndConversations(t *testing.T) {
	srv := startEmulator(t, emulator.Config{})
	env := emuEnv(srv)
	env["SINCH_APP_ID"] = createApp(t, env)

	var ct conversation.Contact
	okJSON(t, env, &ct, "contacts", "create", "--name", "Ada", "--identity", "SMS:+15551230001,WHATSAPP:+15551230001")
	if ct.ID == "" || len(ct.ChannelIdentities) != 2 {
		t.Fatalf("created %+v", ct)
	}
	if out := ok(t, env, "contacts", "list"); !strings.Contains(out, ct.ID) || !strings.Contains(out, "SMS:+15551230001") {
		t.Errorf("list %q", out)
	}
	if out := ok(t, env, "contacts", "get", "--contact-id", ct.ID); !strings.Contains(out, "Ada") {
		t.Errorf("get %q", out)
	}
	var upd conversation.Contact
	okJSON(t, env, &upd, "contacts", "update", "--contact-id", ct.ID, "--name", "Ada King", "--language", "fr")
	if str(upd.DisplayName) != "Ada King" || upd.Language != "FR" || len(upd.ChannelIdentities) != 2 {
		t.Errorf("updated %+v", upd)
	}
	fails(t, env, 2, []string{"nothing to change"}, "contacts", "update", "--contact-id", ct.ID)
	fails(t, env, 1, []string{"404"}, "contacts", "update", "--contact-id", "01NOSUCHCONTACT", "--name", "x")
	fails(t, env, 2, []string{"CHANNEL:IDENTITY"}, "contacts", "create", "--identity", "+1555")
	fails(t, env, 2, []string{"--language"}, "contacts", "create", "--identity", "SMS:+1555", "--language", "klingon")

	// A message in CONVERSATION mode opens a conversation.
	ok(t, env, "send", "sms", "--to", "+15551230009", "--message", "hello")
	var convs conversation.ListConversationsResponse
	deadline := time.Now().Add(3 * time.Second)
	for len(convs.Conversations) == 0 && time.Now().Before(deadline) {
		okJSON(t, env, &convs, "conversations", "list")
		time.Sleep(10 * time.Millisecond)
	}
	if len(convs.Conversations) == 0 {
		t.Fatal("no conversation")
	}
	cid := convs.Conversations[0].ID
	if out := ok(t, env, "conversations", "list", "--only-active"); !strings.Contains(out, cid) {
		t.Errorf("list --only-active %q", out)
	}
	if out := ok(t, env, "conversations", "get", "--conversation-id", cid); !strings.Contains(out, "active   true") {
		t.Errorf("get %q", out)
	}
	ok(t, env, "conversations", "stop", "--conversation-id", cid)
	if out := ok(t, env, "conversations", "get", "--conversation-id", cid); !strings.Contains(out, "active   false") {
		t.Errorf("after stop %q", out)
	}
	ok(t, env, "conversations", "delete", "-y", "--conversation-id", cid)
	fails(t, env, 1, []string{"404"}, "conversations", "get", "--conversation-id", cid)

	ok(t, env, "contacts", "delete", "--contact-id", ct.ID, "-y")
	fails(t, env, 1, []string{"404"}, "contacts", "get", "--contact-id", ct.ID)
	delete(env, "SINCH_APP_ID")
	fails(t, env, 2, []string{"--app-id"}, "conversations", "list")
}

func TestMessagesListGetDelete(t *testing.T) {
	srv := startEmulator(t, emulator.Config{})
	env := emuEnv(srv)
	env["SINCH_APP_ID"] = createApp(t, env)
	for _, text := range []string{"one", "two", "three"} {
		ok(t, env, "send", "sms", "--to", "+15551230001", "--message", text)
	}
	var page conversation.ListMessagesResponse
	okJSON(t, env, &page, "messages", "list", "--page-size", "2")
	if len(page.Messages) != 2 || page.NextPageToken == "" {
		t.Fatalf("page 1: %d messages, token %v", len(page.Messages), page.NextPageToken)
	}
	out := ok(t, env, "messages", "list", "--page-size", "2")
	if !strings.Contains(out, "next page: --page-token ") || !strings.Contains(out, "text: ") {
		t.Errorf("human list %q", out)
	}
	var page2 conversation.ListMessagesResponse
	okJSON(t, env, &page2, "messages", "list", "--page-size", "2", "--page-token", page.NextPageToken)
	if len(page2.Messages) != 1 {
		t.Errorf("page 2: %d messages", len(page2.Messages))
	}
	var wa conversation.ListMessagesResponse
	okJSON(t, env, &wa, "messages", "list", "--channel", "WHATSAPP")
	if len(wa.Messages) != 0 {
		t.Errorf("channel filter: %d messages", len(wa.Messages))
	}
	var all conversation.ListMessagesResponse
	okJSON(t, env, &all, "messages", "list", "--all", "--page-size", "1")
	if len(all.Messages) != 3 {
		t.Errorf("--all: %d messages", len(all.Messages))
	}
	var limited conversation.ListMessagesResponse
	okJSON(t, env, &limited, "messages", "list", "--all", "--page-size", "1", "--limit", "2")
	if len(limited.Messages) != 2 {
		t.Errorf("--all --limit 2: %d messages", len(limited.Messages))
	}
	id := page2.Messages[0].ID
	if out := ok(t, env, "messages", "get", "--message-id", id); !strings.Contains(out, id) {
		t.Errorf("get %q", out)
	}
	ok(t, env, "messages", "delete", "--confirm", "--message-id", id)
	fails(t, env, 1, []string{"404"}, "messages", "get", "--message-id", id)
	fails(t, env, 2, []string{"--page-size"}, "messages", "list", "--page-size", "-1")
}

func TestAppsListGetDelete(t *testing.T) {
	srv := startEmulator(t, emulator.Config{})
	env := emuEnv(srv)
	if out := ok(t, env, "apps", "list"); !strings.Contains(out, "no apps") {
		t.Errorf("empty list %q", out)
	}
	id := createApp(t, env)
	if out := ok(t, env, "apps", "list"); !strings.Contains(out, id) || !strings.Contains(out, "SMS,WHATSAPP,RCS") {
		t.Errorf("list %q", out)
	}
	var ap conversation.App
	okJSON(t, env, &ap, "apps", "get", "--app-id", id)
	if str(ap.DisplayName) != "test app" {
		t.Errorf("get %+v", ap)
	}
	fails(t, env, 2, []string{"CHANNEL:CLAIMED_IDENTITY:TOKEN"}, "apps", "create", "--name", "x", "--static-bearer", "SMS")
	ok(t, env, "apps", "delete", "--app-id", id, "--confirm")
	fails(t, env, 1, []string{"404"}, "apps", "get", "--app-id", id)
}

func TestTranscode(t *testing.T) {
	srv := startEmulator(t, emulator.Config{})
	env := emuEnv(srv)
	env["SINCH_APP_ID"] = createApp(t, env)
	var resp conversation.TranscodeMessageResponse
	okJSON(t, env, &resp, "transcode", "--channel", "WHATSAPP,SMS", "--message", `{"text_message":{"text":"Hi"}}`)
	if len(resp.TranscodedMessage) != 2 {
		t.Fatalf("transcoded %+v", resp)
	}
	out := ok(t, env, "transcode", "--channel", "SMS", "--message", `{"text_message":{"text":"Hi"}}`)
	if !strings.HasPrefix(out, "SMS: ") {
		t.Errorf("human %q", out)
	}
	fails(t, env, 2, []string{"--message"}, "transcode", "--channel", "SMS", "--message", `{"text_mesage":{}}`)
}

var urlRe = regexp.MustCompile(`SINCH_CONVERSATION_URL=(\S+)\n\s+export SINCH_TEMPLATE_URL=(\S+)\n\s+export SINCH_BATCH_URL=(\S+)\n\s+export SINCH_AUTH_URL=(\S+)`)

func TestEmulatorCommandServesUntilInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"emulator", "--addr", "127.0.0.1:0", "--batch-addr", "127.0.0.1:0", "--rate-limit", "0", "--pin-key", "k:s"},
			Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }})
	}()
	var m []string
	for deadline := time.Now().Add(10 * time.Second); m == nil; {
		if m = urlRe.FindStringSubmatch(out.String()); m == nil {
			if time.Now().After(deadline) {
				t.Fatalf("no URLs printed: %q %q", out.String(), errb.String())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	env := map[string]string{"SINCH_PROJECT_ID": "p", "SINCH_KEY_ID": "k", "SINCH_KEY_SECRET": "s",
		"SINCH_CONVERSATION_URL": m[1], "SINCH_TEMPLATE_URL": m[2], "SINCH_BATCH_URL": m[3], "SINCH_AUTH_URL": m[4]}
	ok(t, env, "apps", "list")
	env["SINCH_KEY_SECRET"] = "other"
	fails(t, env, 1, []string{"SINCH_KEY_SECRET"}, "apps", "list")
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d: %s", code, errb.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("emulator did not stop")
	}
	fails(t, nil, 2, []string{"--pin-key"}, "emulator", "--addr", "127.0.0.1:0", "--pin-key", "nosecret")
	fails(t, nil, 2, []string{"CHANNEL:IDENTITY"}, "emulator", "--addr", "127.0.0.1:0", "--unreachable", "+1555")
	fails(t, nil, 1, []string{"between 0 and 1"}, "emulator", "--addr", "127.0.0.1:0", "--batch-addr", "127.0.0.1:0", "--fault-503", "2")
}

// startEmulatorCommand runs `sinch emulator args...` and returns the environment it prints
// and a function that interrupts it and returns its exit status.
func startEmulatorCommand(t *testing.T, args ...string) (map[string]string, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, append([]string{"emulator", "--addr", "127.0.0.1:0", "--batch-addr", "127.0.0.1:0"}, args...),
			Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }})
	}()
	var m []string
	for deadline := time.Now().Add(10 * time.Second); m == nil; {
		if m = urlRe.FindStringSubmatch(out.String()); m == nil {
			if time.Now().After(deadline) {
				t.Fatalf("no URLs printed: %q %q", out.String(), errb.String())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	env := map[string]string{"SINCH_PROJECT_ID": "p", "SINCH_KEY_ID": "k", "SINCH_KEY_SECRET": "s",
		"SINCH_CONVERSATION_URL": m[1], "SINCH_TEMPLATE_URL": m[2], "SINCH_BATCH_URL": m[3], "SINCH_AUTH_URL": m[4]}
	return env, func() int { cancel(); return <-done }
}

// The fault flags reach the emulator: every answer is a 503, which the CLI reports as such.
func TestEmulatorCommandFaults(t *testing.T) {
	env, stop := startEmulatorCommand(t, "--fault-503", "1")
	fails(t, env, 1, []string{"503", "try again later"}, "apps", "list", "--max-retries", "0")
	if code := stop(); code != 0 {
		t.Errorf("exit %d", code)
	}
}

// --unreachable makes one identity fall back from SMS.
func TestEmulatorCommandUnreachable(t *testing.T) {
	env, stop := startEmulatorCommand(t, "--unreachable", "sms:+15551234567", "--step-delay", "1ms")
	defer stop()
	env["SINCH_APP_ID"] = createApp(t, env)
	url, out, _, stopListen := startListen(t, nil, "--secret", "u")
	ok(t, env, "webhooks", "create", "--target", url, "--triggers", "MESSAGE_DELIVERY", "--secret", "u")
	ok(t, env, "send", "sms", "--to", "+15551234567", "--message", "hi", "--fallback", "WHATSAPP")
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(out.String(), "status=DELIVERED") && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	stopListen()
	got := out.String()
	if !strings.Contains(got, "status=SWITCHING_CHANNEL") || !strings.Contains(got, "channel=WHATSAPP identity=+15551234567") {
		t.Errorf("listen output:\n%s", got)
	}
}
