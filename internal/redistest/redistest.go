// Package redistest starts a real redis-server for tests: one per call, on a free loopback
// port, with a temporary directory and persistence off. Tests can stop, pause (SIGSTOP, a Redis
// that has stopped answering) and restart it to exercise failure behaviour.
//
// When redis-server is not installed the test is skipped, unless CI=true or
// SINCH_REDIS_REQUIRED=1 is set (as .ci/run does), in which case it fails.
package redistest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Server is a running redis-server owned by one test.
type Server struct {
	tb   testing.TB
	bin  string
	dir  string
	port int
	cmd  *exec.Cmd
	done chan struct{}
}

// Required reports whether a test must fail, rather than skip, when redis-server is missing.
func Required() bool {
	return os.Getenv("CI") == "true" || os.Getenv("SINCH_REDIS_REQUIRED") == "1"
}

// Start starts a redis-server and stops it when the test ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if Required() {
			tb.Fatalf("redis-server is not installed (apt-get install redis-server): %v", err)
		}
		tb.Skip("redis-server is not installed; set CI=true to make this a failure")
	}
	s := &Server{tb: tb, bin: bin, dir: tb.TempDir()}
	var lastErr error
	for range 5 { // the free port can be taken between probing and binding it
		if s.port, err = freePort(); err != nil {
			tb.Fatal(err)
		}
		if lastErr = s.launch(); lastErr == nil {
			tb.Cleanup(s.Stop)
			return s
		}
	}
	tb.Fatalf("starting redis-server: %v", lastErr)
	return nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func (s *Server) launch() error {
	s.cmd = exec.Command(s.bin,
		"--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", s.dir,
		"--loglevel", "warning", "--logfile", "")
	s.cmd.Stdout, s.cmd.Stderr = nil, nil
	if err := s.cmd.Start(); err != nil {
		return err
	}
	s.done = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) { _ = cmd.Wait(); close(done) }(s.cmd, s.done)
	rdb := redis.NewClient(&redis.Options{Addr: s.Addr(), MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	defer rdb.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		err := rdb.Ping(ctx).Err()
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-s.done:
			return fmt.Errorf("redis-server exited at start (port %d taken?)", s.port)
		default:
		}
		if time.Now().After(deadline) {
			s.kill()
			return fmt.Errorf("redis-server did not answer PING within 10s: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Addr is the server's host:port.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// URL is the server's redis:// URL.
func (s *Server) URL() string { return "redis://" + s.Addr() + "/0" }

// Client returns a client for the server with ContextTimeoutEnabled (so deadlines and
// cancellation reach the socket), closed when the test ends.
func (s *Server) Client(tb testing.TB) *redis.Client {
	c := redis.NewClient(Options(s.Addr()))
	tb.Cleanup(func() { _ = c.Close() })
	return c
}

// Options are the client options tests use: context deadlines honoured, short dial and read
// timeouts so a stopped server is noticed quickly, no command retries.
func Options(addr string) *redis.Options {
	return &redis.Options{
		Addr: addr, ContextTimeoutEnabled: true, MaxRetries: -1,
		DialTimeout: 500 * time.Millisecond, ReadTimeout: time.Second, WriteTimeout: time.Second,
	}
}

// Stop stops the server (SIGTERM, then SIGKILL after 5s) and waits for it to exit. Stopping a
// stopped server does nothing.
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGCONT) // a paused server cannot handle SIGTERM
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		s.kill()
	}
	s.cmd = nil
}

func (s *Server) kill() {
	_ = s.cmd.Process.Kill()
	<-s.done
}

// Restart starts the server again on the same port (with an empty data set) after Stop.
func (s *Server) Restart() {
	s.tb.Helper()
	if s.cmd != nil {
		s.tb.Fatal("redistest: Restart of a running server")
	}
	if err := s.launch(); err != nil {
		s.tb.Fatalf("restarting redis-server: %v", err)
	}
}

// Pause freezes the server (SIGSTOP): connections stay open but nothing is answered, which is
// how a Redis that is overloaded or cut off looks to its clients. Resume undoes it.
func (s *Server) Pause() { _ = s.cmd.Process.Signal(syscall.SIGSTOP) }

// Resume lets a paused server go on.
func (s *Server) Resume() { _ = s.cmd.Process.Signal(syscall.SIGCONT) }
