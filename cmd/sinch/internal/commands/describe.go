package commands

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"

	"github.com/relaykit/sinch-go/cmd/sinch/internal/config"
	"github.com/relaykit/sinch-go/wrappers/sinch"
)

// target says where a run's requests went, so that advice fits it: the local emulator (every
// base URL on a loopback address) or Sinch.
type target struct{ local bool }

// isLoopback reports whether rawURL's host is a loopback address or localhost.
func isLoopback(rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return false
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// targetOf tells whether every base URL is loopback (the emulator).
func targetOf(urls ...string) target {
	for _, u := range urls {
		if !isLoopback(u) {
			return target{}
		}
	}
	return target{local: len(urls) > 0}
}

// describe turns an error into the one line the CLI prints: what went wrong and what to do.
func describe(err error) string { return target{}.describe(err) }

// describe is describe with advice that fits the target.
func (t target) describe(err error) string {
	var apiErr *sinch.APIError
	var missing *config.MissingError
	var urlErr *url.Error
	var netErr *net.OpError
	var tokenErr *oauth2.RetrieveError
	switch {
	case errors.As(err, &tokenErr):
		status := 0
		if tokenErr.Response != nil {
			status = tokenErr.Response.StatusCode
		}
		if status == http.StatusTooManyRequests {
			return "the auth service rate limited the token request (429): wait a moment and try again"
		}
		return fmt.Sprintf("the auth service refused the access key (%d %s): check SINCH_KEY_ID and SINCH_KEY_SECRET (--key-id, --key-secret) and, for the emulator, SINCH_AUTH_URL", status, tokenErr.ErrorCode)
	case errors.As(err, &apiErr):
		// Keep the context the command wrapped around the answer ("batch 2 of 3 ...: ...").
		if msg, inner := err.Error(), apiErr.Error(); inner != "" && strings.Contains(msg, inner) {
			return strings.Replace(msg, inner, t.describeAPIError(apiErr), 1)
		}
		return t.describeAPIError(apiErr)
	case errors.As(err, &missing):
		return missing.Error()
	case errors.Is(err, context.Canceled):
		return "interrupted"
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out: " + err.Error()
	case errors.As(err, &netErr) && netErr.Op == "dial":
		host := ""
		if errors.As(err, &urlErr) {
			if u, perr := url.Parse(urlErr.URL); perr == nil {
				host = u.Host
			}
		}
		if t.local || isLoopback("http://"+host) {
			return fmt.Sprintf("cannot reach %s: is the emulator running (sinch emulator)? Check SINCH_*_URL against the addresses it printed (%v)", orUnknown(host), netErr.Err)
		}
		return fmt.Sprintf("cannot reach %s: check the region, the base URL overrides (SINCH_*_URL) and your network (%v)", orUnknown(host), netErr.Err)
	}
	return err.Error()
}

func orUnknown(s string) string {
	if s == "" {
		return "the API"
	}
	return s
}

// describeAPIError says what the API answered and what the user can do about it.
func (t target) describeAPIError(e *sinch.APIError) string {
	var b strings.Builder
	fmt.Fprintf(&b, "the API answered %d", e.StatusCode)
	if e.Status != "" {
		b.WriteString(" " + e.Status)
	} else if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteString(" " + t)
	}
	if e.Message != "" {
		b.WriteString(": " + strings.TrimSuffix(e.Message, "."))
	}
	b.WriteString(" (" + e.Method + " " + e.Path + ")")
	switch {
	case e.StatusCode == http.StatusUnauthorized:
		b.WriteString("; check the access key: SINCH_KEY_ID and SINCH_KEY_SECRET (--key-id, --key-secret) must be a key of this project")
	case e.StatusCode == http.StatusForbidden:
		b.WriteString("; check that the key may use this project (SINCH_PROJECT_ID) and that the channel is set up on the app")
	case e.StatusCode == http.StatusNotFound && t.local:
		// The emulator has no regions: the id is wrong, or it was made before a restart (the
		// emulator keeps its state in memory).
		b.WriteString("; check the id: the emulator has no such resource (it forgets everything when restarted)")
	case e.StatusCode == http.StatusNotFound:
		b.WriteString("; check the region (SINCH_REGION, --region: us, eu or br; resources live in one region) and the id")
	case e.StatusCode == http.StatusTooManyRequests:
		b.WriteString("; rate limited: wait and try again")
		if e.RetryAfter > 0 {
			fmt.Fprintf(&b, " in %s", e.RetryAfter)
		}
		b.WriteString(", or send fewer requests per second")
	case e.StatusCode == http.StatusBadRequest:
		b.WriteString("; fix the request's values (see --help)")
	case e.StatusCode >= 500:
		b.WriteString("; the service failed: try again later")
	}
	if e.RequestID != "" {
		b.WriteString(" [request id " + e.RequestID + "]")
	}
	return b.String()
}
