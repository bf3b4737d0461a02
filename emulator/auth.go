package emulator

import (
	"crypto/subtle"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// tokenStore remembers the access tokens the emulator issued and when they expire.
type tokenStore struct {
	mu     sync.Mutex
	tokens map[string]time.Time
	// sweepAt is the size at which expired tokens are next forgotten: twice the size left by
	// the last sweep (at least 1024), so that sweeping costs O(1) per token issued.
	sweepAt int
}

func newTokenStore() *tokenStore { return &tokenStore{tokens: map[string]time.Time{}, sweepAt: 1024} }

// issue makes a token valid until now+ttl. Tokens are remembered only when remember is set
// (credentials are pinned): otherwise any Bearer token is accepted and keeping them would
// only grow memory.
func (t *tokenStore) issue(now time.Time, ttl time.Duration, remember bool) string {
	tok := randomToken(48)
	if !remember {
		return tok
	}
	t.mu.Lock()
	if len(t.tokens) >= t.sweepAt {
		for k, exp := range t.tokens {
			if !now.Before(exp) {
				delete(t.tokens, k)
			}
		}
		t.sweepAt = max(1024, 2*len(t.tokens))
	}
	t.tokens[tok] = now.Add(ttl)
	t.mu.Unlock()
	return tok
}

func (t *tokenStore) valid(tok string, now time.Time) bool {
	t.mu.Lock()
	exp, ok := t.tokens[tok]
	t.mu.Unlock()
	return ok && now.Before(exp)
}

// checkKey reports whether the key id and secret are accepted.
func (s *Server) checkKey(id, secret string) bool {
	if id == "" || secret == "" {
		return false
	}
	if len(s.cfg.Credentials) == 0 {
		return true
	}
	ok := false
	for _, c := range s.cfg.Credentials {
		idOK := subtle.ConstantTimeCompare([]byte(c.KeyID), []byte(id)) == 1
		secretOK := subtle.ConstantTimeCompare([]byte(c.KeySecret), []byte(secret)) == 1
		if idOK && secretOK {
			ok = true
		}
	}
	return ok
}

// handleToken is POST /oauth2/token: the client credentials grant, with the key id and
// secret in HTTP Basic (or, as some OAuth2 clients fall back to, in the form).
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "the body must be a form")
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id == "" {
		w.Header().Set("WWW-Authenticate", `Basic realm="sinch-emulator"`)
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "client authentication is required")
		return
	}
	if !s.checkKey(id, secret) {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "unknown key id or wrong secret")
		return
	}
	if gt := r.PostForm.Get("grant_type"); gt != "client_credentials" {
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type must be client_credentials")
		return
	}
	tok := s.tokens.issue(s.now(), s.cfg.TokenTTL, len(s.cfg.Credentials) > 0)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": tok,
		"expires_in":   int(s.cfg.TokenTTL / time.Second),
		"scope":        "",
		"token_type":   "bearer",
	})
}

func writeOAuthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]any{"error": code, "error_description": desc})
}

// asciiEqualFold reports whether strings.ToLower(s) == lower, for lower in lowercase ASCII,
// without building the lowered string when s is ASCII (as an Authorization scheme is). Other
// strings are lowered as before: some non-ASCII letters lower to ASCII ones (İ to i).
func asciiEqualFold(s, lower string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return strings.ToLower(s) == lower
		}
	}
	if len(s) != len(lower) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// authenticate checks the Authorization header of an API request: a Bearer token (any
// non-empty token, or with pinned credentials one this emulator issued and that has not
// expired) or HTTP Basic with an accepted key.
func (s *Server) authenticate(r *http.Request) error {
	h := r.Header.Get("Authorization")
	if h == "" {
		return errUnauthenticated("the request has no Authorization header")
	}
	scheme, rest, _ := strings.Cut(h, " ")
	rest = strings.TrimSpace(rest)
	switch {
	case asciiEqualFold(scheme, "bearer"):
		if rest == "" {
			return errUnauthenticated("the Bearer token is empty")
		}
		if len(s.cfg.Credentials) == 0 || s.tokens.valid(rest, s.now()) {
			return nil
		}
		// Sinch's SDKs fetch a new token only when the 401's WWW-Authenticate says the token
		// expired, as an OAuth2 resource server does (RFC 6750). A token this emulator does not
		// know (it forgets expired ones, and all of them when restarted) is answered the same way,
		// so that clients recover by fetching a new one.
		err := errUnauthenticated("the access token is unknown or expired")
		err.Challenge = `Bearer error="invalid_token", error_description="The access token expired"`
		return err
	case asciiEqualFold(scheme, "basic"):
		id, secret, ok := r.BasicAuth()
		if !ok || !s.checkKey(id, secret) {
			return errUnauthenticated("unknown key id or wrong secret")
		}
		return nil
	}
	return errUnauthenticated("the Authorization scheme must be Bearer or Basic")
}
