package commands

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/relaykit/sinch-go/emulator"
	"github.com/relaykit/sinch-go/gen/conversation"
)

func TestWebhooksLifecycle(t *testing.T) {
	srv := startEmulator(t, emulator.Config{})
	env := emuEnv(srv)
	env["SINCH_APP_ID"] = createApp(t, env)

	var w conversation.Webhook
	okJSON(t, env, &w, "webhooks", "create", "--target", "https://example.com/hook", "--triggers", "message_delivery,MESSAGE_INBOUND", "--secret", "s1")
	if w.ID == "" || w.Target != "https://example.com/hook" || len(w.Triggers) != 2 {
		t.Fatalf("created %+v", w)
	}
	id := w.ID
	if out := ok(t, env, "webhooks", "list"); !strings.Contains(out, id) || !strings.Contains(out, "MESSAGE_DELIVERY,MESSAGE_INBOUND") {
		t.Errorf("list %q", out)
	}
	out := ok(t, env, "webhooks", "get", "--webhook-id", id)
	if !strings.Contains(out, "secret    yes") || strings.Contains(out, "s1") {
		t.Errorf("get %q", out)
	}
	w = conversation.Webhook{}
	okJSON(t, env, &w, "webhooks", "update", "--webhook-id", id, "--triggers", "MESSAGE_SUBMIT", "--target", "https://example.com/new")
	if w.Target != "https://example.com/new" || len(w.Triggers) != 1 || w.Triggers[0] != "MESSAGE_SUBMIT" {
		t.Errorf("updated %+v", w)
	}
	var noSecret conversation.Webhook
	okJSON(t, env, &noSecret, "webhooks", "update", "--webhook-id", id, "--clear-secret")
	if noSecret.Secret != "" {
		t.Errorf("secret not cleared: %q", noSecret.Secret)
	}
	if len(noSecret.Triggers) != 1 || noSecret.Target != "https://example.com/new" {
		t.Errorf("clearing the secret changed other fields: %+v", noSecret)
	}
	w = conversation.Webhook{}
	okJSON(t, env, &w, "webhooks", "create", "--target", "https://example.com/oauth", "--triggers", "MESSAGE_INBOUND",
		"--oauth-client-id", "cid", "--oauth-client-secret", "csec", "--oauth-endpoint", "https://auth.example.com/token")
	if w.ClientCredentials.ClientID != "cid" {
		t.Fatalf("oauth webhook %+v", w)
	}
	var cleared conversation.Webhook
	okJSON(t, env, &cleared, "webhooks", "update", "--webhook-id", w.ID, "--clear-oauth")
	if set(cleared.ClientCredentials) || cleared.Target != "https://example.com/oauth" {
		t.Errorf("oauth not cleared: %+v", cleared)
	}

	// delete asks first; without a yes nothing is deleted.
	r := runWith(t, t.Context(), env, "", "webhooks", "delete", "--webhook-id", id)
	if r.code != 2 || !strings.Contains(r.stderr, "--confirm") {
		t.Fatalf("delete without confirmation: exit %d %q", r.code, r.stderr)
	}
	ok(t, env, "webhooks", "get", "--webhook-id", id)
	r = runWith(t, t.Context(), env, "y\n", "webhooks", "delete", "--webhook-id", id)
	if r.code != 0 {
		t.Fatalf("delete with y: %d %s", r.code, r.stderr)
	}
	fails(t, env, 1, []string{"404", "check the id"}, "webhooks", "get", "--webhook-id", id)
	ok(t, env, "webhooks", "delete", "--webhook-id", w.ID, "--confirm")
}

func TestWebhooksErrors(t *testing.T) {
	srv := startEmulator(t, emulator.Config{})
	env := emuEnv(srv)
	env["SINCH_APP_ID"] = createApp(t, env)
	fails(t, env, 2, []string{"unknown trigger"}, "webhooks", "create", "--target", "https://example.com/h", "--triggers", "NOPE")
	fails(t, env, 2, []string{"--target"}, "webhooks", "create", "--target", "example.com", "--triggers", "MESSAGE_INBOUND")
	fails(t, env, 2, []string{"go together"}, "webhooks", "create", "--target", "https://example.com/h", "--triggers", "MESSAGE_INBOUND", "--oauth-client-id", "x")
	fails(t, env, 2, []string{"webhook-id"}, "webhooks", "get")
	ok(t, env, "webhooks", "create", "--target", "https://example.com/dup", "--triggers", "MESSAGE_INBOUND")
	fails(t, env, 1, []string{"400"}, "webhooks", "create", "--target", "https://example.com/dup", "--triggers", "MESSAGE_INBOUND")
	var w conversation.Webhook
	okJSON(t, env, &w, "webhooks", "create", "--target", "https://example.com/x", "--triggers", "MESSAGE_INBOUND")
	fails(t, env, 2, []string{"nothing to change"}, "webhooks", "update", "--webhook-id", w.ID)
	fails(t, env, 1, []string{"404"}, "webhooks", "list", "--app-id", "01NOSUCHAPP")
}

func TestWebhooksTestTriggersAgainstListen(t *testing.T) {
	srv := startEmulator(t, emulator.Config{})
	env := emuEnv(srv)
	env["SINCH_APP_ID"] = createApp(t, env)
	var w conversation.Webhook
	okJSON(t, env, &w, "webhooks", "create", "--target", "https://example.com/t", "--triggers", "MESSAGE_DELIVERY,MESSAGE_INBOUND,CONTACT_CREATE", "--secret", "hooksecret")

	url, out, _, stop := startListen(t, nil, "--secret", "hooksecret")
	got := ok(t, env, "webhooks", "test-triggers", "--webhook-id", w.ID, "--test-url", url)
	for _, trig := range []string{"MESSAGE_DELIVERY", "MESSAGE_INBOUND", "CONTACT_CREATE"} {
		if !strings.Contains(got, trig) {
			t.Errorf("report lacks %s: %q", trig, got)
		}
	}
	if strings.Count(got, "200 OK") != 3 {
		t.Errorf("report %q", got)
	}
	var results []triggerResult
	okJSON(t, env, &results, "webhooks", "test-triggers", "--webhook-id", w.ID, "--test-url", url, "--triggers", "MESSAGE_INBOUND")
	if len(results) != 1 || results[0].StatusCode != 200 || !results[0].Signed {
		t.Errorf("json report %+v", results)
	}
	// A wrong secret: the receiver answers 401 and the command fails.
	r := fails(t, env, 1, []string{"3 of 3", "not accepted"}, "webhooks", "test-triggers", "--webhook-id", w.ID, "--test-url", url, "--secret", "wrong")
	if !strings.Contains(r.stdout, "401") {
		t.Errorf("report %q", r.stdout)
	}
	fails(t, env, 2, []string{"not subscribed"}, "webhooks", "test-triggers", "--webhook-id", w.ID, "--test-url", url, "--triggers", "OPT_IN")
	stop()
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	// Three events from the first run; the second run repeats MESSAGE_INBOUND's sample, which
	// the handler deduplicates.
	if len(lines) != 3 {
		t.Errorf("listen printed %d lines: %q", len(lines), out.String())
	}
	_ = json.Valid
}

// The whole loop through the CLI: a webhook pointing at `sinch listen`, the customer writing
// on WhatsApp (`sinch emulator inject`, which opens WhatsApp's 24-hour window), a text whose
// SMS identity the emulator cannot reach, and the signed callbacks showing the switch to
// WhatsApp for the same number.
func TestSendFallbackSeenByListen(t *testing.T) {
	srv := startEmulator(t, emulator.Config{})
	env := emuEnv(srv)
	env["SINCH_APP_ID"] = createApp(t, env)
	url, out, _, stop := startListen(t, nil, "--secret", "loop")
	ok(t, env, "webhooks", "create", "--target", url, "--triggers", "MESSAGE_DELIVERY", "--secret", "loop")
	var resp conversation.SendMessageResponse
	ok(t, env, "emulator", "inject", "--channel", "WHATSAPP", "--identity", "+15551230000", "--text", "where is my parcel?")
	okJSON(t, env, &resp, "send", "sms", "--to", "+15551230000", "--message", "hi", "--fallback", "WHATSAPP:+15551230000")
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "status=DELIVERED") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	got := out.String()
	find := func(parts ...string) int {
		for i, line := range strings.Split(got, "\n") {
			all := true
			for _, p := range parts {
				all = all && strings.Contains(line, p)
			}
			if all {
				return i
			}
		}
		return -1
	}
	sw := find("status=SWITCHING_CHANNEL", "message="+resp.MessageID, "channel=SMS", "reason=")
	del := find("status=DELIVERED", "message="+resp.MessageID, "channel=WHATSAPP", "identity=+15551230000")
	if sw < 0 || del < 0 || del < sw {
		t.Errorf("listen output:\n%s", got)
	}
}
