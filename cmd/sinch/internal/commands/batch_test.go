package commands

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/relaykit/sinch-go/emulator"
)

func writeCSV(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "r.csv")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBatchSendInChunksAndStatus(t *testing.T) {
	srv := startEmulator(t, emulator.Config{})
	env := emuEnv(srv)
	env["SINCH_APP_ID"] = createApp(t, env)
	csv := writeCSV(t, "phone,name\n+15551230001,Ada\n+15551230002,Bob\n+15551230003,Cy\n+15551230004,Di\n+15551230005,Ed\n")
	var sum batchSummary
	okJSON(t, env, &sum, "batch", "send", "--csv", csv, "--message", "Hi ${name}", "--chunk-size", "2", "--metadata", "run=one")
	if sum.Recipients != 5 || len(sum.Batches) != 3 {
		t.Fatalf("summary %+v", sum)
	}
	if b := sum.Batches[2]; b.Recipients != 1 || b.FirstLine != 6 || b.LastLine != 6 || b.BatchID == "" {
		t.Errorf("last batch %+v", b)
	}
	if b := sum.Batches[0]; b.FirstLine != 2 || b.LastLine != 3 {
		t.Errorf("first batch %+v", b)
	}
	out := ok(t, env, "batch", "status", "--batch-id", sum.Batches[0].BatchID)
	if !strings.Contains(out, sum.Batches[0].BatchID) {
		t.Errorf("status output %q", out)
	}
	out = ok(t, env, "batch", "status", "--metadata-key", "run", "--metadata-value", "one")
	for _, b := range sum.Batches {
		if !strings.Contains(out, b.BatchID) {
			t.Errorf("status by metadata lacks %s: %q", b.BatchID, out)
		}
	}
	// Human output: the ids and the CSV lines.
	out = ok(t, env, "batch", "send", "--csv", csv, "--message", "Hi ${name}")
	if !strings.Contains(out, "sent 5 recipients in 1 batch:") || !strings.Contains(out, "2-6") {
		t.Errorf("human output %q", out)
	}
}

func TestBatchBadFileSendsNothing(t *testing.T) {
	srv := startEmulator(t, emulator.Config{})
	env := emuEnv(srv)
	env["SINCH_APP_ID"] = createApp(t, env)
	csv := writeCSV(t, "phone,name\n+15551230001,Ada\nnot-a-number,Bob\n+15551230003\n+15551230001,Dup\n")
	r := fails(t, env, 1, []string{"line 3", "line 4", "line 5", "nothing was sent"}, "batch", "send", "--csv", csv, "--message", "Hi ${name}", "--metadata", "run=bad")
	if strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("error is not one line: %q", r.stderr)
	}
	out := ok(t, env, "batch", "status", "--metadata-key", "run", "--metadata-value", "bad")
	if !strings.Contains(out, "no batches") {
		t.Errorf("a batch was sent from a bad file: %q", out)
	}
	fails(t, env, 1, []string{"${code}"}, "batch", "send", "--csv", csv, "--message", "Your code ${code}")
	fails(t, env, 2, []string{"--csv"}, "batch", "send", "--csv", filepath.Join(t.TempDir(), "missing.csv"), "--message", "x")
	fails(t, env, 2, []string{"7 days"}, "batch", "send", "--csv", csv, "--message", "x", "--send-after", "200h")
	fails(t, env, 2, []string{"--batch-id"}, "batch", "status")
}

func TestBatchScheduleAndCancel(t *testing.T) {
	srv := startEmulator(t, emulator.Config{})
	env := emuEnv(srv)
	env["SINCH_APP_ID"] = createApp(t, env)
	csv := writeCSV(t, "phone\n+15551230001\n")
	var sum batchSummary
	okJSON(t, env, &sum, "batch", "send", "--csv", csv, "--message", "later", "--send-after", "2h")
	id := sum.Batches[0].BatchID
	if sum.Batches[0].SendAfter.IsZero() {
		t.Errorf("no send_after in %+v", sum.Batches[0])
	}
	if out := ok(t, env, "batch", "status", "--batch-id", id); !strings.Contains(out, "SCHEDULED") {
		t.Errorf("status %q", out)
	}
	if out := ok(t, env, "batch", "cancel", "--batch-id", id); !strings.Contains(out, id) {
		t.Errorf("cancel %q", out)
	}
	deadline := time.Now().Add(3 * time.Second)
	for {
		out := ok(t, env, "batch", "status", "--batch-id", id)
		if strings.Contains(out, "CANCELLED") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not cancelled: %q", out)
		}
		time.Sleep(20 * time.Millisecond)
	}
	fails(t, env, 1, []string{"404"}, "batch", "status", "--batch-id", "01NOSUCHBATCH")
}

func TestBatchProgressBarOnlyOnTerminal(t *testing.T) {
	srv := startEmulator(t, emulator.Config{})
	env := emuEnv(srv)
	env["SINCH_APP_ID"] = createApp(t, env)
	csv := writeCSV(t, "phone\n+15551230001\n+15551230002\n")
	quiet := runEnv(context.Background(), env, "", false, "batch", "send", "--csv", csv, "--message", "x", "--chunk-size", "1")
	if quiet.code != 0 || quiet.stderr != "" {
		t.Fatalf("not a terminal: exit %d, stderr %q", quiet.code, quiet.stderr)
	}
	tty := runEnv(context.Background(), env, "", true, "batch", "send", "--csv", csv, "--message", "x", "--chunk-size", "1")
	if tty.code != 0 || !strings.Contains(tty.stderr, "sending") {
		t.Fatalf("terminal: exit %d, stderr %q", tty.code, tty.stderr)
	}
}

func TestBatchPacing(t *testing.T) {
	srv := startEmulator(t, emulator.Config{})
	env := emuEnv(srv)
	env["SINCH_APP_ID"] = createApp(t, env)
	csv := writeCSV(t, "phone\n+15551230001\n+15551230002\n+15551230003\n")
	// One recipient per batch at 10 recipients per second: the first batch goes at once, the
	// next two each wait a tenth of a second, so the run cannot take less than 0.2 s.
	start := time.Now()
	ok(t, env, "batch", "send", "--csv", csv, "--message", "x", "--chunk-size", "1", "--rate", "10")
	if d := time.Since(start); d < 180*time.Millisecond {
		t.Errorf("3 batches at 10 recipients/s took %v: not paced", d)
	}
	fails(t, env, 2, []string{"--rate"}, "batch", "send", "--csv", csv, "--message", "x", "--rate", "0")
}

// When a batch fails midway, the ids of the batches already accepted are printed and the
// error says which CSV lines were not sent.
func TestBatchPartialFailureReportsWhatWasSent(t *testing.T) {
	srv := startEmulator(t, emulator.Config{})
	env := emuEnv(srv)
	env["SINCH_APP_ID"] = createApp(t, env)
	target, _ := url.Parse(srv.BatchURL())
	proxy := httputil.NewSingleHostReverseProxy(target)
	var posts atomic.Int32
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && posts.Add(1) == 2 {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"error":{"code":400,"message":"synthetic failure","status":"INVALID_ARGUMENT"}}`))
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	defer front.Close()
	env["SINCH_BATCH_URL"] = front.URL
	csv := writeCSV(t, "phone\n+15551230001\n+15551230002\n+15551230003\n")
	r := fails(t, env, 1, []string{"batch 2 of 3 (lines 3-3)", "synthetic failure", "1 of 3 batches were accepted"},
		"batch", "send", "--csv", csv, "--message", "x", "--chunk-size", "1", "--max-retries", "0")
	if !strings.Contains(r.stdout, "sent 1 recipient in 1 batch") || !strings.Contains(r.stdout, "2-2") {
		t.Errorf("stdout %q", r.stdout)
	}
	if posts.Load() != 2 {
		t.Errorf("%d batch requests, want 2 (nothing after the failure)", posts.Load())
	}
}
