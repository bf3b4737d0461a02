package commands

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/relaykit/sinch-go/cmd/sinch/internal/samples"
	"github.com/relaykit/sinch-go/hmac"
)

// walkCommands calls f for every command of the tree except help and completion.
func walkCommands(f func(c *cobra.Command)) {
	a := &app{env: Env{Getenv: func(string) string { return "" }}}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Name() == "help" {
			return
		}
		f(c)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(a.newRoot())
}

// pflag reads a `quoted` word of a flag's usage as the name of its value and drops the quotes,
// which garbled two help texts; no flag's usage may contain a backtick.
func TestHelpTextsAreNotGarbled(t *testing.T) {
	walkCommands(func(c *cobra.Command) {
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if strings.Contains(f.Usage, "`") {
				name, usage := pflag.UnquoteUsage(f)
				t.Errorf("%s --%s: usage shows as %q with value name %q", c.CommandPath(), f.Name, usage, name)
			}
		})
	})
}

// Every delete asks first, the same way: --confirm or -y, else a y on stdin.
func TestEveryDeleteAsksTheSameWay(t *testing.T) {
	n := 0
	walkCommands(func(c *cobra.Command) {
		if c.Name() != "delete" {
			return
		}
		n++
		f := c.Flags().Lookup("confirm")
		if f == nil || f.Shorthand != "y" || f.Value.Type() != "bool" {
			t.Errorf("%s has no --confirm/-y", c.CommandPath())
		}
		if !strings.Contains(c.Example, "--confirm") {
			t.Errorf("%s: example %q lacks --confirm", c.CommandPath(), c.Example)
		}
	})
	if n < 6 {
		t.Errorf("only %d delete commands", n)
	}
	// Unconfirmed, each refuses with the same line before asking for credentials.
	for _, args := range [][]string{
		{"messages", "delete", "--message-id", "M"}, {"contacts", "delete", "--contact-id", "C"},
		{"conversations", "delete", "--conversation-id", "C"}, {"webhooks", "delete", "--webhook-id", "W"},
		{"templates", "delete", "--template-id", "T"},
	} {
		r := fails(t, map[string]string{}, 2, []string{"not confirmed: answer y, or pass --confirm (-y)"}, args...)
		if !strings.Contains(r.stderr, "? [y/N]") {
			t.Errorf("%v did not ask: %q", args, r.stderr)
		}
	}
}

func TestCompletionCommand(t *testing.T) {
	for _, sh := range []string{"bash", "zsh", "fish", "powershell"} {
		out := ok(t, nil, "completion", sh)
		if !strings.Contains(out, "sinch") || len(out) < 500 {
			t.Errorf("completion %s: %d bytes", sh, len(out))
		}
	}
}

func TestDryRunEndsWithANewline(t *testing.T) {
	for _, args := range [][]string{
		{"send", "sms", "--to", "+15551234567", "--message", "x", "--dry-run"},
		{"send", "rcs", "choice", "--to", "+15551234567", "--message", "x", "--choices", "A,B", "--dry-run", "--json"},
	} {
		if out := ok(t, nil, args...); !strings.HasSuffix(out, "}\n") {
			t.Errorf("%v: output does not end with a newline: %q", args, out[max(0, len(out)-10):])
		}
	}
}

// listen says why it refused each callback.
func TestListenSaysWhyItRefused(t *testing.T) {
	url, _, errb, stop := startListen(t, nil, "--secret", "right", "--tolerance", "1m")
	body, err := samples.Body("MESSAGE_INBOUND", "APP", "PROJ", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		header http.Header
		status int
		reason string
	}{
		{"bad signature", hmac.Headers("wrong", body, time.Now()), 401, "bad signature"},
		{"stale timestamp", hmac.Headers("right", body, time.Now().Add(-10*time.Minute)), 401, "stale timestamp"},
		{"future timestamp", hmac.Headers("right", body, time.Now().Add(10*time.Minute)), 401, "timestamp in the future"},
		{"unsigned", http.Header{}, 401, "no signature"},
	}
	for _, c := range cases {
		before := strings.Count(errb.String(), "refused")
		if got := post(t, url, body, c.header); got != c.status {
			t.Errorf("%s: status %d, want %d", c.name, got, c.status)
		}
		lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
		last := lines[len(lines)-1]
		if strings.Count(errb.String(), "refused") != before+1 || !strings.Contains(last, c.reason) {
			t.Errorf("%s: refusal line %q lacks %q", c.name, last, c.reason)
		}
	}
	if got := post(t, url, []byte("not json"), hmac.Headers("right", []byte("not json"), time.Now())); got != 400 {
		t.Errorf("bad body: %d", got)
	}
	if !strings.Contains(errb.String(), "not a Sinch callback") {
		t.Errorf("no reason for the bad body: %s", errb.String())
	}
	if code := stop(); code != 0 {
		t.Errorf("listen exit %d", code)
	}
}
