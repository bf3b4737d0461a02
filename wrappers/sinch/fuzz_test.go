package sinch

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// FuzzAPIError feeds arbitrary error bodies and Retry-After values to the decoder: it must never
// panic, must keep the status and the raw body, and its message must stay on one line.
func FuzzAPIError(f *testing.F) {
	f.Add(404, []byte(`{"error":{"code":404,"message":"not found","status":"NOT_FOUND","details":[]}}`), "5")
	f.Add(500, []byte(`<html>oops</html>`), "Wed, 21 Oct 2015 07:28:00 GMT")
	f.Add(429, []byte(`{"error":null}`), "")
	f.Add(400, []byte(`{"error":{"code":"x","details":[1,2]}}`), "-1")
	f.Add(400, []byte(`{"error":{"code":3,"message":"bad\nlevel=ERROR forged=1","status":"INVALID\r\nARGUMENT"}}`), "")
	f.Fuzz(func(t *testing.T, status int, body []byte, retryAfter string) {
		if status < 100 || status > 999 {
			status = 500
		}
		req := &http.Request{Method: "GET", URL: &url.URL{Path: "/v1/projects/p/apps/a"}}
		h := http.Header{}
		h.Set("Retry-After", retryAfter)
		resp := &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(bytes.NewReader(body))}
		e := newAPIError(req, resp, RegionUS)
		if e.StatusCode != status || (len(body) <= maxErrorBody && !bytes.Equal(e.Body, body)) {
			t.Fatalf("status %d body %q", e.StatusCode, e.Body)
		}
		if e.RetryAfter < 0 {
			t.Fatalf("negative RetryAfter %v", e.RetryAfter)
		}
		rest, _ := io.ReadAll(resp.Body)
		if !bytes.Equal(rest, e.Body) {
			t.Fatal("body not restored for later readers")
		}
		msg := e.Error()
		if !strings.HasPrefix(msg, "sinch: GET /v1/projects/p/apps/a: HTTP ") {
			t.Fatalf("message %q", msg)
		}
		if strings.ContainsAny(msg, "\r\n") {
			t.Fatalf("message spans lines: %q", msg)
		}
	})
}
