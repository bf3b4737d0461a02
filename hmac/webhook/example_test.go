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

// onInbound handles inbound messages of any kind: the accessors answer for every kind (Text is
// "" for a photo, MediaURL "" for a text), so there is nothing to nil-check.
func onInbound(ctx context.Context, ev *callback.MessageInboundEvent) error {
	switch ev.Kind() {
	case callback.KindText:
		fmt.Println("inbound text:", ev.Text())
	case callback.KindMedia, callback.KindMediaCard:
		fmt.Println("inbound media:", ev.MediaURL())
	default:
		fmt.Println("inbound", ev.Kind(), "on", ev.Channel())
	}
	return nil
}

// onDelivery handles delivery reports, including 2020-style ones whose reason is a string.
func onDelivery(ctx context.Context, ev *callback.MessageDeliveryEvent) error {
	r := ev.MessageDeliveryReport
	if code := ev.Reason().Code; code != "" {
		fmt.Println("delivery:", r.MessageID, r.Status, code)
		return nil
	}
	fmt.Println("delivery:", r.MessageID, r.Status)
	return nil
}

// A webhook server in a few lines: verify, parse, deduplicate and dispatch Sinch callbacks.
func Example() {
	h, err := webhook.New(
		webhook.WithSecrets("my-webhook-secret"), // e.g. os.Getenv("SINCH_WEBHOOK_SECRET")
		webhook.On(onInbound),
		webhook.On(onDelivery),
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
	send(`{"app_id":"01W4FFL35P4NC4K35CONVAPP001","project_id":"p-1","message":{"id":"01W4FFL35P4NC4K35MSG00003",` +
		`"contact_message":{"media_message":{"url":"https://example.com/photo.jpg"}}}}`)
	send(`{"app_id":"01W4FFL35P4NC4K35CONVAPP001","project_id":"p-1","message_delivery_report":` +
		`{"message_id":"01W4FFL35P4NC4K35MSG00002","status":"FAILED","reason":{"code":"RECIPIENT_NOT_REACHABLE"}}}`)
	send(`{"app_id":"01W4FFL35P4NC4K35CONVAPP001","message_delivery_report":` +
		`{"message_id":"01W4FFL35P4NC4K35MSG00004","status":"QUEUED_ON_CHANNEL","reason":""}}`)
	// Output:
	// inbound text: Hello!
	// status: 200
	// inbound media: https://example.com/photo.jpg
	// status: 200
	// delivery: 01W4FFL35P4NC4K35MSG00002 FAILED RECIPIENT_NOT_REACHABLE
	// status: 200
	// delivery: 01W4FFL35P4NC4K35MSG00004 QUEUED_ON_CHANNEL
	// status: 200
}
