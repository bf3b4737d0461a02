//go:build unix

// Command batchload measures `sinch batch send` on a large file: the client's peak memory
// (maximum resident set size of the sinch process) and how close its pacing comes to the
// configured rate. It writes a CSV of -rows recipients, builds the CLI, serves the Batch API
// (the emulator's, or a minimal sink that only counts), runs the CLI as a child process and
// reports:
//
//	go run ./cmd/sinch/internal/batchload -rows 1000000 -rate 20000
//	go run ./cmd/sinch/internal/batchload -rows 50000 -rate 800 -server emulator
//
// Pacing: with batches of -chunk recipients the first batch goes at once and batch k (k ≥ 1)
// may start once k×chunk recipients fit under the rate, so the ideal span from the first to
// the last batch is (recipients − first batch)/rate. The achieved rate is that many recipients
// over the span measured where the requests arrive.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/relaykit/sinch-go/emulator"
)

func main() {
	rows := flag.Int("rows", 1_000_000, "recipients in the CSV file")
	rate := flag.Float64("rate", 20_000, "--rate of the run (recipients per second)")
	chunk := flag.Int("chunk", 1000, "--chunk-size of the run")
	server := flag.String("server", "sink", "Batch API to send to: sink (answers each batch, counts it) or emulator")
	keep := flag.Bool("keep", false, "keep the temporary directory")
	flag.Parse()
	if err := run(*rows, *rate, *chunk, *server, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "batchload:", err)
		os.Exit(1)
	}
}

// arrival is one batch request as the server saw it.
type arrival struct {
	at         time.Time
	recipients int
}

func run(rows int, rate float64, chunk int, server string, keep bool) error {
	dir, err := os.MkdirTemp("", "batchload-*")
	if err != nil {
		return err
	}
	if !keep {
		defer os.RemoveAll(dir)
	}
	csvPath := filepath.Join(dir, "recipients.csv")
	size, err := writeCSV(csvPath, rows)
	if err != nil {
		return err
	}
	bin := filepath.Join(dir, "sinch")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/relaykit/sinch-go/cmd/sinch").CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}

	var mu sync.Mutex
	var arrivals []arrival
	record := func(n int) {
		mu.Lock()
		arrivals = append(arrivals, arrival{time.Now(), n})
		mu.Unlock()
	}
	var batchHandler, convHandler http.Handler
	switch server {
	case "sink":
		batchHandler = sink(record)
		convHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"access_token":"t","token_type":"bearer","expires_in":3600}`)
		})
	case "emulator":
		emu, err := emulator.New(emulator.Config{RateLimit: emulator.RateLimitOff, MaxStored: 10_000})
		if err != nil {
			return err
		}
		defer emu.Close()
		inner := emu.BatchHandler()
		batchHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost {
				record(-1) // counted by the run's summary instead
			}
			inner.ServeHTTP(w, r)
		})
		convHandler = emu.ConversationHandler()
	default:
		return fmt.Errorf("-server %q: sink or emulator", server)
	}
	conv := httptest.NewServer(convHandler)
	defer conv.Close()
	bat := httptest.NewServer(batchHandler)
	defer bat.Close()

	appID := "01W4FFL35P4NC4K35BATCHLOAD"
	if server == "emulator" {
		if appID, err = createApp(bin, conv.URL); err != nil {
			return err
		}
	}
	cmd := exec.Command(bin, "batch", "send", "--csv", csvPath, "--message", "Hi ${name}, your code is ${code}",
		"--rate", fmt.Sprint(rate), "--chunk-size", fmt.Sprint(chunk), "--json", "--max-retries", "0")
	cmd.Env = append(os.Environ(), "SINCH_PROJECT_ID=load", "SINCH_KEY_ID=k", "SINCH_KEY_SECRET=s", "SINCH_APP_ID="+appID,
		"SINCH_CONVERSATION_URL="+conv.URL, "SINCH_TEMPLATE_URL="+conv.URL, "SINCH_AUTH_URL="+conv.URL, "SINCH_BATCH_URL="+bat.URL)
	var stdout, stderr capped
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("sinch batch send: %v\n%s", err, stderr.String())
	}
	wall := time.Since(start)
	var sum struct {
		Recipients int `json:"recipients"`
		Batches    []struct {
			Recipients int `json:"recipients"`
		} `json:"batches"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &sum); err != nil {
		return fmt.Errorf("summary: %v", err)
	}
	if sum.Recipients != rows {
		return fmt.Errorf("sent %d recipients of %d", sum.Recipients, rows)
	}
	rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss // KiB on Linux
	mu.Lock()
	defer mu.Unlock()
	if len(arrivals) != len(sum.Batches) {
		return fmt.Errorf("%d batch requests arrived, the summary lists %d", len(arrivals), len(sum.Batches))
	}
	first := sum.Batches[0].Recipients
	span := arrivals[len(arrivals)-1].at.Sub(arrivals[0].at)
	fmt.Printf("rows                %d (CSV %.1f MiB), %d batches of up to %d, server %s\n", rows, float64(size)/(1<<20), len(arrivals), chunk, server)
	fmt.Printf("client max RSS      %.1f MiB\n", float64(rss)/1024)
	fmt.Printf("wall time           %s (check, then send)\n", wall.Round(time.Millisecond))
	if len(arrivals) > 1 {
		ideal := time.Duration(float64(rows-first) / rate * float64(time.Second))
		achieved := float64(rows-first) / span.Seconds()
		fmt.Printf("pacing span         %s, ideal %s\n", span.Round(time.Millisecond), ideal.Round(time.Millisecond))
		fmt.Printf("achieved rate       %.1f recipients/s of %.0f configured (%+.2f%%)\n", achieved, rate, 100*(achieved-rate)/rate)
		if math.Abs(achieved-rate)/rate > 0.02 {
			fmt.Println("pacing             OUTSIDE 2% of ideal")
		}
	}
	return nil
}

// sink answers each batch request as the Batch API does (a batch id), counting its recipients.
func sink(record func(int)) http.Handler {
	var n int
	var mu sync.Mutex
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Recipients []json.RawMessage `json:"recipient_and_params"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || r.Method != http.MethodPost {
			http.Error(w, `{"error":{"code":400,"message":"bad request","status":"INVALID_ARGUMENT"}}`, http.StatusBadRequest)
			return
		}
		record(len(req.Recipients))
		mu.Lock()
		n++
		id := fmt.Sprintf("01LOADBATCH%015d", n)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"batch_id":%q}`, id)
	})
}

// writeCSV writes n recipients with two parameters and returns the file's size.
func writeCSV(path string, n int) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintln(w, "phone,name,code")
	for i := range n {
		fmt.Fprintf(w, "+1%03d%07d,Customer %d,C%07d\n", 200+i/10_000_000, i%10_000_000, i, i)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return 0, err
	}
	st, err := f.Stat()
	f.Close()
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

// createApp makes an SMS app on the emulator with the CLI.
func createApp(bin, convURL string) (string, error) {
	cmd := exec.CommandContext(context.Background(), bin, "apps", "create", "--name", "load", "--static-bearer", "SMS:plan:tok", "--json")
	cmd.Env = append(os.Environ(), "SINCH_PROJECT_ID=load", "SINCH_KEY_ID=k", "SINCH_KEY_SECRET=s", "SINCH_CONVERSATION_URL="+convURL, "SINCH_AUTH_URL="+convURL)
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("apps create: %v", err)
	}
	var app struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(out, &app); err != nil || app.ID == "" {
		return "", fmt.Errorf("apps create: %s", out)
	}
	return app.ID, nil
}

// capped keeps the first MiB written to it.
type capped struct{ b []byte }

func (c *capped) Write(p []byte) (int, error) {
	if room := 1<<20 - len(c.b); room > 0 {
		c.b = append(c.b, p[:min(len(p), room)]...)
	}
	return len(p), nil
}
func (c *capped) Bytes() []byte  { return c.b }
func (c *capped) String() string { return string(c.b) }
