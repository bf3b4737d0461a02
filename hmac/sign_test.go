package hmac_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/relaykit/sinch-go/hmac"
)

// Known answers. Each signature was computed once outside Go, with
//
//	printf '%s.%s.%s' "$body" "$nonce" "$timestamp" | openssl dgst -sha256 -hmac "$secret" -binary | base64
//
// and is hard-coded here with its inputs, so these tests do not share a code path with Sign.
var knownAnswers = []struct {
	name, secret, body, nonce, timestamp, want string
}{
	{"small json", "s3cr3t", `{"a":1}`, "nonce-1", "1700000000", "YBUnb+QqrNSz51U9CWKIG6uEdag3SPPQtywtoaLZaXk="},
	{"ulid nonce", "whsec_rotation_new", `{}`, "01HZX9N0NCE0000000000000000", "1764100000", "LRZQg6ajrJ6Z8+yW/egKfEFcdutXAU8Ecl6kcCiHPYA="},
	{"empty body", "k", "", "n", "0", "gg825D/HxmgWuy8popE0B2wU3o+EbXqUuzMGFu1LEUM="},
	{"utf-8 everywhere", "clé-secrète", `{"text":"héllo wörld ✓"}`, "ñonce", "1764090000", "zBzbaNW+P+AdGWo3T2f57EifKXjpAV11J/5vjMx0dQs="},
	{"trailing newline kept", "nl", "{\"x\":\"y\"}\n", "abc", "1764090001", "UpDqaak7MqgJprpHB70E3MlPrLUnRY108nznX0Tm3dk="},
}

func TestSignKnownAnswers(t *testing.T) {
	for _, ka := range knownAnswers {
		t.Run(ka.name, func(t *testing.T) {
			if got := hmac.Sign(ka.secret, []byte(ka.body), ka.nonce, ka.timestamp); got != ka.want {
				t.Errorf("Sign(string secret) = %s, want %s", got, ka.want)
			}
			if got := hmac.Sign([]byte(ka.secret), []byte(ka.body), ka.nonce, ka.timestamp); got != ka.want {
				t.Errorf("Sign([]byte secret) = %s, want %s", got, ka.want)
			}
		})
	}
}

func TestVerifyKnownAnswers(t *testing.T) {
	for _, ka := range knownAnswers {
		t.Run(ka.name, func(t *testing.T) {
			h := http.Header{}
			h.Set(hmac.HeaderSignature, ka.want)
			h.Set(hmac.HeaderNonce, ka.nonce)
			h.Set(hmac.HeaderTimestamp, ka.timestamp)
			h.Set(hmac.HeaderAlgorithm, "HmacSHA256")
			if err := hmac.Verify(h, []byte(ka.body), ka.secret, hmac.WithTolerance(0)); err != nil {
				t.Fatalf("Verify: %v", err)
			}
		})
	}
}

func TestHeadersProducesVerifiableSet(t *testing.T) {
	now := time.Unix(1764100000, 0)
	body := []byte(`{"app_id":"01W4FFL35P4NC4K35CONVAPP001"}`)
	h := hmac.Headers("topsecret", body, now)

	if got := h.Get(hmac.HeaderTimestamp); got != "1764100000" {
		t.Errorf("timestamp = %q, want Unix seconds 1764100000", got)
	}
	if got := h.Get(hmac.HeaderAlgorithm); got != "HmacSHA256" {
		t.Errorf("algorithm = %q", got)
	}
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(h.Get(hmac.HeaderNonce)) {
		t.Errorf("nonce %q is not 32 hex digits", h.Get(hmac.HeaderNonce))
	}
	want := hmac.Sign("topsecret", body, h.Get(hmac.HeaderNonce), "1764100000")
	if got := h.Get(hmac.HeaderSignature); got != want {
		t.Errorf("signature = %s, want %s", got, want)
	}
	if err := hmac.Verify(h, body, "topsecret", hmac.WithClock(func() time.Time { return now })); err != nil {
		t.Errorf("Verify of Headers output: %v", err)
	}
}

func TestHeadersUsesFreshNonces(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		n := hmac.Headers("s", nil, time.Now()).Get(hmac.HeaderNonce)
		if seen[n] {
			t.Fatalf("nonce %s repeated after %d calls", n, i)
		}
		seen[n] = true
	}
}

func TestHeadersWithNonceIsDeterministic(t *testing.T) {
	ka := knownAnswers[0]
	ts, _ := strconv.ParseInt(ka.timestamp, 10, 64)
	h := hmac.HeadersWithNonce(ka.secret, []byte(ka.body), ka.nonce, time.Unix(ts, 0))
	if got := h.Get(hmac.HeaderSignature); got != ka.want {
		t.Errorf("signature = %s, want %s", got, ka.want)
	}
}

func TestSignRequest(t *testing.T) {
	body := `{"message":{"id":"01W4FFL35P4NC4K35MSG00001"}}`
	req := httptest.NewRequest(http.MethodPost, "/callbacks", strings.NewReader(body))
	now := time.Unix(1764100000, 0)
	hmac.SignRequest(req, "s", []byte(body), now)
	if err := hmac.Verify(req.Header, []byte(body), "s", hmac.WithClock(func() time.Time { return now })); err != nil {
		t.Fatalf("Verify: %v", err)
	}

	bare := &http.Request{Method: http.MethodPost} // nil Header map
	hmac.SignRequest(bare, "s", []byte(body), now)
	if bare.Header.Get(hmac.HeaderSignature) == "" {
		t.Fatal("SignRequest left a nil header map unsigned")
	}
}
