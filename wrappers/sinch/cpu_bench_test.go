package sinch

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"
)

// The server of BenchmarkSendMessageClientCPU runs in a child process (this test binary again,
// running TestSendServerProcess), so that the benchmark process's CPU time is the client's alone.
const serverProcessEnv = "SINCH_BENCH_SEND_SERVER"

// TestSendServerProcess is the child process's server: it answers messages:send on a loopback
// port, prints the address, and stops when its standard input closes. Run normally, it does
// nothing.
func TestSendServerProcess(t *testing.T) {
	if os.Getenv(serverProcessEnv) != "1" {
		t.Skip("the benchmark server: runs only as BenchmarkSendMessageClientCPU's child process")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(sendHandler)}
	go func() { _ = srv.Serve(ln) }()
	fmt.Println("listening", ln.Addr().String())
	_, _ = io.Copy(io.Discard, os.Stdin)
	_ = srv.Close()
}

// startServerProcess starts the child server and returns its base URL.
func startServerProcess(b *testing.B) string {
	cmd := exec.Command(os.Args[0], "-test.run=^TestSendServerProcess$", "-test.v")
	cmd.Env = append(os.Environ(), serverProcessEnv+"=1", "GOMAXPROCS=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = stdin.Close(); _ = cmd.Wait() })
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if addr, ok := strings.CutPrefix(sc.Text(), "listening "); ok {
			go func() { _, _ = io.Copy(io.Discard, out) }()
			return "http://" + addr
		}
	}
	b.Fatalf("the server process did not start: %v", sc.Err())
	return ""
}

// BenchmarkSendMessageClientCPU measures the client's CPU per messages:send, the SDK against
// the same call written by hand with net/http and encoding/json, both over loopback to one server
// that runs in a separate process (so getrusage(RUSAGE_SELF) of this process counts the client
// only: goroutines, GC, syscalls). The two run interleaved in blocks of 200 calls, so both see
// the same machine load; each block ends with a forced GC counted in the block, so that each
// side pays for the garbage it made. It reports each side's CPU per call and their ratio
// (target: sdk/nethttp ≤ 1.10).
func BenchmarkSendMessageClientCPU(b *testing.B) {
	if processCPU() == 0 {
		b.Skip("no getrusage on this platform")
	}
	base := startServerProcess(b)
	req := textTo("+46701234567")
	req.AppID = "01W4FFL35P4NC4K35CONVAPP001"
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 16
	hc := &http.Client{Transport: tr}
	c, err := NewClient(WithProjectID(testProject), WithBearerToken("tok-1"), WithConversationURL(base),
		WithTemplateURL(base), WithBatchURL(base), WithHTTPClient(hc))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	hand := handWrittenTo(ctx, hc, base, req)
	sdk := func() error {
		resp, err := c.Conversation.Messages.Send(ctx, req)
		if err == nil && resp.MessageID == "" {
			err = fmt.Errorf("no message id")
		}
		return err
	}
	manual := func() error { _, err := hand(); return err }
	for range 100 { // warm the connections and caches
		if err := sdk(); err != nil {
			b.Fatal(err)
		}
		if err := manual(); err != nil {
			b.Fatal(err)
		}
	}
	const block = 200
	block200 := func(f func() error) time.Duration {
		start := processCPU()
		for range block {
			if err := f(); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		return processCPU() - start
	}
	var sdkCPU, handCPU time.Duration
	blocks := 0
	b.ResetTimer()
	for b.Loop() {
		if blocks%2 == 0 { // alternate which side goes first
			sdkCPU += block200(sdk)
			handCPU += block200(manual)
		} else {
			handCPU += block200(manual)
			sdkCPU += block200(sdk)
		}
		blocks++
	}
	calls := float64(blocks * block)
	b.ReportMetric(float64(sdkCPU.Nanoseconds())/calls, "sdk-cpu-ns/call")
	b.ReportMetric(float64(handCPU.Nanoseconds())/calls, "nethttp-cpu-ns/call")
	b.ReportMetric(float64(sdkCPU)/float64(handCPU), "sdk/nethttp-cpu")
}
