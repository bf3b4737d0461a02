package commands

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/relaykit/sinch-go/emulator"
)

// sinch emulator inject makes a contact write (MESSAGE_INBOUND), opening WhatsApp's window;
// callbacks lists and follows what the emulator sent; clock reads and advances its clock.
func TestEmulatorInjectCallbacksClock(t *testing.T) {
	srv := startEmulator(t, emulator.Config{})
	env := emuEnv(srv)
	env["SINCH_APP_ID"] = createApp(t, env)
	hook := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer hook.Close()
	ok(t, env, "webhooks", "create", "--target", hook.URL, "--triggers", "MESSAGE_INBOUND,EVENT_INBOUND,MESSAGE_DELIVERY")

	// follow, started before anything happens, sees the callbacks as they come.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var followed syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"emulator", "callbacks", "--follow", "--interval", "10ms"}, Env{Stdout: &followed, Stderr: &syncBuffer{}, Getenv: func(k string) string { return env[k] }})
	}()

	out := ok(t, env, "emulator", "inject", "--channel", "WHATSAPP", "--identity", "+15551230000", "--text", "where is my parcel?")
	if !strings.Contains(out, "injected") {
		t.Fatalf("inject: %q", out)
	}
	ok(t, env, "emulator", "inject", "--channel", "WHATSAPP", "--identity", "+15551230000", "--event", "composing")
	ok(t, env, "emulator", "inject", "--channel", "WHATSAPP", "--identity", "+15551230000", "--choice", "yes", "--reply-to", "01ABC")
	ok(t, env, "emulator", "inject", "--channel", "RCS", "--identity", "+15551230000", "--media", "https://example.com/a.jpg")
	ok(t, env, "emulator", "inject", "--channel", "SMS", "--identity", "+15551230000", "--json", `{"text_message":{"text":"STOP"}}`)
	fails(t, env, 2, []string{"exactly one"}, "emulator", "inject", "--channel", "SMS", "--identity", "+1", "--text", "a", "--media", "b")
	fails(t, env, 2, []string{"--channel"}, "emulator", "inject", "--text", "a")

	// The window is open: a WhatsApp text is delivered; 25 hours later it is not.
	ok(t, env, "send", "sms", "--to", "+15551230000", "--message", "today", "--channel", "WHATSAPP")
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(followed.String(), "DELIVERED") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	before := ok(t, env, "emulator", "clock")
	now := ok(t, env, "emulator", "clock", "advance", "25h")
	b, err1 := time.Parse(time.RFC3339Nano, strings.TrimSpace(before))
	n, err2 := time.Parse(time.RFC3339Nano, strings.TrimSpace(now))
	if err1 != nil || err2 != nil || n.Sub(b) < 25*time.Hour {
		t.Fatalf("clock %q, after advance %q", before, now)
	}
	fails(t, env, 2, []string{"DURATION"}, "emulator", "clock", "advance", "soon")
	ok(t, env, "send", "sms", "--to", "+15551230000", "--message", "still there?", "--channel", "WHATSAPP")
	for !strings.Contains(followed.String(), "OUTSIDE_ALLOWED_SENDING_WINDOW") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	got := followed.String()
	for _, want := range []string{"MESSAGE_INBOUND", "EVENT_INBOUND", "DELIVERED message=", "FAILED message=", "reason=OUTSIDE_ALLOWED_SENDING_WINDOW"} {
		if !strings.Contains(got, want) {
			t.Errorf("callbacks --follow lacks %q:\n%s", want, got)
		}
	}
	// Without --follow: the same list, once.
	list := ok(t, env, "emulator", "callbacks", "--trigger", "MESSAGE_INBOUND")
	if strings.Count(list, "MESSAGE_INBOUND") != 4 {
		t.Errorf("callbacks --trigger MESSAGE_INBOUND:\n%s", list)
	}
	// Nothing to talk to.
	delete(env, "SINCH_CONVERSATION_URL")
	fails(t, env, 2, []string{"SINCH_CONVERSATION_URL"}, "emulator", "clock")
}
