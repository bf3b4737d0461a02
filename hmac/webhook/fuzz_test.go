package webhook_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/relaykit/sinch-go/hmac"
	"github.com/relaykit/sinch-go/hmac/callback"
	"github.com/relaykit/sinch-go/hmac/webhook"
)

// FuzzServeHTTP drives the whole handler with arbitrary bodies and signature headers, signed
// correctly or not. It must never panic and must answer only the documented statuses; a correctly
// signed body that Parse accepts must be acknowledged with 200.
func FuzzServeHTTP(f *testing.F) {
	f.Add([]byte(`{"message":{"id":"M1"}}`), true, "", "", "", "")
	f.Add([]byte(`{"message":{"id":"M1"}}`), false, "sig", "n", "1764100000", "HmacSHA256")
	f.Add([]byte(`[]`), true, "", "", "", "")
	f.Add([]byte(`{"message":{},"event":{}}`), true, "", "", "", "")
	f.Add(bytes.Repeat([]byte("x"), 600), true, "", "", "", "")
	now := time.Unix(1764100000, 0)
	v, err := hmac.NewVerifier([]string{secret}, hmac.WithClock(func() time.Time { return now }))
	if err != nil {
		f.Fatal(err)
	}
	h, err := webhook.New(webhook.WithVerifier(v), webhook.WithMaxBodyBytes(512),
		webhook.OnAny(func(context.Context, callback.Event) error { return nil }))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte, sign bool, sig, nonce, ts, alg string) {
		req := httptest.NewRequest(http.MethodPost, "/sinch", bytes.NewReader(body))
		if sign {
			hmac.SignRequest(req, secret, body, now)
		} else {
			req.Header.Set(hmac.HeaderSignature, sig)
			req.Header.Set(hmac.HeaderNonce, nonce)
			req.Header.Set(hmac.HeaderTimestamp, ts)
			req.Header.Set(hmac.HeaderAlgorithm, alg)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusUnauthorized, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("status %d", rec.Code)
		}
		if sign && len(body) <= 512 {
			_, perr := callback.Parse(body)
			if (perr == nil) != (rec.Code == http.StatusOK) {
				t.Fatalf("signed body: Parse error %v but status %d", perr, rec.Code)
			}
		}
		if len(body) > 512 && rec.Code != http.StatusRequestEntityTooLarge {
			t.Fatalf("body of %d bytes: status %d, want 413", len(body), rec.Code)
		}
	})
}
