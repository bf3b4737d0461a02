package hmac_test

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/relaykit/sinch-go/hmac"
)

const (
	testSecret = "whsec-current-1234"
	oldSecret  = "whsec-previous-5678"
	testNonce  = "01HZX9N0NCE0000000000000000"
)

var (
	testBody = []byte(`{"app_id":"01W4FFL35P4NC4K35CONVAPP001","message":{"id":"01W4FFL35P4NC4K35MSG00001"}}`)
	signedAt = time.Unix(1764100000, 0)
)

func fixedClock(t time.Time) hmac.Option { return hmac.WithClock(func() time.Time { return t }) }

// signed returns the headers Sinch would send for testBody signed with secret at signedAt.
func signed(secret string) http.Header {
	return hmac.HeadersWithNonce(secret, testBody, testNonce, signedAt)
}

func mustVerifier(t *testing.T, secrets []string, opts ...hmac.Option) *hmac.Verifier {
	t.Helper()
	v, err := hmac.NewVerifier(secrets, opts...)
	if err != nil {
		t.Fatalf("NewVerifier: %v", err)
	}
	return v
}

func TestVerifyHeaderNamesIgnoreCase(t *testing.T) {
	src := signed(testSecret)
	cases := map[string]func(string) string{
		"lower":     strings.ToLower,
		"upper":     strings.ToUpper,
		"canonical": http.CanonicalHeaderKey,
		"mixed": func(s string) string {
			b := []byte(strings.ToLower(s))
			for i := 0; i < len(b); i += 2 {
				b[i] = strings.ToUpper(string(b[i]))[0]
			}
			return string(b)
		},
	}
	v := mustVerifier(t, []string{testSecret}, fixedClock(signedAt))
	for name, spell := range cases {
		t.Run(name, func(t *testing.T) {
			// Built as a literal map, as a proxy or a test might, so the keys stay as spelled.
			h := http.Header{}
			for k, vals := range src {
				h[spell(k)] = vals
			}
			if err := v.Verify(h, testBody); err != nil {
				t.Fatalf("Verify with %s header names: %v", name, err)
			}
		})
	}
}

func TestVerifyAlgorithmValue(t *testing.T) {
	v := mustVerifier(t, []string{testSecret}, fixedClock(signedAt))
	for _, alg := range []string{"HmacSHA256", "hmacsha256", "HMACSHA256", ""} {
		h := signed(testSecret)
		if alg == "" {
			h.Del(hmac.HeaderAlgorithm)
		} else {
			h.Set(hmac.HeaderAlgorithm, alg)
		}
		if err := v.Verify(h, testBody); err != nil {
			t.Errorf("algorithm %q: %v", alg, err)
		}
	}
	for _, alg := range []string{"HmacSHA1", "HmacSHA512", "none", "HmacSHA256 "} {
		h := signed(testSecret)
		h.Set(hmac.HeaderAlgorithm, alg)
		if err := v.Verify(h, testBody); !errors.Is(err, hmac.ErrUnsupportedAlgorithm) {
			t.Errorf("algorithm %q: err = %v, want ErrUnsupportedAlgorithm", alg, err)
		}
	}
}

func TestVerifyRotation(t *testing.T) {
	both := mustVerifier(t, []string{testSecret, oldSecret}, fixedClock(signedAt))
	for _, s := range []string{testSecret, oldSecret} {
		if err := both.Verify(signed(s), testBody); err != nil {
			t.Errorf("signed with %s: %v", s[:12], err)
		}
	}
	if err := both.Verify(signed("whsec-someone-else"), testBody); !errors.Is(err, hmac.ErrInvalidSignature) {
		t.Errorf("unknown secret: err = %v, want ErrInvalidSignature", err)
	}
	newOnly := mustVerifier(t, []string{testSecret}, fixedClock(signedAt))
	if err := newOnly.Verify(signed(oldSecret), testBody); !errors.Is(err, hmac.ErrInvalidSignature) {
		t.Errorf("retired secret: err = %v, want ErrInvalidSignature", err)
	}
	// Byte-slice secrets are the same secrets.
	vb, err := hmac.NewVerifier([][]byte{[]byte(oldSecret)}, fixedClock(signedAt))
	if err != nil {
		t.Fatal(err)
	}
	if err := vb.Verify(signed(oldSecret), testBody); err != nil {
		t.Errorf("[]byte secret: %v", err)
	}
}

func TestVerifyToleranceEdges(t *testing.T) {
	tol := 5 * time.Minute
	cases := []struct {
		name string
		now  time.Time
		want error
	}{
		{"same second", signedAt, nil},
		{"exactly tolerance old", signedAt.Add(tol), nil},
		{"one second too old", signedAt.Add(tol + time.Second), hmac.ErrTooOld},
		{"a nanosecond too old", signedAt.Add(tol + time.Nanosecond), hmac.ErrTooOld},
		{"hours old (a replay)", signedAt.Add(3 * time.Hour), hmac.ErrTooOld},
		{"exactly tolerance ahead", signedAt.Add(-tol), nil},
		{"one second too far ahead", signedAt.Add(-tol - time.Second), hmac.ErrTooNew},
		{"days ahead", signedAt.Add(-72 * time.Hour), hmac.ErrTooNew},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := mustVerifier(t, []string{testSecret}, hmac.WithTolerance(tol), fixedClock(c.now))
			err := v.Verify(signed(testSecret), testBody)
			if c.want == nil && err != nil {
				t.Fatalf("err = %v, want nil", err)
			}
			if c.want != nil && !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
		})
	}
}

func TestVerifyDefaultToleranceAndDisabling(t *testing.T) {
	v := mustVerifier(t, []string{testSecret}, fixedClock(signedAt.Add(hmac.DefaultTolerance+time.Second)))
	if v.Tolerance() != hmac.DefaultTolerance {
		t.Fatalf("Tolerance() = %v, want DefaultTolerance", v.Tolerance())
	}
	if err := v.Verify(signed(testSecret), testBody); !errors.Is(err, hmac.ErrTooOld) {
		t.Fatalf("default tolerance: err = %v, want ErrTooOld", err)
	}
	off := mustVerifier(t, []string{testSecret}, hmac.WithTolerance(0), fixedClock(signedAt.Add(1000*time.Hour)))
	if err := off.Verify(signed(testSecret), testBody); err != nil {
		t.Fatalf("tolerance disabled: %v", err)
	}
}

func TestVerifyStaleForgeryIsInvalidNotTooOld(t *testing.T) {
	// A bad signature is reported as such even when the timestamp is also out of range: the
	// timestamp errors are reserved for genuine signatures.
	h := signed("wrong-secret")
	v := mustVerifier(t, []string{testSecret}, fixedClock(signedAt.Add(24*time.Hour)))
	if err := v.Verify(h, testBody); !errors.Is(err, hmac.ErrInvalidSignature) {
		t.Fatalf("err = %v, want ErrInvalidSignature", err)
	}
}

func TestVerifyErrors(t *testing.T) {
	v := mustVerifier(t, []string{testSecret}, fixedClock(signedAt))
	type mutate func(h http.Header) []byte
	cases := []struct {
		name   string
		mutate mutate
		want   error
	}{
		{"no signature", func(h http.Header) []byte { h.Del(hmac.HeaderSignature); return testBody }, hmac.ErrMissingHeader},
		{"empty signature", func(h http.Header) []byte { h.Set(hmac.HeaderSignature, ""); return testBody }, hmac.ErrMissingHeader},
		{"no nonce", func(h http.Header) []byte { h.Del(hmac.HeaderNonce); return testBody }, hmac.ErrMissingHeader},
		{"no timestamp", func(h http.Header) []byte { h.Del(hmac.HeaderTimestamp); return testBody }, hmac.ErrMissingHeader},
		{"no headers at all", func(h http.Header) []byte { clear(h); return testBody }, hmac.ErrMissingHeader},
		{"timestamp in ms", func(h http.Header) []byte { h.Set(hmac.HeaderTimestamp, "1764100000000000000000"); return testBody }, hmac.ErrInvalidTimestamp},
		{"timestamp rfc3339", func(h http.Header) []byte { h.Set(hmac.HeaderTimestamp, "2025-11-25T20:00:00Z"); return testBody }, hmac.ErrInvalidTimestamp},
		{"timestamp signed", func(h http.Header) []byte { h.Set(hmac.HeaderTimestamp, "+1764100000"); return testBody }, hmac.ErrInvalidTimestamp},
		{"timestamp changed", func(h http.Header) []byte { h.Set(hmac.HeaderTimestamp, "1764100001"); return testBody }, hmac.ErrInvalidSignature},
		{"nonce changed", func(h http.Header) []byte { h.Set(hmac.HeaderNonce, testNonce+"x"); return testBody }, hmac.ErrInvalidSignature},
		{"body changed", func(h http.Header) []byte { return append([]byte(nil), testBody[:len(testBody)-1]...) }, hmac.ErrInvalidSignature},
		{"body re-serialised", func(h http.Header) []byte { return []byte(strings.ReplaceAll(string(testBody), ":", ": ")) }, hmac.ErrInvalidSignature},
		{"signature not base64", func(h http.Header) []byte { h.Set(hmac.HeaderSignature, strings.Repeat("!", 44)); return testBody }, hmac.ErrInvalidSignature},
		{"signature unpadded", func(h http.Header) []byte {
			h.Set(hmac.HeaderSignature, strings.TrimRight(h.Get(hmac.HeaderSignature), "="))
			return testBody
		}, hmac.ErrInvalidSignature},
		{"signature hex", func(h http.Header) []byte { h.Set(hmac.HeaderSignature, strings.Repeat("ab", 32)); return testBody }, hmac.ErrInvalidSignature},
		{"signature of other length", func(h http.Header) []byte { h.Set(hmac.HeaderSignature, "AAAA"); return testBody }, hmac.ErrInvalidSignature},
		{"algorithm sha1", func(h http.Header) []byte { h.Set(hmac.HeaderAlgorithm, "HmacSHA1"); return testBody }, hmac.ErrUnsupportedAlgorithm},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := signed(testSecret)
			sig := h.Get(hmac.HeaderSignature)
			body := c.mutate(h)
			err := v.Verify(h, body)
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			msg := err.Error()
			if strings.Contains(msg, testSecret) || (sig != "" && strings.Contains(msg, sig)) {
				t.Fatalf("error message leaks the secret or the signature: %q", msg)
			}
		})
	}
}

func TestVerifyMissingHeaderNamesIt(t *testing.T) {
	h := signed(testSecret)
	h.Del(hmac.HeaderNonce)
	err := hmac.Verify(h, testBody, testSecret, fixedClock(signedAt))
	if err == nil || !strings.Contains(err.Error(), hmac.HeaderNonce) {
		t.Fatalf("err = %v, want it to name %s", err, hmac.HeaderNonce)
	}
}

func TestNewVerifierRejectsMissingSecrets(t *testing.T) {
	if _, err := hmac.NewVerifier([]string{}); !errors.Is(err, hmac.ErrNoSecret) {
		t.Errorf("no secrets: err = %v", err)
	}
	if _, err := hmac.NewVerifier([]string{testSecret, ""}); !errors.Is(err, hmac.ErrNoSecret) {
		t.Errorf("one empty secret: err = %v", err)
	}
	if err := hmac.Verify(signed(testSecret), testBody, ""); !errors.Is(err, hmac.ErrNoSecret) {
		t.Errorf("Verify with empty secret: err = %v", err)
	}
}

func TestVerifierConcurrentUse(t *testing.T) {
	v := mustVerifier(t, []string{oldSecret, testSecret}, fixedClock(signedAt))
	done := make(chan error, 16)
	for g := 0; g < 16; g++ {
		go func(g int) {
			for i := 0; i < 200; i++ {
				body := []byte(`{"n":` + strconv.Itoa(g*1000+i) + `}`)
				h := hmac.HeadersWithNonce(testSecret, body, testNonce, signedAt)
				if err := v.Verify(h, body); err != nil {
					done <- err
					return
				}
				h.Set(hmac.HeaderNonce, "other")
				if err := v.Verify(h, body); !errors.Is(err, hmac.ErrInvalidSignature) {
					done <- errors.New("tampered request accepted")
					return
				}
			}
			done <- nil
		}(g)
	}
	for g := 0; g < 16; g++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

func TestNilOptionIgnored(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	h := hmac.HeadersWithNonce(testSecret, []byte(`{}`), testNonce, now)
	v, err := hmac.NewVerifier([]string{testSecret}, nil, hmac.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Verify(h, []byte(`{}`)); err != nil {
		t.Fatalf("Verify: %v", err)
	}
}
