package commands

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/relaykit/sinch-go/cmd/sinch/internal/config"
	"github.com/relaykit/sinch-go/wrappers/sinch"
)

func TestDescribe(t *testing.T) {
	apiErr := func(status int, msg string) error {
		return fmt.Errorf("call: %w", &sinch.APIError{StatusCode: status, Message: msg, Method: "GET", Path: "/v1/projects/p/apps/a", RequestID: "req-1"})
	}
	cases := []struct {
		name string
		err  error
		want []string
	}{
		{"401", apiErr(401, "bad token"), []string{"call: the API answered 401", "check the access key", "SINCH_KEY_ID", "req-1"}},
		{"403", apiErr(403, ""), []string{"403", "SINCH_PROJECT_ID"}},
		{"404", apiErr(404, "app not found."), []string{"404", "app not found (GET", "check the region", "SINCH_REGION", "the id"}},
		{"429", &sinch.APIError{StatusCode: 429, RetryAfter: 2 * time.Second, Method: "POST", Path: "/x"}, []string{"429", "rate limited", "in 2s"}},
		{"400", apiErr(400, "field x is required"), []string{"400", "field x is required"}},
		{"503", apiErr(503, ""), []string{"503", "try again later"}},
		{"missing setting", &config.MissingError{Settings: []config.Setting{config.ProjectID}}, []string{"SINCH_PROJECT_ID", "--project-id"}},
		{"interrupted", fmt.Errorf("x: %w", context.Canceled), []string{"interrupted"}},
		{"unreachable", &url.Error{Op: "Get", URL: "https://eu.conversation.api.sinch.com/v1/x", Err: &net.OpError{Op: "dial", Err: errors.New("connection refused")}},
			[]string{"cannot reach eu.conversation.api.sinch.com", "region", "connection refused"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := describe(c.err)
			if strings.Contains(got, "\n") {
				t.Errorf("not one line: %q", got)
			}
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("%q lacks %q", got, w)
				}
			}
		})
	}
}

// 404 advice fits the target: against the emulator (every base URL loopback) the region is not
// the cause and is not mentioned; against Sinch it is.
func TestNotFoundAdviceFitsTheTarget(t *testing.T) {
	e := &sinch.APIError{StatusCode: 404, Message: "app x not found", Method: "GET", Path: "/v1/projects/p/apps/x"}
	cases := []struct {
		name   string
		urls   []string
		region bool
	}{
		{"emulator 127.0.0.1", []string{"http://127.0.0.1:8787", "http://127.0.0.1:8787", "http://127.0.0.1:8788"}, false},
		{"emulator localhost", []string{"http://localhost:8787", "http://localhost:8788"}, false},
		{"emulator ipv6", []string{"http://[::1]:8787"}, false},
		{"sinch us", []string{"https://us.conversation.api.sinch.com", "https://us.template.api.sinch.com", "https://us.conversationbatch.api.sinch.com"}, true},
		{"mixed", []string{"http://127.0.0.1:8787", "https://eu.conversationbatch.api.sinch.com"}, true},
		{"no client", nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := targetOf(c.urls...).describe(fmt.Errorf("apps get: %w", e))
			if has := strings.Contains(got, "SINCH_REGION"); has != c.region {
				t.Errorf("mentions SINCH_REGION = %v, want %v: %q", has, c.region, got)
			}
			if !strings.Contains(got, "404") || !strings.Contains(got, "the id") {
				t.Errorf("%q", got)
			}
		})
	}
	// Unreachable: the emulator advice names the emulator, not the region.
	unreachable := &url.Error{Op: "Get", URL: "http://127.0.0.1:9/v1/x", Err: &net.OpError{Op: "dial", Err: errors.New("connection refused")}}
	if got := describe(unreachable); !strings.Contains(got, "sinch emulator") || strings.Contains(got, "region") {
		t.Errorf("unreachable emulator: %q", got)
	}
}
