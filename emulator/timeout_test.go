package emulator

import (
	"io"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"
)

// A client that sends the headers and part of a body, then nothing, is cut off after
// Config.ReadTimeout: it does not hold its connection (and a handler) forever.
func TestSlowBodyIsCutOffAfterReadTimeout(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.ReadTimeout = 300 * time.Millisecond })
	for base, path := range map[string]string{e.srv.ConversationURL(): "/messages:send", e.srv.BatchURL(): "/messages"} {
		u, _ := url.Parse(base)
		conn, err := net.Dial("tcp", u.Host)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		start := time.Now()
		_, err = io.WriteString(conn, "POST /v1/projects/"+testProject+path+" HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n"+
			"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"app_id\":")
		if err != nil {
			t.Fatal(err)
		}
		_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		answer, err := io.ReadAll(conn) // until the server closes the connection
		if err != nil {
			t.Fatalf("%s: the connection was still open after 10s: %v", base, err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("%s: the server waited %v for the body", base, d)
		}
		if len(answer) > 0 && !strings.HasPrefix(string(answer), "HTTP/1.1 400") {
			t.Fatalf("%s: answered %q, want a 400 or nothing", base, answer)
		}
	}
}
