package sinch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestPrintingLeaksNoSecret prints the client, its configuration and its Doer every way fmt and
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
		l.Info("client", "client", c, "doer", c.Doer())
		slog.New(slog.NewJSONHandler(&logged, nil)).Info("client", "client", c, "doer", c.Doer())
		out := fmt.Sprintf("%v %+v %#v %v %+v %#v %v %+v %#v", c, c, c, *c, *c, *c, c.Doer(), c.Doer(), c.Doer()) + logged.String()
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
	if _, err := c.Conversation.ListApps(context.Background()); err != nil {
		t.Fatalf("a body under the limit: %v", err)
	}
	body = `{"apps":[],"pad":"` + strings.Repeat("x", 64-len(`{"apps":[],"pad":""}`)) + `"}`
	if len(body) != 64 {
		t.Fatalf("test body is %d bytes", len(body))
	}
	if _, err := c.Conversation.ListApps(context.Background()); err != nil {
		t.Fatalf("a body of exactly the limit: %v", err)
	}
	body = big
	if _, err := c.Conversation.ListApps(context.Background()); !errors.Is(err, ErrResponseTooLarge) {
		t.Fatalf("err = %v, want ErrResponseTooLarge", err)
	}
}

func TestDoerAcceptsRequestWithoutHeader(t *testing.T) {
	var auth string
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		auth = r.Header.Get("Authorization")
		okJSON(`{}`)(w, r)
	})
	c := f.client(t)
	u, _ := url.Parse(f.srv.URL + "/v1/projects/p-123/apps")
	req := (&http.Request{Method: http.MethodGet, URL: u}).WithContext(t.Context()) // Header is nil
	resp, err := c.Doer().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || auth != "Bearer tok-1" {
		t.Fatalf("status %d auth %q", resp.StatusCode, auth)
	}
}
