package webhook_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/relaykit/sinch-go/hmac"
	"github.com/relaykit/sinch-go/hmac/callback"
	"github.com/relaykit/sinch-go/hmac/webhook"
)

// A webhook server in a few lines: verify, parse, deduplicate and dispatch Sinch callbacks.
func Example() {
	h, err := webhook.New(
		webhook.WithSecrets("my-webhook-secret"), // e.g. os.Getenv("SINCH_WEBHOOK_SECRET")
		webhook.On(func(ctx context.Context, ev *callback.MessageInboundEvent) error {
			fmt.Println("inbound text:", ev.Message.ContactMessage.TextMessage.Text)
			return nil
		}),
		webhook.On(func(ctx context.Context, ev *callback.MessageDeliveryEvent) error {
			fmt.Println("delivery:", ev.MessageDeliveryReport.MessageID, ev.MessageDeliveryReport.Status)
			return nil
		}),
	)
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /sinch/callbacks", h)
	srv := httptest.NewServer(mux) // in production: http.ListenAndServe(":8080", mux)
	defer srv.Close()

	// What Sinch would post (signed with the same secret).
	send := func(body string) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/sinch/callbacks", bytes.NewReader([]byte(body)))
		hmac.SignRequest(req, "my-webhook-secret", []byte(body), time.Now())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
		fmt.Println("status:", resp.StatusCode)
	}
	send(`{"app_id":"01W4FFL35P4NC4K35CONVAPP001","project_id":"p-1","message":{"id":"01W4FFL35P4NC4K35MSG00001",` +
		`"contact_message":{"text_message":{"text":"Hello!"}}}}`)
	send(`{"app_id":"01W4FFL35P4NC4K35CONVAPP001","project_id":"p-1","message_delivery_report":` +
		`{"message_id":"01W4FFL35P4NC4K35MSG00002","status":"DELIVERED"}}`)
	// Output:
	// inbound text: Hello!
	// status: 200
	// delivery: 01W4FFL35P4NC4K35MSG00002 DELIVERED
	// status: 200
}
