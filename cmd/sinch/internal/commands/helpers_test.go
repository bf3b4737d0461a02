package commands

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/relaykit/sinch-go/emulator"
)

// syncBuffer is a bytes.Buffer safe for a command writing while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startEmulator starts an in-process emulator for one test.
func startEmulator(t *testing.T, cfg emulator.Config) *emulator.Server {
	t.Helper()
	if cfg.RateLimit == 0 {
		cfg.RateLimit = emulator.RateLimitOff
	}
	if cfg.Callbacks.StepDelay == 0 {
		cfg.Callbacks.StepDelay = 2 * time.Millisecond
	}
	srv, err := emulator.Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// emuEnv is the environment that points the CLI at srv.
func emuEnv(srv *emulator.Server, extra ...string) map[string]string {
	env := map[string]string{
		"SINCH_PROJECT_ID":       "p-123",
		"SINCH_KEY_ID":           "key",
		"SINCH_KEY_SECRET":       "secret",
		"SINCH_CONVERSATION_URL": srv.ConversationURL(),
		"SINCH_TEMPLATE_URL":     srv.TemplateURL(),
		"SINCH_BATCH_URL":        srv.BatchURL(),
		"SINCH_AUTH_URL":         srv.AuthURL(),
	}
	for i := 0; i+1 < len(extra); i += 2 {
		env[extra[i]] = extra[i+1]
	}
	return env
}

type result struct {
	stdout, stderr string
	code           int
}

// run executes the CLI in process.
func run(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	return runWith(t, context.Background(), env, "", args...)
}

func runWith(t *testing.T, ctx context.Context, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	return runEnv(ctx, env, stdin, false, args...)
}

func runEnv(ctx context.Context, env map[string]string, stdin string, terminal bool, args ...string) result {
	var out, errb syncBuffer
	code := Run(ctx, args, Env{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return env[k] }, IsTerminal: terminal,
	})
	return result{out.String(), errb.String(), code}
}

// ok runs the CLI and fails the test unless it exits 0.
func ok(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	r := run(t, env, args...)
	if r.code != 0 {
		t.Fatalf("sinch %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

// okJSON runs the CLI with --json and decodes its output.
func okJSON(t *testing.T, env map[string]string, v any, args ...string) {
	t.Helper()
	out := ok(t, env, append(args, "--json")...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("sinch %s --json: output is not JSON: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// fails runs the CLI, expects exit code want and one line on stderr containing each of substrs.
func fails(t *testing.T, env map[string]string, want int, substrs []string, args ...string) result {
	t.Helper()
	r := run(t, env, args...)
	if r.code != want {
		t.Fatalf("sinch %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, want, r.stdout, r.stderr)
	}
	lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, "sinch: ") {
		t.Errorf("error line %q does not start with 'sinch: '", last)
	}
	for _, s := range substrs {
		if !strings.Contains(last, s) {
			t.Errorf("sinch %s: error %q lacks %q", strings.Join(args, " "), last, s)
		}
	}
	return r
}

// createApp makes an app with SMS, WhatsApp and RCS channels through `sinch apps create`.
func createApp(t *testing.T, env map[string]string) string {
	t.Helper()
	var a struct {
		ID string `json:"id"`
	}
	okJSON(t, env, &a, "apps", "create", "--name", "test app", "--mode", "CONVERSATION", "--static-bearer", "SMS:plan-1:tok,WHATSAPP:waba-1:tok,RCS:agent-1:tok")
	if a.ID == "" {
		t.Fatal("apps create: no id")
	}
	return a.ID
}
