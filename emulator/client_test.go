package emulator_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/relaykit/sinch-go/emulator"
	"github.com/relaykit/sinch-go/hmac/callback"
	"github.com/relaykit/sinch-go/wrappers/sinch"
)

func TestNewTestHandsBackAReadyClient(t *testing.T) {
	srv, client := emulator.NewTest(t)
	if client.ProjectID() != emulator.TestProject || client.AppID() == "" {
		t.Fatalf("project %q app %q", client.ProjectID(), client.AppID())
	}
	sent, err := client.Conversation.Messages.Send(t.Context(), sinch.SendMessageRequest{
		Recipient: sinch.To(sinch.SMS("+15551230001")), Message: sinch.Text("hello"),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	rec, err := srv.WaitCallback(ctx, emulator.CallbackFilter{Trigger: "MESSAGE_DELIVERY"}, func(r emulator.CallbackRecord) bool {
		return bytes.Contains(r.Body, []byte(sent.MessageID)) && bytes.Contains(r.Body, []byte(`"DELIVERED"`))
	})
	if err != nil {
		t.Fatal(err)
	}
	ev, err := rec.Event()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := ev.(*callback.MessageDeliveryEvent); !ok || rec.AppID != client.AppID() {
		t.Fatalf("event %T for app %s", ev, rec.AppID)
	}
}

func TestWaitCallbackEndsWithTheContext(t *testing.T) {
	srv, _ := emulator.NewTest(t)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := srv.WaitCallback(ctx, emulator.CallbackFilter{Trigger: "OPT_IN"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the context's deadline", err)
	}
}

func TestServerClientHonoursPinnedProjectAndCredentials(t *testing.T) {
	srv, err := emulator.Start(t.Context(), emulator.Config{Projects: []string{"pinned"},
		Credentials: []emulator.Credential{{KeyID: "k", KeySecret: "s"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c, err := srv.Client()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Conversation.Apps.List(t.Context()); err != nil || c.ProjectID() != "pinned" {
		t.Fatalf("project %q: %v", c.ProjectID(), err)
	}
}
