package commands

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestDemoKeepServesTheInbox: demo --keep prints the inbox URL, finishes the demo, then keeps
// the emulator serving; the inbox shows the demo's app until the command is interrupted.
func TestDemoKeepServesTheInbox(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"demo", "--keep"}, Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }})
	}()
	inboxLine := regexp.MustCompile(`inbox\s+(http://127\.0\.0\.1:\d+/) `)
	var url string
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), "until interrupted (Ctrl-C)") {
		select {
		case code := <-done:
			t.Fatalf("demo --keep ended (exit %d) before serving:\n%s\n%s", code, out.String(), errb.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("demo --keep did not reach the serving step:\n%s", out.String())
		}
	}
	m := inboxLine.FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("the timeline has no inbox URL:\n%s", out.String())
	}
	url = m[1]
	for _, path := range []string{"", "_emulator/inbox/state"} {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatalf("the inbox is not served after the demo: %v", err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || (path != "" && !strings.Contains(string(body), "Demo app")) {
			t.Fatalf("GET %s%s = %d: %.300s", url, path, resp.StatusCode, body)
		}
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("demo --keep exit %d after the interrupt: %s", code, errb.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("demo --keep did not stop after the interrupt")
	}
}
