package sinch_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/relaykit/sinch-go/wrappers/sinch"
)

// startLocalSinch stands in for Sinch (or the emulator) so the examples run offline: a token
// endpoint and a few Conversation API routes.
func startLocalSinch() *httptest.Server {
	mux := http.NewServeMux()
	answer := func(w http.ResponseWriter, status int, body string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}
	mux.HandleFunc("POST /oauth2/token", func(w http.ResponseWriter, r *http.Request) {
		answer(w, 200, `{"access_token":"local-token","token_type":"bearer","expires_in":3600}`)
	})
	mux.HandleFunc("POST /v1/projects/{project}/messages:send", func(w http.ResponseWriter, r *http.Request) {
		answer(w, 200, `{"message_id":"01W4FFL35P4NC4K35MSG00001","accepted_time":"2026-11-25T12:00:00Z"}`)
	})
	mux.HandleFunc("GET /v1/projects/{project}/messages", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page_token") == "" {
			answer(w, 200, `{"messages":[{"id":"msg-1"},{"id":"msg-2"}],"next_page_token":"p2"}`)
			return
		}
		answer(w, 200, `{"messages":[{"id":"msg-3"}],"next_page_token":""}`)
	})
	mux.HandleFunc("GET /v1/projects/{project}/apps/{app}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "req-0001")
		answer(w, 404, `{"error":{"code":404,"message":"App not found","status":"NOT_FOUND","details":[]}}`)
	})
	return httptest.NewServer(mux)
}

// localClient is what the examples would get from sinch.NewClientFromEnv() with real
// credentials; here every URL points at the local stand-in.
func localClient(url string, opts ...sinch.Option) *sinch.Client {
	c, err := sinch.NewClient(append([]sinch.Option{
		sinch.WithProjectID("p-123"),
		sinch.WithOAuth2("key-id", "key-secret"),
		sinch.WithAppID("01W4FFL35P4NC4K35CONVAPP001"),
		sinch.WithConversationURL(url), sinch.WithTemplateURL(url), sinch.WithBatchURL(url),
		sinch.WithAuthURL(url + "/oauth2/token"),
	}, opts...)...)
	if err != nil {
		log.Fatal(err)
	}
	return c
}

// Send a text message to a phone number over SMS.
func ExampleMessagesService_Send() {
	srv := startLocalSinch()
	defer srv.Close()
	client := localClient(srv.URL)

	resp, err := client.Conversation.Messages.Send(context.Background(), sinch.SendMessageRequest{
		Recipient: sinch.To(sinch.SMS("+46701234567")),
		Message:   sinch.Text("Your order has shipped"),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("sent", resp.MessageID)
	// Output: sent 01W4FFL35P4NC4K35MSG00001
}

// Walk every message of the project; pages are fetched as the loop goes.
func ExampleMessagesService_List() {
	srv := startLocalSinch()
	defer srv.Close()
	client := localClient(srv.URL)

	for msg, err := range client.Conversation.Messages.List(context.Background(), sinch.ListMessagesParams{}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(msg.ID)
	}
	// Output:
	// msg-1
	// msg-2
	// msg-3
}

// Tell a missing resource (or a region mismatch) from other failures.
func ExampleAPIError() {
	srv := startLocalSinch()
	defer srv.Close()
	client := localClient(srv.URL, sinch.WithRegion(sinch.RegionEU))

	_, err := client.Conversation.Apps.Get(context.Background(), "01W4FFL35P4NC4K35NOAPP0001")
	var apiErr *sinch.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Status, apiErr.Message, apiErr.RequestID)
	}
	if sinch.IsNotFound(err) {
		fmt.Println("hint:", err.Error()[strings.Index(err.Error(), "check"):])
	}
	// Output:
	// 404 NOT_FOUND App not found req-0001
	// hint: check that the resource exists and that the app's region is the client's (eu)
}

// Point every API, and the token endpoint, at a local emulator. No region is needed when all
// three API URLs are given.
func ExampleWithConversationURL() {
	emulator := "http://127.0.0.1:8787" // where `sinch emulator` listens, for example
	client, err := sinch.NewClient(
		sinch.WithProjectID("p-123"),
		sinch.WithOAuth2("key-id", "key-secret"),
		sinch.WithConversationURL(emulator),
		sinch.WithTemplateURL(emulator),
		sinch.WithBatchURL(emulator),
		sinch.WithAuthURL(emulator+"/oauth2/token"),
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(client.ConversationURL(), client.TemplateURL(), client.BatchURL())
	// Output: http://127.0.0.1:8787 http://127.0.0.1:8787 http://127.0.0.1:8787
}

// Configure the client from SINCH_PROJECT_ID, SINCH_KEY_ID, SINCH_KEY_SECRET, SINCH_REGION and
// friends; options given here override the environment.
func ExampleNewClientFromEnv() {
	client, err := sinch.NewClientFromEnv(sinch.WithMaxRetries(5), sinch.WithRateLimit(800))
	if err != nil {
		log.Fatal(err) // names what is missing, e.g. "a region is required ..."
	}
	fmt.Println("project", client.ProjectID(), "in", client.Region())
}
