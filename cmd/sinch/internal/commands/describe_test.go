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
		{"missing setting", &config.MissingError{Setting: config.ProjectID}, []string{"SINCH_PROJECT_ID", "--project-id"}},
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
