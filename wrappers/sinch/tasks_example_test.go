package sinch_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/relaykit/sinch-go/emulator"
	"github.com/relaykit/sinch-go/wrappers/sinch"
)

// The five everyday tasks, each run against the emulator. newClient stands for what a program
// does with a real account:
//
//	client, err := sinch.NewClientFromEnv() // SINCH_PROJECT_ID, SINCH_KEY_ID, SINCH_KEY_SECRET, SINCH_REGION, SINCH_APP_ID
//
// Here it starts an emulator with an app on the common channels (emulator.NewTestWith) and
// returns a client whose default app is that app; stop ends the emulator.

// exampleRun is the emulator.TB of an example: Cleanup functions run when it stops.
type exampleRun struct {
	ctx     context.Context
	cleanup []func()
}

func (r *exampleRun) Helper()                           {}
func (r *exampleRun) Cleanup(f func())                  { r.cleanup = append(r.cleanup, f) }
func (r *exampleRun) Fatalf(format string, args ...any) { log.Fatalf(format, args...) }
func (r *exampleRun) Context() context.Context          { return r.ctx }

func (r *exampleRun) stop() {
	for i := len(r.cleanup) - 1; i >= 0; i-- {
		r.cleanup[i]()
	}
}

func newClient(cfg emulator.Config, opts ...sinch.Option) (*emulator.Server, *sinch.Client, func()) {
	r := &exampleRun{ctx: context.Background()}
	srv, client := emulator.NewTestWith(r, cfg, opts...)
	return srv, client, r.stop
}

// T1: send a text over SMS, falling back to WhatsApp when SMS cannot deliver.
func Example_sendWithFallback() {
	_, client, stop := newClient(emulator.Config{})
	defer stop()
	ctx := context.Background()

	to := sinch.Fallback(sinch.SMS("+15551230001"), sinch.WhatsApp("+15551230001"))
	sent, err := client.Conversation.Messages.Send(ctx, sinch.SendMessageRequest{Recipient: to, Message: sinch.Text("Your order has shipped")})
	if err != nil {
		log.Fatal(err)
	}

	fmt.Println("sent:", len(sent.MessageID) == 26)
	// Output: sent: true
}

// T3: list every contact and print its id and display name; pages are fetched as the loop goes.
func ExampleContactsService_List() {
	_, client, stop := newClient(emulator.Config{})
	defer stop()
	ctx := context.Background()
	for _, name := range []string{"Ann", "Bo"} { // two contacts to list
		if _, err := client.Conversation.Contacts.Create(ctx, sinch.ContactCreateRequest{DisplayName: name, Language: "EN",
			ChannelIdentities: []sinch.ChannelIdentity{{Channel: sinch.ChannelSMS, Identity: "+1555123000" + fmt.Sprint(len(name))}}}); err != nil {
			log.Fatal(err)
		}
	}

	for c, err := range client.Conversation.Contacts.List(ctx, sinch.ListContactsParams{}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(c.ID, c.DisplayName)
	}
	// The ids differ on every run: TestTaskListContacts runs this example and checks its output.
}

// T4: create a template with one variable, and send it to a contact.
func ExampleTemplatesService_Create() {
	_, client, stop := newClient(emulator.Config{})
	defer stop()
	ctx := context.Background()
	contact, err := client.Conversation.Contacts.Create(ctx, sinch.ContactCreateRequest{DisplayName: "Ann", Language: "EN",
		ChannelIdentities: []sinch.ChannelIdentity{{Channel: sinch.ChannelSMS, Identity: "+15551230001"}}})
	if err != nil {
		log.Fatal(err)
	}

	tpl, err := client.Templates.Create(ctx, sinch.CreateTemplateRequest{DefaultTranslation: "en-US",
		Translations: []sinch.TemplateTranslation{sinch.TextTranslation("en-US", "Hi ${name}, your order has shipped", "name")}})
	if err != nil {
		log.Fatal(err)
	}
	ref := sinch.TemplateRef(tpl.ID, "", "en-US", map[string]string{"name": "Ann"})
	_, err = client.Conversation.Messages.Send(ctx, sinch.SendMessageRequest{Recipient: sinch.ToContact(contact.ID), Message: sinch.TemplateMessage(ref)})
	if err != nil {
		log.Fatal(err)
	}

	fmt.Println("template", len(tpl.ID) > 0, "sent to", contact.DisplayName)
	// Output: template true sent to Ann
}

// faulty starts an emulator that injects faults into every API answer, and a client for it
// (with a default app id, since the faulty emulator cannot create one).
func faulty(f emulator.Faults, opts ...sinch.Option) (*sinch.Client, func()) {
	srv, err := emulator.Start(context.Background(), emulator.Config{Faults: f})
	if err != nil {
		log.Fatal(err)
	}
	client, err := srv.Client(append([]sinch.Option{sinch.WithAppID("01W4FFL35P4NC4K35CONVAPP001")}, opts...)...)
	if err != nil {
		log.Fatal(err)
	}
	return client, func() { _ = srv.Close() }
}

// T5: tell a missing resource, a rate limit (and how long to wait) and a send that may have
// reached Sinch apart.
func Example_handleErrors() {
	ctx := context.Background()
	explain := func(err error) {
		var apiErr *sinch.APIError
		var sendErr *sinch.TransportError
		switch {
		case errors.Is(err, sinch.ErrNotFound):
			fmt.Println("not found: check the id and the region")
		case errors.As(err, &apiErr) && apiErr.StatusCode == 429:
			fmt.Println("rate limited: retry after", apiErr.RetryAfter)
		case errors.As(err, &sendErr) && sendErr.MaybeSent:
			fmt.Println("may have been sent: reconcile by correlation_id", sendErr.CorrelationID)
		case err != nil:
			fmt.Println("failed:", err)
		}
	}

	_, client, stop := newClient(emulator.Config{})
	defer stop()
	_, err := client.Conversation.Apps.Get(ctx, "01W4FFL35P4NC4K35NOSUCHAPP")
	explain(err)

	busy, stopBusy := faulty(emulator.Faults{Rate429: 1})
	defer stopBusy()
	_, err = busy.Conversation.Apps.List(ctx, sinch.WithMaxRetries(0)) // by default the client waits and retries
	explain(err)

	lossy, stopLossy := faulty(emulator.Faults{DropRate: 1})
	defer stopLossy()
	_, err = lossy.Conversation.Messages.Send(ctx, sinch.SendMessageRequest{Recipient: sinch.To(sinch.SMS("+15551230001")),
		Message: sinch.Text("Your code is 123456"), CorrelationID: "order-4711"})
	explain(err)
	// Output:
	// not found: check the id and the region
	// rate limited: retry after 1s
	// may have been sent: reconcile by correlation_id order-4711
}
