package commands

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

func TestDemoRunsToCompletion(t *testing.T) {
	r := run(t, nil, "demo")
	if r.code != 0 {
		t.Fatalf("demo exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	// The timeline in order: the fallback, the card, the batch, the reply.
	order := []string{"app created", "webhook created", "sent", "switching channel", "delivered", "card", "batch sent", "reply injected", "inbound", "done"}
	rest := r.stdout
	for _, want := range order {
		i := strings.Index(rest, want)
		if i < 0 {
			t.Fatalf("timeline lacks %q after the previous steps:\n%s", want, r.stdout)
		}
		rest = rest[i+len(want):]
	}
	if !strings.Contains(r.stdout, "WHATSAPP +15551230100") || !strings.Contains(r.stdout, "0 refused") || !strings.Contains(r.stdout, "batch processed") {
		t.Errorf("timeline:\n%s", r.stdout)
	}
	if strings.Count(r.stdout, "✓ signature") < 15 {
		t.Errorf("too few verified callbacks:\n%s", r.stdout)
	}
}

func TestDemoJSONAndTimeout(t *testing.T) {
	r := run(t, nil, "demo", "--json")
	if r.code != 0 {
		t.Fatalf("demo --json exit %d: %s", r.code, r.stderr)
	}
	triggers := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var e timelineEntry
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		triggers[e.Trigger]++
	}
	// Two inbound messages: the customer's question (which opens the WhatsApp window) and reply.
	if triggers["MESSAGE_DELIVERY"] < 8 || triggers["MESSAGE_INBOUND"] != 2 {
		t.Errorf("callbacks by trigger: %v", triggers)
	}
	// A timeout too short to finish is a clear failure, not a hang.
	fails(t, nil, 1, []string{"demo"}, "demo", "--timeout", "1ms")
}

// Every command has a short description and an example, and --help works for each.
func TestEveryCommandHasHelpWithAnExample(t *testing.T) {
	a := &app{env: Env{Getenv: func(string) string { return "" }}}
	root := a.newRoot()
	var walk func(c *cobra.Command)
	n := 0
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" {
			return
		}
		n++
		if c.Short == "" || c.Example == "" {
			t.Errorf("%q lacks a short description or an example", c.CommandPath())
		}
		args := append(strings.Fields(c.CommandPath())[1:], "--help")
		r := runWith(t, context.Background(), nil, "", args...)
		if r.code != 0 || !strings.Contains(r.stdout, "Examples:") {
			t.Errorf("%s --help: exit %d, output %q", c.CommandPath(), r.code, r.stdout)
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	if n < 45 {
		t.Errorf("only %d commands", n)
	}
}

func TestUsageErrors(t *testing.T) {
	fails(t, nil, 2, []string{"unknown command"}, "frobnicate")
	fails(t, nil, 2, []string{"unknown command"}, "send", "fax")
	fails(t, nil, 2, []string{"unknown flag"}, "apps", "list", "--nope")
}
