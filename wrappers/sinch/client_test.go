package sinch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/relaykit/sinch-go/gen/conversation"
	"github.com/relaykit/sinch-go/gen/templates"
)

func textTo(phone string) conversation.SendMessageRequest {
	return conversation.SendMessageRequest{
		Message: conversation.AppMessage{TextMessage: conversation.TextMessage{Text: "hello"}},
		Recipient: conversation.Recipient{IdentifiedBy: conversation.IdentifiedBy{ChannelIdentities: []conversation.ChannelRecipientIdentity{
			{Channel: conversation.ConversationChannel("SMS"), Identity: phone},
		}}},
	}
}

func TestSendMessageRequestShape(t *testing.T) {
	var got struct {
		method, path, auth, ua, accept string
		body                           map[string]any
	}
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		got.method, got.path, got.auth, got.ua, got.accept = r.Method, r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("User-Agent"), r.Header.Get("Accept")
		_ = json.NewDecoder(r.Body).Decode(&got.body)
		okJSON(`{"message_id":"01W4FFL35P4NC4K35MSG0001","accepted_time":"2026-11-25T12:00:00Z"}`)(w, r)
	})
	c := f.client(t, WithAppID("app-default"), WithSMSSender("+15550001111"), WithUserAgent("acme-notify/2.0"))
	req := textTo("+46701234567")
	resp, err := c.Conversation.Messages.Send(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.MessageID != "01W4FFL35P4NC4K35MSG0001" {
		t.Fatalf("resp = %+v", resp)
	}
	if got.method != "POST" || got.path != "/v1/projects/p-123/messages:send" || got.auth != "Bearer tok-1" || got.accept != "application/json" {
		t.Fatalf("request %+v", got)
	}
	mustContain(t, got.ua, "acme-notify/2.0 sinch-go/"+Version)
	if got.body["app_id"] != "app-default" {
		t.Fatalf("app_id = %v", got.body["app_id"])
	}
	if props, _ := got.body["channel_properties"].(map[string]any); props["SMS_SENDER"] != "+15550001111" {
		t.Fatalf("channel_properties = %v", got.body["channel_properties"])
	}
	if req.AppID != "" || req.ChannelProperties != nil {
		t.Fatal("SendMessage modified the caller's request")
	}
	// An explicit app id and sender win over the defaults.
	req.AppID = "app-explicit"
	req.ChannelProperties = map[string]string{"SMS_SENDER": "ACME"}
	if _, err := c.Conversation.Messages.Send(t.Context(), req); err != nil {
		t.Fatal(err)
	}
	if props, _ := got.body["channel_properties"].(map[string]any); got.body["app_id"] != "app-explicit" || props["SMS_SENDER"] != "ACME" {
		t.Fatalf("body = %v", got.body)
	}
}

func TestSendMessageWithoutAppID(t *testing.T) {
	f := newFake(t, okJSON(`{}`))
	c := f.client(t)
	if _, err := c.Conversation.Messages.Send(t.Context(), textTo("+46701234567")); !errors.Is(err, ErrNoAppID) {
		t.Fatalf("err = %v", err)
	}
	if f.apiHits.Load() != 0 {
		t.Fatal("a request was sent")
	}
}

func TestOneTokenFetchForThousandConcurrentCalls(t *testing.T) {
	f := newFake(t, okJSON(`{"id":"01W4FFL35P4NC4K35CONVAPP001"}`))
	c := f.client(t, WithHTTPClient(f.pooledClient()))
	var wg sync.WaitGroup
	var failures atomic.Int64
	for range 1000 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Conversation.Apps.Get(t.Context(), "01W4FFL35P4NC4K35CONVAPP001"); err != nil {
				failures.Add(1)
			}
		}()
	}
	wg.Wait()
	if failures.Load() != 0 {
		t.Fatalf("%d calls failed", failures.Load())
	}
	if f.tokenHits.Load() != 1 || c.TokenFetches() != 1 {
		t.Fatalf("token endpoint hit %d times (TokenFetches %d), want 1", f.tokenHits.Load(), c.TokenFetches())
	}
}

func Test401RefreshesTokenOnceAndRetries(t *testing.T) {
	f := newFake(t, okJSON(`{"id":"app"}`))
	f.acceptOnly = "tok-2" // the first token is rejected, as after a revocation
	c := f.client(t)
	if _, err := c.Conversation.Apps.Get(t.Context(), "app"); err != nil {
		t.Fatal(err)
	}
	if f.tokenHits.Load() != 2 || f.apiHits.Load() != 2 {
		t.Fatalf("token hits %d, API hits %d; want 2 and 2", f.tokenHits.Load(), f.apiHits.Load())
	}
	// Later calls reuse the fresh token.
	if _, err := c.Conversation.Apps.Get(t.Context(), "app"); err != nil || f.tokenHits.Load() != 2 {
		t.Fatalf("err %v, token hits %d", err, f.tokenHits.Load())
	}
}

func Test401PersistingIsReturnedAfterOneRefresh(t *testing.T) {
	f := newFake(t, okJSON(`{}`))
	f.acceptOnly = "never"
	c := f.client(t)
	_, err := c.Conversation.Apps.Get(t.Context(), "app")
	if !IsUnauthorized(err) {
		t.Fatalf("err = %v, want 401", err)
	}
	if f.tokenHits.Load() != 2 || f.apiHits.Load() != 2 {
		t.Fatalf("token hits %d, API hits %d; want exactly one refresh and one retry", f.tokenHits.Load(), f.apiHits.Load())
	}
	mustContain(t, err.Error(), "check the access key id and secret")
	if strings.Contains(err.Error(), testKeySecret) || strings.Contains(err.Error(), "tok-") {
		t.Fatalf("error leaks a secret: %v", err)
	}
}

func TestBasicAndBearerAuth(t *testing.T) {
	var auth string
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		auth = r.Header.Get("Authorization")
		okJSON(`{}`)(w, r)
	})
	c := f.client(t, WithBasicAuth(testKeyID, testKeySecret))
	if _, err := c.Conversation.ProjectSettings.Get(t.Context()); err != nil {
		t.Fatal(err)
	}
	if id, secret, ok := (&http.Request{Header: http.Header{"Authorization": {auth}}}).BasicAuth(); !ok || id != testKeyID || secret != testKeySecret {
		t.Fatalf("Authorization %q", auth)
	}
	c = f.client(t, WithBearerToken("static-token"))
	if _, err := c.Conversation.ProjectSettings.Get(t.Context()); err != nil {
		t.Fatal(err)
	}
	if auth != "Bearer static-token" || f.tokenHits.Load() != 0 {
		t.Fatalf("Authorization %q, token hits %d", auth, f.tokenHits.Load())
	}
}

func TestRetriesThroughClient(t *testing.T) {
	var n atomic.Int64
	var bodies []string
	var mu sync.Mutex
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "0")
			writeError(w, http.StatusServiceUnavailable, "UNAVAILABLE", "try later")
			return
		}
		okJSON(`{"message_id":"m1"}`)(w, r)
	})
	c := f.client(t, WithAppID("app"))
	if _, err := c.Conversation.Messages.Send(t.Context(), textTo("+46701234567")); err != nil {
		t.Fatal(err)
	}
	if len(bodies) != 2 || bodies[0] != bodies[1] || bodies[0] == "" {
		t.Fatalf("bodies %q: the retry must replay the same body", bodies)
	}
}

func TestRetryCountPerClientAndPerCall(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusTooManyRequests, "RESOURCE_EXHAUSTED", "slow down")
	})
	tests := []struct {
		name     string
		client   []Option
		call     []Option
		wantHits int64
	}{
		{"default", nil, nil, 1 + DefaultMaxRetries},
		{"client 1", []Option{WithMaxRetries(1)}, nil, 2},
		{"client 0 disables", []Option{WithMaxRetries(0)}, nil, 1},
		{"call 0 overrides client", []Option{WithMaxRetries(5)}, []Option{WithMaxRetries(0)}, 1},
		{"call 2 overrides client 0", []Option{WithMaxRetries(0)}, []Option{WithMaxRetries(2)}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.apiHits.Store(0)
			c := f.client(t, tt.client...)
			_, err := c.Conversation.Apps.Get(t.Context(), "a", tt.call...)
			if !IsRateLimited(err) {
				t.Fatalf("err = %v", err)
			}
			if f.apiHits.Load() != tt.wantHits {
				t.Fatalf("hits %d, want %d", f.apiHits.Load(), tt.wantHits)
			}
		})
	}
}

// hangUp reads the request and then drops the connection without answering: the server may
// have processed it.
func hangUp(w http.ResponseWriter, r *http.Request) {
	_, _ = io.ReadAll(r.Body)
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

func TestNoDuplicateSendAfterConnectionLoss(t *testing.T) {
	f := newFake(t, hangUp)
	c := f.client(t, WithAppID("app"))
	_, err := c.Conversation.Messages.Send(t.Context(), textTo("+46701234567"))
	if err == nil {
		t.Fatal("want an error")
	}
	if f.apiHits.Load() != 1 {
		t.Fatalf("messages:send was sent %d times after a dropped connection; want 1", f.apiHits.Load())
	}
	// An idempotent GET is retried.
	f.apiHits.Store(0)
	if _, err := c.Conversation.Apps.Get(t.Context(), "a"); err == nil || f.apiHits.Load() != 1+DefaultMaxRetries {
		t.Fatalf("GET: err %v, hits %d", err, f.apiHits.Load())
	}
}

func TestDialErrorRetriedEvenForSend(t *testing.T) {
	var attempts atomic.Int64
	f := newFake(t, okJSON(`{"message_id":"m"}`))
	c := f.client(t, WithAppID("app"), WithMiddleware(func(r *http.Request, next MiddlewareNext) (*http.Response, error) {
		if attempts.Add(1) == 1 {
			return nil, &netOpError
		}
		return next(r)
	}))
	if _, err := c.Conversation.Messages.Send(t.Context(), textTo("+46701234567")); err != nil {
		t.Fatal(err)
	}
	if attempts.Load() != 2 || f.apiHits.Load() != 1 {
		t.Fatalf("attempts %d, hits %d", attempts.Load(), f.apiHits.Load())
	}
}

func TestContextCancelStopsRetryWait(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		writeError(w, http.StatusServiceUnavailable, "UNAVAILABLE", "")
	})
	c := f.client(t)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Conversation.Apps.Get(ctx, "a")
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Fatalf("err %v after %v", err, time.Since(start))
	}
}

func TestAPIErrorDecoding(t *testing.T) {
	tests := []struct {
		status   int
		st       string
		sentinel error
		hint     string
	}{
		{400, "INVALID_ARGUMENT", ErrBadRequest, ""},
		{401, "UNAUTHENTICATED", ErrUnauthorized, "check the access key"},
		{403, "PERMISSION_DENIED", ErrForbidden, ""},
		{404, "NOT_FOUND", ErrNotFound, `app's region is the client's (eu)`},
		{429, "RESOURCE_EXHAUSTED", ErrRateLimited, ""},
		{500, "INTERNAL", ErrServer, ""},
	}
	for _, tt := range tests {
		t.Run(tt.st, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Request-Id", "req-42")
				writeJSON(w, tt.status, map[string]any{"error": map[string]any{"code": tt.status, "message": "something about app",
					"status": tt.st, "details": []any{map[string]any{"@type": "type.googleapis.com/google.rpc.BadRequest"}}}})
			})
			c := f.client(t, WithMaxRetries(0), WithRegion(RegionEU), WithConversationURL(f.srv.URL))
			_, err := c.Conversation.Apps.Get(t.Context(), "app-1")
			var ae *APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err %T %v", err, err)
			}
			if ae.StatusCode != tt.status || ae.Code != tt.status || ae.Status != tt.st || ae.Message != "something about app" ||
				ae.RequestID != "req-42" || ae.Method != "GET" || ae.Path != "/v1/projects/p-123/apps/app-1" || len(ae.Details) != 1 ||
				!bytes.Contains(ae.Body, []byte("something about app")) {
				t.Fatalf("APIError %+v", ae)
			}
			if !errors.Is(err, tt.sentinel) {
				t.Fatalf("errors.Is(err, %v) false", tt.sentinel)
			}
			for _, other := range []error{ErrBadRequest, ErrUnauthorized, ErrForbidden, ErrNotFound, ErrRateLimited, ErrServer} {
				if other != tt.sentinel && errors.Is(err, other) {
					t.Fatalf("errors.Is(err, %v) true", other)
				}
			}
			if IsNotFound(err) != (tt.status == 404) || IsUnauthorized(err) != (tt.status == 401) || IsRateLimited(err) != (tt.status == 429) {
				t.Fatal("helper mismatch")
			}
			msg := err.Error()
			mustContain(t, msg, "GET /v1/projects/p-123/apps/app-1", tt.st, "something about app", "req-42", tt.hint)
			if strings.Contains(msg, testKeySecret) || strings.Contains(msg, "tok-1") {
				t.Fatalf("Error() leaks a secret: %s", msg)
			}
		})
	}
}

func TestAPIErrorWithoutSinchBody(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte("<html>bad gateway</html>"))
	})
	c := f.client(t, WithMaxRetries(0))
	_, err := c.Conversation.Apps.Get(t.Context(), "a")
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 502 || string(ae.Body) != "<html>bad gateway</html>" || !errors.Is(err, ErrServer) {
		t.Fatalf("err %v", err)
	}
	mustContain(t, err.Error(), "HTTP 502 Bad Gateway")
}

func TestAPIErrorLogValueHasNoBody(t *testing.T) {
	var buf bytes.Buffer
	e := &APIError{StatusCode: 404, Status: "NOT_FOUND", Message: "no app", Method: "GET", Path: "/v1/projects/p/apps/a", Body: []byte(`{"secret-ish":"x"}`)}
	slog.New(slog.NewJSONHandler(&buf, nil)).Error("call failed", "err", e)
	out := buf.String()
	mustContain(t, out, `"status_code":404`, `"status":"NOT_FOUND"`, `"path":"/v1/projects/p/apps/a"`)
	if strings.Contains(out, "secret-ish") {
		t.Fatalf("LogValue includes the body: %s", out)
	}
}

func TestUnexpected2xxIsAnError(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html>captive portal</html>"))
	})
	c := f.client(t)
	_, err := c.Conversation.Apps.Get(t.Context(), "a")
	var ue *UnexpectedResponseError
	if !errors.As(err, &ue) || ue.StatusCode != 200 || ue.ContentType != "text/html" {
		t.Fatalf("err %v", err)
	}
}

func TestCallOptions(t *testing.T) {
	var trace atomic.Value
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/projects/p-123/apps/a" {
			trace.Store(r.Header.Get("X-Trace"))
		}
		w.Header().Set("X-Request-Id", "req-7")
		if r.URL.Path == "/v1/projects/p-123/apps/slow" {
			time.Sleep(200 * time.Millisecond)
		}
		okJSON(`{"id":"a"}`)(w, r)
	})
	c := f.client(t)
	var resp *http.Response
	if _, err := c.Conversation.Apps.Get(t.Context(), "a", WithHeader("X-Trace", "abc"), WithResponseInto(&resp)); err != nil {
		t.Fatal(err)
	}
	if trace.Load() != "abc" || resp == nil || resp.Header.Get("X-Request-Id") != "req-7" {
		t.Fatalf("trace %q resp %v", trace, resp)
	}
	if _, err := c.Conversation.Apps.Get(t.Context(), "slow", WithTimeout(20*time.Millisecond), WithMaxRetries(0)); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a deadline", err)
	}
	ct := f.client(t, WithTimeout(20*time.Millisecond), WithMaxRetries(0))
	if _, err := ct.Conversation.Apps.Get(t.Context(), "slow"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("client timeout: err = %v", err)
	}
}

func TestMiddlewareSeesEveryAttemptInOrder(t *testing.T) {
	var n atomic.Int64
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			writeError(w, 500, "INTERNAL", "")
			return
		}
		okJSON(`{}`)(w, r)
	})
	var order []string
	mw := func(name string) Middleware {
		return func(r *http.Request, next MiddlewareNext) (*http.Response, error) {
			order = append(order, name+">")
			resp, err := next(r)
			order = append(order, "<"+name)
			return resp, err
		}
	}
	c := f.client(t, WithMiddleware(mw("a"), mw("b")))
	if _, err := c.Conversation.ProjectSettings.Get(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(order, " "); got != "a> b> <b <a a> b> <b <a" {
		t.Fatalf("order %q", got)
	}
}

func TestLoggerNeverLogsSecrets(t *testing.T) {
	var buf bytes.Buffer
	var n atomic.Int64
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			writeError(w, 503, "UNAVAILABLE", "")
			return
		}
		okJSON(`{"message_id":"m"}`)(w, r)
	})
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := f.client(t, WithLogger(logger), WithAppID("app"))
	if _, err := c.Conversation.Messages.Send(t.Context(), textTo("+46701234567")); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	mustContain(t, out, "sinch: token obtained", "sinch: retrying", "sinch: call", "path=/v1/projects/p-123/messages:send", "status=200", "retries=1")
	for _, secret := range []string{testKeySecret, "tok-1", "Bearer", "+46701234567", "hello"} {
		if strings.Contains(out, secret) {
			t.Fatalf("log contains %q:\n%s", secret, out)
		}
	}
}

func TestRateLimitPacesRequests(t *testing.T) {
	f := newFake(t, okJSON(`{}`))
	c := f.client(t, WithRateLimit(20)) // burst of 2, then one request per 50 ms
	start := time.Now()
	for range 5 {
		if _, err := c.Conversation.ProjectSettings.Get(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	// Three requests beyond the burst need at least 3 × 50 ms; this lower bound cannot flake.
	if el := time.Since(start); el < 140*time.Millisecond {
		t.Fatalf("5 requests took %v: not paced", el)
	}
}

func TestRateLimitWaitHonoursContext(t *testing.T) {
	f := newFake(t, okJSON(`{}`))
	c := f.client(t, WithRateLimit(0.1)) // one request, then one per 10 s
	if _, err := c.Conversation.ProjectSettings.Get(t.Context()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	if _, err := c.Conversation.ProjectSettings.Get(ctx); err == nil {
		t.Fatal("want a rate limiter error")
	}
	if f.apiHits.Load() != 1 {
		t.Fatalf("hits %d", f.apiHits.Load())
	}
}

func TestServicesUseTheirOwnBaseURL(t *testing.T) {
	hosts := map[string]string{}
	var mu sync.Mutex
	rec := func(name string) *fakeSinch {
		return newFake(t, func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			hosts[name] = r.URL.Path
			mu.Unlock()
			okJSON(`{"templates":[],"id":"b"}`)(w, r)
		})
	}
	conv, tmpl, bat := rec("conversation"), rec("templates"), rec("batch")
	c, err := NewClient(WithProjectID(testProject), WithBearerToken("t"), WithConversationURL(conv.srv.URL),
		WithTemplateURL(tmpl.srv.URL), WithBatchURL(bat.srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Conversation.ProjectSettings.Get(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Templates.List(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Batch.Get(t.Context(), "b"); err != nil {
		t.Fatal(err)
	}
	if hosts["conversation"] != "/v1/projects/p-123/settings" || hosts["templates"] != "/v2/projects/p-123/templates" ||
		hosts["batch"] != "/v1/projects/p-123/messages/b" {
		t.Fatalf("paths %v", hosts)
	}
}

// plainDoer is a Doer that is not an *http.Client.
type plainDoer struct {
	hc    *http.Client
	calls atomic.Int64
}

func (d *plainDoer) Do(r *http.Request) (*http.Response, error) {
	d.calls.Add(1)
	return d.hc.Do(r)
}

func TestCustomDoerCarriesTokenAndAPICalls(t *testing.T) {
	f := newFake(t, okJSON(`{}`))
	d := &plainDoer{hc: f.srv.Client()}
	c := f.client(t, WithHTTPClient(d))
	if _, err := c.Conversation.ProjectSettings.Get(t.Context()); err != nil {
		t.Fatal(err)
	}
	if d.calls.Load() != 2 || f.tokenHits.Load() != 1 {
		t.Fatalf("doer calls %d (want token + API = 2), token hits %d", d.calls.Load(), f.tokenHits.Load())
	}
}

func TestDoEscapeHatch(t *testing.T) {
	var got struct{ method, path, query, auth, body string }
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got.method, got.path, got.query, got.auth, got.body = r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Authorization"), string(b)
		if r.URL.Path == "/v1/projects/p-123/apps/missing" {
			writeError(w, 404, "NOT_FOUND", "no such app")
			return
		}
		okJSON(`{"id":"a1","display_name":"Shop"}`)(w, r)
	})
	c := f.client(t)
	var app struct {
		ID          string `json:"id"`
		DisplayName string `json:"display_name"`
	}
	if err := c.Do(t.Context(), http.MethodPost, "/v1/projects/{project_id}/apps?x=1", map[string]string{"display_name": "Shop"}, &app); err != nil {
		t.Fatal(err)
	}
	if got.method != "POST" || got.path != "/v1/projects/p-123/apps" || got.query != "x=1" || got.auth != "Bearer tok-1" ||
		got.body != `{"display_name":"Shop"}` || app.ID != "a1" {
		t.Fatalf("request %+v, answer %+v", got, app)
	}
	var raw json.RawMessage
	if err := c.Batch.Do(t.Context(), http.MethodGet, "/v1/projects/{project_id}/messages/b1", nil, &raw); err != nil || string(raw) != `{"id":"a1","display_name":"Shop"}` {
		t.Fatalf("raw %s, err %v", raw, err)
	}
	err := c.Do(t.Context(), http.MethodGet, "/v1/projects/{project_id}/apps/missing", nil, nil)
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v, want a 404 *APIError", err)
	}
	if err := c.Do(t.Context(), http.MethodGet, "v1/apps", nil, nil); err == nil || !strings.Contains(err.Error(), "must start with /") {
		t.Fatalf("a relative path: err = %v", err)
	}
}

func TestBadKeyIsAnAuthError(t *testing.T) {
	f := newFake(t, okJSON(`{}`))
	c := f.client(t, WithOAuth2(testKeyID, "wrong-secret"))
	_, err := c.Conversation.ProjectSettings.Get(t.Context())
	var ae *AuthError
	if !errors.As(err, &ae) || ae.StatusCode != 401 || !IsUnauthorized(err) {
		t.Fatalf("err = %v", err)
	}
	if f.apiHits.Load() != 0 || f.tokenHits.Load() != 1 {
		t.Fatalf("api hits %d, token hits %d: rejected credentials must not be retried", f.apiHits.Load(), f.tokenHits.Load())
	}
	mustContain(t, err.Error(), "check the access key id and secret")
	if strings.Contains(err.Error(), "wrong-secret") {
		t.Fatalf("error leaks the secret: %v", err)
	}
}

func TestTokenRefreshedAheadOfExpiry(t *testing.T) {
	f := newFake(t, okJSON(`{}`))
	f.tokenTTL = 2 // seconds: the refresh window opens after 1 s
	c := f.client(t)
	if _, err := c.Conversation.ProjectSettings.Get(t.Context()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond)
	// Still inside the token's life: the call goes out at once with the old token while one
	// refresh runs in the background.
	if _, err := c.Conversation.ProjectSettings.Get(t.Context()); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for f.tokenHits.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if f.tokenHits.Load() != 2 {
		t.Fatalf("token hits %d, want 2 (one refresh ahead of expiry)", f.tokenHits.Load())
	}
}

func TestTemplateAuthURLGetsItsOwnToken(t *testing.T) {
	var templateAuth, convAuth atomic.Value
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/v2/") {
			templateAuth.Store(r.Header.Get("Authorization"))
			okJSON(`{"templates":[]}`)(w, r)
			return
		}
		convAuth.Store(r.Header.Get("Authorization"))
		okJSON(`{}`)(w, r)
	})
	// The fake's token endpoint numbers its tokens, so two caches get tok-1 and tok-2.
	c := f.client(t, WithTemplateAuthURL(f.srv.URL+"/oauth2/token"))
	if _, err := c.Conversation.ProjectSettings.Get(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Templates.List(t.Context()); err != nil {
		t.Fatal(err)
	}
	if convAuth.Load() != "Bearer tok-1" || templateAuth.Load() != "Bearer tok-2" || c.TokenFetches() != 2 {
		t.Fatalf("conversation %v, templates %v, fetches %d", convAuth.Load(), templateAuth.Load(), c.TokenFetches())
	}
}

func TestUpdateTemplateFillsID(t *testing.T) {
	var body map[string]any
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewDecoder(r.Body).Decode(&body)
		okJSON(`{"id":"tpl-1","version":3}`)(w, r)
	})
	c := f.client(t)
	if _, err := c.Templates.Update(t.Context(), "tpl-1", templates.UpdateTemplateRequest{Version: 2}); err != nil {
		t.Fatal(err)
	}
	if body["id"] != "tpl-1" {
		t.Fatalf("body %v", body)
	}
	if _, err := c.Templates.Update(t.Context(), "tpl-1", templates.UpdateTemplateRequest{ID: "other", Version: 2}); err == nil {
		t.Fatal("a mismatched id must be refused")
	}
}

func TestRetryAfterBeyondPolicyCapIsReturned(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "120")
		writeError(w, http.StatusTooManyRequests, "RESOURCE_EXHAUSTED", "quota")
	})
	c := f.client(t, WithRetryPolicy(RetryPolicy{MaxRetryAfter: 10 * time.Second}))
	start := time.Now()
	_, err := c.Conversation.Apps.Get(t.Context(), "a")
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 429 || ae.RetryAfter != 120*time.Second {
		t.Fatalf("err %v", err)
	}
	if f.apiHits.Load() != 1 || time.Since(start) > 5*time.Second {
		t.Fatalf("hits %d after %v: a wait beyond the cap must not be taken", f.apiHits.Load(), time.Since(start))
	}
}

func TestSendAfterWriteIsMaybeSentWithCorrelationID(t *testing.T) {
	var hits atomic.Int64
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = io.ReadAll(r.Body)
		conn, _, err := w.(http.Hijacker).Hijack() // the request arrived; the connection drops
		if err == nil {
			conn.Close()
		}
	})
	c := f.client(t, WithAppID("app"))
	req := textTo("+46701234567")
	corr := "order-4711"
	req.CorrelationID = corr
	_, err := c.Conversation.Messages.Send(t.Context(), req)
	var te *TransportError
	if !errors.Is(err, ErrMaybeSent) || errors.Is(err, ErrNotSent) || !errors.As(err, &te) || te.CorrelationID != "order-4711" {
		t.Fatalf("err = %v, want ErrMaybeSent with the correlation id", err)
	}
	if hits.Load() != 1 {
		t.Fatalf("the send reached the server %d times, want 1 (never retried)", hits.Load())
	}
	mustContain(t, err.Error(), "may have reached Sinch", `"order-4711"`)

	// The same for a batch send.
	_, err = c.Batch.Send(t.Context(), SendBatchMessageRequest{Message: Text("hi"), CorrelationID: "batch-1"})
	if !errors.Is(err, ErrMaybeSent) || !errors.As(err, &te) || te.CorrelationID != "batch-1" || hits.Load() != 2 {
		t.Fatalf("batch send: err = %v after %d hits, want ErrMaybeSent with the correlation id, sent once", err, hits.Load())
	}
}

func TestSendTimeoutIsMaybeSent(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(300 * time.Millisecond)
		okJSON(`{}`)(w, r)
	})
	c := f.client(t, WithAppID("app"))
	_, err := c.Conversation.Messages.Send(t.Context(), textTo("+1"), WithTimeout(30*time.Millisecond))
	if !errors.Is(err, ErrMaybeSent) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want ErrMaybeSent wrapping the deadline", err)
	}
}

func TestRefusedConnectionIsNotSent(t *testing.T) {
	f := newFake(t, okJSON(`{}`))
	c := f.client(t, WithAppID("app"), WithBearerToken("t"), WithMaxRetries(0))
	f.srv.Close() // nothing listens any more: the connection is refused
	_, err := c.Conversation.Messages.Send(t.Context(), textTo("+1"))
	if !errors.Is(err, ErrNotSent) || errors.Is(err, ErrMaybeSent) {
		t.Fatalf("err = %v, want ErrNotSent", err)
	}
}

func TestBatchSendFillsDefaultAppAndSender(t *testing.T) {
	var body map[string]any
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewDecoder(r.Body).Decode(&body)
		okJSON(`{"batch_id":"b1"}`)(w, r)
	})
	c := f.client(t, WithAppID("app-default"), WithSMSSender("ACME"))
	if _, err := c.Batch.Send(t.Context(), SendBatchMessageRequest{Message: Text("hi")}); err != nil {
		t.Fatal(err)
	}
	if props, _ := body["channel_properties"].(map[string]any); body["app_id"] != "app-default" || props["SMS_SENDER"] != "ACME" {
		t.Fatalf("body %v", body)
	}
	none := f.client(t)
	if _, err := none.Batch.Send(t.Context(), SendBatchMessageRequest{Message: Text("hi")}); !errors.Is(err, ErrNoAppID) {
		t.Fatalf("without a default app: err = %v", err)
	}
}

func TestOneOptionTypeForClientAndCall(t *testing.T) {
	var body map[string]any
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewDecoder(r.Body).Decode(&body)
		okJSON(`{"message_id":"m"}`)(w, r)
	})
	c := f.client(t, WithAppID("client-app"))
	if _, err := c.Conversation.Messages.Send(t.Context(), textTo("+1"), WithAppID("call-app")); err != nil || body["app_id"] != "call-app" {
		t.Fatalf("err %v, app_id %v", err, body["app_id"])
	}
	if _, err := c.Conversation.Messages.Send(t.Context(), textTo("+1")); err != nil || body["app_id"] != "client-app" {
		t.Fatalf("a call's option leaked into the client: app_id %v", body["app_id"])
	}
	_, err := c.Conversation.Apps.Get(t.Context(), "a", WithRegion(RegionEU))
	if err == nil || !strings.Contains(err.Error(), "WithRegion configures a client") {
		t.Fatalf("a client option on a call: err = %v", err)
	}
	_, err = NewClient(WithProjectID("p"), WithRegion(RegionEU), WithBearerToken("t"), WithResponseInto(new(*http.Response)))
	if err == nil || !strings.Contains(err.Error(), "WithResponseInto is for one call") {
		t.Fatalf("a call option on a client: err = %v", err)
	}
}
