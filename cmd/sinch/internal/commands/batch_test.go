package commands

import (
	"context"
	"encoding/json"
	"io"
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
	var posts atomic.Int32
	env["SINCH_BATCH_URL"] = batchFront(t, srv, func(w http.ResponseWriter, _ *http.Request, n int32) bool {
		if posts.Store(n); n != 2 {
			return false
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"error":{"code":400,"message":"synthetic failure","status":"INVALID_ARGUMENT"}}`))
		return true
	})
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

// batchFront puts a proxy in front of the emulator's Batch API that calls onPost with the
// number of each batch request as it arrives, before forwarding it; a request onPost has
// answered itself (answered true) is not forwarded.
func batchFront(t *testing.T, srv *emulator.Server, onPost func(w http.ResponseWriter, r *http.Request, n int32) (answered bool)) string {
	t.Helper()
	target, _ := url.Parse(srv.BatchURL())
	proxy := httputil.NewSingleHostReverseProxy(target)
	var posts atomic.Int32
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && onPost(w, r, posts.Add(1)) {
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	return front.URL
}

// Ctrl-C between batches stops before the next one, prints the batches that went and the line
// to resume from; --resume-from sends exactly the rest.
func TestBatchInterruptAndResume(t *testing.T) {
	srv := startEmulator(t, emulator.Config{})
	env := emuEnv(srv)
	env["SINCH_APP_ID"] = createApp(t, env)
	csv := writeCSV(t, "phone,name\n+15551230001,A\n+15551230002,B\n+15551230003,C\n+15551230004,D\n+15551230005,E\n")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env["SINCH_BATCH_URL"] = batchFront(t, srv, func(_ http.ResponseWriter, _ *http.Request, n int32) bool {
		if n == 1 {
			cancel() // Ctrl-C while the first batch is in flight: it still completes
		}
		return false
	})
	// One recipient per batch at 2 per second: the second batch waits half a second.
	r := runEnv(ctx, env, "", false, "batch", "send", "--csv", csv, "--message", "Hi ${name}", "--chunk-size", "1", "--rate", "2")
	if r.code != 1 {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"interrupted: 1 of 5 batches were accepted (CSV lines 2-2", "--resume-from 3"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr %q lacks %q", r.stderr, want)
		}
	}
	if !strings.Contains(r.stdout, "sent 1 recipient in 1 batch") || !strings.Contains(r.stdout, "2-2") {
		t.Errorf("stdout %q", r.stdout)
	}
	var sum batchSummary
	okJSON(t, env, &sum, "batch", "send", "--csv", csv, "--message", "Hi ${name}", "--chunk-size", "2", "--resume-from", "3")
	if sum.Recipients != 4 || len(sum.Batches) != 2 || sum.Batches[0].FirstLine != 3 || sum.Batches[1].LastLine != 6 || sum.ResumeFrom != 0 {
		t.Errorf("resumed %+v", sum)
	}
	fails(t, env, 2, []string{"--resume-from 9", "lines 2 to 6"}, "batch", "send", "--csv", csv, "--message", "x", "--resume-from", "9")
}

// A failed batch names the line to resume from, in the error and in the JSON summary.
func TestBatchFailureSaysWhereToResume(t *testing.T) {
	srv := startEmulator(t, emulator.Config{})
	env := emuEnv(srv)
	env["SINCH_APP_ID"] = createApp(t, env)
	csv := writeCSV(t, "phone\n+15551230001\n+15551230002\n+15551230003\n")
	env["SINCH_BATCH_URL"] = batchFront(t, srv, func(http.ResponseWriter, *http.Request, int32) bool { return false })
	env["SINCH_APP_ID"] = "01NOSUCHAPP"
	r := run(t, env, "batch", "send", "--csv", csv, "--message", "x", "--chunk-size", "2", "--json", "--max-retries", "0")
	if r.code != 1 || !strings.Contains(r.stderr, "no batch was sent; to send the rest, run the same command with --resume-from 2") {
		t.Fatalf("exit %d stderr %q", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, `"resume_from": 2`) {
		t.Errorf("json %s", r.stdout)
	}
}

// --csv - reads standard input (checked whole, then streamed from a spooled copy).
func TestBatchCSVFromStdin(t *testing.T) {
	srv := startEmulator(t, emulator.Config{})
	env := emuEnv(srv)
	env["SINCH_APP_ID"] = createApp(t, env)
	in := "to,code\n+15551230001,1\n+15551230002,2\n+15551230003,3\n"
	r := runWith(t, context.Background(), env, in, "batch", "send", "--csv", "-", "--message", "code ${code}", "--chunk-size", "2", "--json")
	var sum batchSummary
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &sum) != nil || sum.Recipients != 3 || len(sum.Batches) != 2 {
		t.Fatalf("exit %d %s %s", r.code, r.stdout, r.stderr)
	}
	r = runWith(t, context.Background(), env, "to\nnope\n", "batch", "send", "--csv", "-", "--message", "x")
	if r.code != 1 || !strings.Contains(r.stderr, "standard input: line 2") || !strings.Contains(r.stderr, "nothing was sent") {
		t.Errorf("bad stdin: %d %q", r.code, r.stderr)
	}
}

// On a terminal the progress line counts recipients and ends erased, before the table.
func TestBatchProgressLine(t *testing.T) {
	srv := startEmulator(t, emulator.Config{})
	env := emuEnv(srv)
	env["SINCH_APP_ID"] = createApp(t, env)
	csv := writeCSV(t, "phone\n+15551230001\n+15551230002\n+15551230003\n+15551230004\n")
	r := runEnv(context.Background(), env, "", true, "batch", "send", "--csv", csv, "--message", "x", "--chunk-size", "1", "--rate", "8")
	if r.code != 0 {
		t.Fatalf("exit %d %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "/4 recipients") || !strings.HasSuffix(r.stderr, "\r\x1b[K") {
		t.Errorf("stderr %q", r.stderr)
	}
	if !strings.Contains(r.stdout, "sent 4 recipients in 4 batches") {
		t.Errorf("stdout %q", r.stdout)
	}
}

// A batch whose request got no answer (the connection dropped after it was sent) may have been
// accepted: the error says so and gives both resume lines, to resend it or to skip it.
func TestBatchNoAnswerMayHaveBeenSent(t *testing.T) {
	srv := startEmulator(t, emulator.Config{})
	env := emuEnv(srv)
	env["SINCH_APP_ID"] = createApp(t, env)
	var posts atomic.Int32
	env["SINCH_BATCH_URL"] = batchFront(t, srv, func(w http.ResponseWriter, r *http.Request, n int32) bool {
		if posts.Store(n); n != 2 {
			return false
		}
		io.Copy(io.Discard, r.Body)
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close() // the request was read; no answer comes
		}
		return true
	})
	csv := writeCSV(t, "phone\n+15551230001\n+15551230002\n+15551230003\n+15551230004\n")
	r := run(t, env, "batch", "send", "--csv", csv, "--message", "x", "--chunk-size", "2", "--max-retries", "0", "--json")
	if r.code != 1 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"no answer came for the batch of CSV lines 4-5", "1 batch before it accepted", "--resume-from 4 to send those lines again", "--resume-from 6 to skip them"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr %q lacks %q", r.stderr, want)
		}
	}
	var sum batchSummary
	if err := json.Unmarshal([]byte(r.stdout), &sum); err != nil || len(sum.Batches) != 1 || sum.MaybeSent == nil || sum.MaybeSent.FirstLine != 4 {
		t.Errorf("summary %s (%v)", r.stdout, err)
	}
	if posts.Load() != 2 {
		t.Errorf("%d posts: the batch without an answer was sent again", posts.Load())
	}
}
