package sinch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

// TestPrintingLeaksNoSecret prints the client, its configuration and its services every way fmt and
// slog can, and checks that neither the key secret nor a bearer token appears.
func TestPrintingLeaksNoSecret(t *testing.T) {
	const secret, token = "KEY-SECRET-do-not-print", "BEARER-do-not-print"
	for _, opt := range []Option{WithOAuth2("key-id", secret), WithBasicAuth("key-id", secret), WithBearerToken(token)} {
		c, err := NewClient(WithProjectID("p"), WithRegion(RegionEU), opt)
		if err != nil {
			t.Fatal(err)
		}
		var logged bytes.Buffer
		l := slog.New(slog.NewTextHandler(&logged, nil))
		l.Info("client", "client", c, "conversation", c.Conversation)
		slog.New(slog.NewJSONHandler(&logged, nil)).Info("client", "client", c, "messages", c.Conversation.Messages)
		out := fmt.Sprintf("%v %+v %#v %v %+v %#v %v %+v %#v", c, c, c, *c, *c, *c, c.Conversation, c.Templates, c.Batch.Contacts) + logged.String()
		for _, s := range []string{secret, token} {
			if strings.Contains(out, s) {
				t.Fatalf("printed client leaks a secret:\n%s", out)
			}
		}
		if !strings.Contains(out, "p") || !strings.Contains(out, "eu") {
			t.Fatalf("printed client lost its non-secret fields:\n%s", out)
		}
	}
}

func TestOversizedSuccessBodyIsAnError(t *testing.T) {
	defer func(old int64) { maxResponseBody = old }(maxResponseBody)
	maxResponseBody = 64
	small := `{"apps":[]}`
	big := `{"apps":[],"pad":"` + strings.Repeat("x", 100) + `"}`
	body := small
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) { okJSON(body)(w, r) })
	c := f.client(t)
	if _, err := c.Conversation.Apps.List(context.Background()); err != nil {
		t.Fatalf("a body under the limit: %v", err)
	}
	body = `{"apps":[],"pad":"` + strings.Repeat("x", 64-len(`{"apps":[],"pad":""}`)) + `"}`
	if len(body) != 64 {
		t.Fatalf("test body is %d bytes", len(body))
	}
	if _, err := c.Conversation.Apps.List(context.Background()); err != nil {
		t.Fatalf("a body of exactly the limit: %v", err)
	}
	body = big
	if _, err := c.Conversation.Apps.List(context.Background()); !errors.Is(err, ErrResponseTooLarge) {
		t.Fatalf("err = %v, want ErrResponseTooLarge", err)
	}
}
