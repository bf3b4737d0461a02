package emulator

import (
	"strings"
	"testing"
)

// Error messages quote at most a short prefix of an id the client sent, however long it is.
func TestErrorsQuoteOnlyAShortPrefixOfAnID(t *testing.T) {
	e := newEnv(t)
	long := strings.Repeat("A", 5000)
	for _, path := range []string{"/apps/", "/contacts/", "/conversations/", "/messages/", "/events/", "/webhooks/"} {
		st, out := e.do("GET", e.conv(path+long), nil)
		msg := str(out, "error", "message")
		if st != 404 || len(msg) > 200 || !strings.Contains(msg, "AAAA") {
			t.Errorf("GET %s<5000 chars>: %d, message of %d chars: %.120s", path, st, len(msg), msg)
		}
	}
	st, out := e.do("GET", e.conv("/nothing/"+long), nil)
	if msg := str(out, "error", "message"); st != 404 || len(msg) > 200 {
		t.Errorf("unknown path: %d, message of %d chars", st, len(msg))
	}
}
