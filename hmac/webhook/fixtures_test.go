package webhook_test

import (
	"bytes"
	"context"
	"log"
	"net/http"
	"os"
	"strings"
	"testing"

	contracttests "github.com/relaykit/sinch-go/contract_tests"
	"github.com/relaykit/sinch-go/hmac/callback"
	"github.com/relaykit/sinch-go/hmac/webhook"
	"github.com/relaykit/sinch-go/wrappers/sinch"
)

// readmeHandler is the handler of the README's "Receive webhooks" snippet, kept line for line
// between the markers (TestREADMEHandlerIsThisCopy compares them).
func readmeHandler() (http.Handler, error) {
	// README:begin
	h, err := webhook.New(
		webhook.WithSecrets(os.Getenv("SINCH_WEBHOOK_SECRET")), // several secrets: rotation
		webhook.On(func(ctx context.Context, ev *sinch.MessageInboundEvent) error {
			log.Println("inbound", ev.Kind(), "on", ev.Channel(), ev.Text(), ev.MediaURL())
			return nil // reply with Recipient: ev.ReplyTo() to answer on the same channel
		}),
		webhook.On(func(ctx context.Context, ev *sinch.MessageDeliveryEvent) error {
			log.Println("delivery:", ev.MessageDeliveryReport.MessageID, ev.MessageDeliveryReport.Status, ev.Reason().Code)
			return nil
		}),
	)
	// README:end
	return h, err
}

// TestREADMEHandlerIsThisCopy keeps readmeHandler and the README snippet identical.
func TestREADMEHandlerIsThisCopy(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(readme), "### Receive webhooks\n\n```go\n")
	if !ok {
		t.Fatal(`README has no "### Receive webhooks" Go snippet`)
	}
	block, _, _ := strings.Cut(after, "```")
	// The handler construction: from webhook.New to its closing parenthesis.
	start := strings.Index(block, "\th, err := webhook.New(")
	end := strings.Index(block, "\n\t)\n")
	if start < 0 || end < start {
		t.Fatalf("README webhook snippet has no `h, err := webhook.New(...)`:\n%s", block)
	}
	snippet := block[start : end+len("\n\t)\n")]
	self, err := os.ReadFile("fixtures_test.go")
	if err != nil {
		t.Fatal(err)
	}
	_, copied, _ := strings.Cut(string(self), "// README:begin\n")
	copied, _, _ = strings.Cut(copied, "\t// README:end")
	if copied != snippet {
		t.Errorf("README snippet and readmeHandler differ:\nREADME:\n%s\ncopy:\n%s", snippet, copied)
	}
}

// TestHandlersOnEveryFixture serves every callback fixture of the contract corpus (every
// trigger, every message kind, 2020-shaped payloads included) through the README's handler and
// through the Example's handlers: none panics, every callback is acknowledged with 200, and each
// handler runs for its trigger.
func TestHandlersOnEveryFixture(t *testing.T) {
	t.Setenv("SINCH_WEBHOOK_SECRET", secret)
	var logged bytes.Buffer
	log.SetOutput(&logged)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	stdout := os.Stdout // the Example's handlers print; keep the test output readable
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout = devnull
	t.Cleanup(func() { os.Stdout = stdout; devnull.Close() })

	var all []contracttests.CallbackFixture
	for _, api := range []string{"conversation", "batch"} {
		fs, err := contracttests.Callbacks(api)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, fs...)
	}
	var inbound, delivery int
	for _, f := range all {
		t.Run(f.File, func(t *testing.T) {
			readme, err := readmeHandler()
			if err != nil {
				t.Fatal(err)
			}
			before := logged.Len()
			if rec := post(t, readme, f.Body); rec.Code != http.StatusOK {
				t.Fatalf("README handler: status %d (%s)", rec.Code, rec.Body)
			}
			ran := 0
			example := newHandler(t,
				webhook.On(func(ctx context.Context, ev *callback.MessageInboundEvent) error { ran++; return onInbound(ctx, ev) }),
				webhook.On(func(ctx context.Context, ev *callback.MessageDeliveryEvent) error { ran++; return onDelivery(ctx, ev) }))
			if rec := post(t, example, f.Body); rec.Code != http.StatusOK {
				t.Fatalf("Example handlers: status %d (%s)", rec.Code, rec.Body)
			}
			switch f.Trigger {
			case "MESSAGE_INBOUND":
				inbound++
			case "MESSAGE_DELIVERY":
				delivery++
			default:
				if ran != 0 || logged.Len() != before {
					t.Errorf("a handler ran for %s", f.Trigger)
				}
				return
			}
			if ran != 1 || logged.Len() == before {
				t.Errorf("handlers for %s did not run (Example %d, README logged %t)", f.Trigger, ran, logged.Len() > before)
			}
		})
	}
	if inbound < 9 || delivery < 8 {
		t.Errorf("only %d inbound and %d delivery fixtures: the corpus lost its variety", inbound, delivery)
	}
}
