package hmac_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/relaykit/sinch-go/hmac"
)

// FuzzVerify feeds arbitrary headers and bodies to Verify. It must never panic, must accept only
// signatures that Sign reproduces, and must accept every header set that Sign produced.
func FuzzVerify(f *testing.F) {
	for _, ka := range knownAnswers {
		f.Add(ka.secret, []byte(ka.body), ka.want, ka.nonce, ka.timestamp, "HmacSHA256")
	}
	f.Add("s", []byte(`{"message":{}}`), "not-base64", "n", "1764100000", "HmacSHA1")
	f.Add("s", []byte{}, "", "", "", "")
	f.Add("s", []byte("{}"), "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "n", "99999999999999999999", "hmacsha256")
	f.Fuzz(func(t *testing.T, secret string, body []byte, sig, nonce, ts, alg string) {
		if secret == "" {
			secret = "x"
		}
		h := http.Header{}
		h.Set(hmac.HeaderSignature, sig)
		h.Set(hmac.HeaderNonce, nonce)
		h.Set(hmac.HeaderTimestamp, ts)
		h.Set(hmac.HeaderAlgorithm, alg)
		err := hmac.Verify(h, body, secret, hmac.WithTolerance(0))
		if err == nil && hmac.Sign(secret, body, nonce, ts) != sig {
			t.Fatalf("accepted a signature that Sign does not produce")
		}
		if err != nil && !isSentinel(err) {
			t.Fatalf("error %v wraps no sentinel", err)
		}

		// A genuine header set is accepted, at any clock when the window is off and at the
		// signing second when it is on; and a changed body is refused.
		if nonce == "" {
			return
		}
		at := time.Unix(int64(len(body))*7919, 0)
		good := hmac.HeadersWithNonce(secret, body, nonce, at)
		if err := hmac.Verify(good, body, secret, hmac.WithClock(func() time.Time { return at })); err != nil {
			t.Fatalf("genuine signature refused: %v", err)
		}
		tampered := append(append([]byte(nil), body...), ' ')
		if err := hmac.Verify(good, tampered, secret, hmac.WithTolerance(0)); !errors.Is(err, hmac.ErrInvalidSignature) {
			t.Fatalf("changed body: err = %v, want ErrInvalidSignature", err)
		}
	})
}

func isSentinel(err error) bool {
	for _, s := range []error{hmac.ErrMissingHeader, hmac.ErrUnsupportedAlgorithm, hmac.ErrInvalidTimestamp,
		hmac.ErrInvalidSignature, hmac.ErrTooOld, hmac.ErrTooNew, hmac.ErrNoSecret} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}
