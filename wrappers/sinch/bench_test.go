package sinch

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/relaykit/sinch-go/gen/conversation"
)

const sendAnswer = `{"message_id":"01W4FFL35P4NC4K35MSG00001","accepted_time":"2026-11-25T12:00:00Z"}`

func sendHandler(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(sendAnswer))
}

// BenchmarkSendMessage compares one messages:send through the SDK (OAuth2 token cached, retries
// on, no logger) with the same call written by hand with net/http and encoding/json, both over
// loopback to the same server with the same *http.Client.
func BenchmarkSendMessage(b *testing.B) {
	f := newFake(b, sendHandler)
	req := textTo("+46701234567")
	req.AppID = "01W4FFL35P4NC4K35CONVAPP001"

	b.Run("sdk", func(b *testing.B) {
		c := f.client(b)
		ctx := b.Context()
		if _, err := c.Conversation.Messages.Send(ctx, req); err != nil { // warm the token and connection
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			resp, err := c.Conversation.Messages.Send(ctx, req)
			if err != nil || resp.MessageID == "" {
				b.Fatal(err)
			}
		}
	})

	b.Run("nethttp", func(b *testing.B) {
		send := handWritten(b.Context(), f, req)
		if _, err := send(); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			resp, err := send()
			if err != nil || resp.MessageID == "" {
				b.Fatal(err)
			}
		}
	})
}

// handWritten is the baseline: the same messages:send with net/http and encoding/json only.
func handWritten(ctx context.Context, f *fakeSinch, req conversation.SendMessageRequest) func() (*conversation.SendMessageResponse, error) {
	return handWrittenTo(ctx, f.srv.Client(), f.srv.URL, req)
}

// handWrittenTo is handWritten for any server and *http.Client.
func handWrittenTo(ctx context.Context, hc *http.Client, base string, req conversation.SendMessageRequest) func() (*conversation.SendMessageResponse, error) {
	url := base + "/v1/projects/" + testProject + "/messages:send"
	return func() (*conversation.SendMessageResponse, error) {
		body, err := json.Marshal(req)
		if err != nil {
			return nil, err
		}
		hr, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		hr.Header.Set("Content-Type", "application/json")
		hr.Header.Set("Authorization", "Bearer tok-1")
		resp, err := hc.Do(hr)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		var out conversation.SendMessageResponse
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			return nil, err
		}
		return &out, nil
	}
}

// BenchmarkSendMessageOverhead alternates an SDK call and a hand-written call in the same loop,
// so both see the same machine load (this is a shared 2-core box), and reports each one's mean
// latency and their ratio.
func BenchmarkSendMessageOverhead(b *testing.B) {
	f := newFake(b, sendHandler)
	req := textTo("+46701234567")
	req.AppID = "01W4FFL35P4NC4K35CONVAPP001"
	c := f.client(b)
	ctx := b.Context()
	hand := handWritten(ctx, f, req)
	if _, err := c.Conversation.Messages.Send(ctx, req); err != nil {
		b.Fatal(err)
	}
	if _, err := hand(); err != nil {
		b.Fatal(err)
	}
	var sdk, base time.Duration
	for b.Loop() {
		t0 := time.Now()
		if _, err := c.Conversation.Messages.Send(ctx, req); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, err := hand(); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		sdk += t1.Sub(t0)
		base += t2.Sub(t1)
	}
	b.ReportMetric(float64(sdk.Nanoseconds())/float64(b.N), "sdk-ns/call")
	b.ReportMetric(float64(base.Nanoseconds())/float64(b.N), "nethttp-ns/call")
	b.ReportMetric(float64(sdk)/float64(base), "sdk/nethttp")
}

// BenchmarkTokenFetches1000Concurrent starts a fresh client per iteration and makes 1,000
// concurrent calls with it; it reports the token endpoint's hits per 1,000 calls (target 1).
func BenchmarkTokenFetches1000Concurrent(b *testing.B) {
	f := newFake(b, okJSON(`{"id":"a"}`))
	hc := f.pooledClient()
	var fetches int64
	b.ReportAllocs()
	for b.Loop() {
		c := f.client(b, WithHTTPClient(hc))
		var wg sync.WaitGroup
		for range 1000 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := c.Conversation.Apps.Get(b.Context(), "a"); err != nil {
					b.Error(err)
				}
			}()
		}
		wg.Wait()
		fetches += c.TokenFetches()
	}
	b.ReportMetric(float64(fetches)/float64(b.N), "token-fetches/1000-calls")
}

// cannedDoer answers every request at once without a network, so a benchmark measures only the
// client-side work.
type cannedDoer struct{}

func (cannedDoer) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	return &http.Response{StatusCode: 200, Status: "200 OK", Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(sendAnswer)), Request: r}, nil
}

// BenchmarkSendMessageCPU isolates the client-side cost of a call (no network): the SDK against
// the hand-written net/http + encoding/json code, both sending through the same canned Doer.
func BenchmarkSendMessageCPU(b *testing.B) {
	req := textTo("+46701234567")
	req.AppID = "01W4FFL35P4NC4K35CONVAPP001"
	b.Run("sdk", func(b *testing.B) {
		c, err := NewClient(WithProjectID(testProject), WithBearerToken("tok"), WithConversationURL("http://sinch.local"),
			WithTemplateURL("http://sinch.local"), WithBatchURL("http://sinch.local"), WithHTTPClient(cannedDoer{}))
		if err != nil {
			b.Fatal(err)
		}
		ctx := b.Context()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Conversation.Messages.Send(ctx, req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("nethttp", func(b *testing.B) {
		ctx := b.Context()
		var d cannedDoer
		b.ReportAllocs()
		for b.Loop() {
			body, _ := json.Marshal(req)
			hr, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://sinch.local/v1/projects/"+testProject+"/messages:send", bytes.NewReader(body))
			hr.Header.Set("Content-Type", "application/json")
			hr.Header.Set("Authorization", "Bearer tok")
			resp, err := d.Do(hr)
			if err != nil {
				b.Fatal(err)
			}
			var out conversation.SendMessageResponse
			if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
				b.Fatal(err)
			}
			resp.Body.Close()
		}
	})
}
