package contracttests

// Interoperability with the official Sinch Node.js SDK: interop/node/interop.mjs drives
// @sinch/sdk-core, unchanged, through every Conversation API v1 and Template Management v2
// operation against the emulator, started here in process behind a recording proxy. Each
// operation is a subtest that fails with the SDK's error and the HTTP exchanges it made.
//
// Setup (once): npm ci --prefix contract_tests/interop/node (without it the tests skip, or fail
// when SINCH_INTEROP_REQUIRED is set, as in CI).
// Run: go test ./contract_tests -run TestNodeSDKInterop -v (INTEROP_TRACE=1 also logs every
// exchange of the operations that work).

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/relaykit/sinch-go/emulator"
)

const (
	interopDir       = "interop/node"
	interopProject   = "0f3c9a1e-5b7d-4c2a-9e8f-interop00001"
	interopKeyID     = "7d1f2e3a-interop-key"
	interopKeySecret = "interop-key-secret-not-real"
	interopMarkPath  = "/_interop/mark"
)

// interopLine is one line of the script's output.
type interopLine struct {
	Op     string `json:"op"`
	OK     bool   `json:"ok"`
	Status *int   `json:"status"`
	Error  string `json:"error"`
}

// exchange is one HTTP request the SDK made and the answer it got.
type exchange struct {
	method, uri        string
	reqType, reqBody   string
	status             int
	respType, respBody string
	respAuth           string // WWW-Authenticate of the answer
}

func (e exchange) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "    %s %s", e.method, e.uri)
	if e.reqBody != "" || e.reqType != "" {
		fmt.Fprintf(&b, "\n      request (%s): %s", orNone(e.reqType), orNone(e.reqBody))
	}
	fmt.Fprintf(&b, "\n      answer %d (%s): %s", e.status, orNone(e.respType), orNone(e.respBody))
	if e.status == http.StatusUnauthorized {
		fmt.Fprintf(&b, "\n      WWW-Authenticate: %s", orNone(e.respAuth))
	}
	return b.String()
}

func orNone(s string) string {
	if s == "" {
		return "<none>"
	}
	return s
}

// recorder is a reverse proxy in front of the emulator that remembers every exchange under the
// operation the script last announced on interopMarkPath.
type recorder struct {
	proxy *httputil.ReverseProxy
	mu    sync.Mutex
	op    string
	byOp  map[string][]exchange
}

func newRecorder(target *url.URL) *recorder {
	rec := &recorder{byOp: map[string][]exchange{}}
	rec.proxy = httputil.NewSingleHostReverseProxy(target)
	return rec
}

const interopBodyLimit = 2000

func clip(b []byte) string {
	s := string(bytes.TrimSpace(b))
	if len(s) > interopBodyLimit {
		return s[:interopBodyLimit] + "..."
	}
	return s
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == interopMarkPath {
		rec.mu.Lock()
		rec.op = r.URL.Query().Get("op")
		rec.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
		return
	}
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	cw := &capture{ResponseWriter: w, status: http.StatusOK}
	rec.proxy.ServeHTTP(cw, r)
	ex := exchange{
		method:   r.Method,
		uri:      r.URL.RequestURI(),
		reqType:  r.Header.Get("Content-Type"),
		status:   cw.status,
		respType: cw.Header().Get("Content-Type"),
		respBody: clip(cw.body.Bytes()),
		respAuth: cw.Header().Get("WWW-Authenticate"),
	}
	if r.URL.Path == "/oauth2/token" {
		ex.reqBody = "<token request>" // carries the grant only; the key is in the header
		ex.respBody = "<token>"
	} else {
		ex.reqBody = clip(body)
	}
	rec.mu.Lock()
	rec.byOp[rec.op] = append(rec.byOp[rec.op], ex)
	rec.mu.Unlock()
}

func (rec *recorder) exchanges(op string) []exchange {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]exchange(nil), rec.byOp[op]...)
}

// capture keeps a copy of the answer written through it.
type capture struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (c *capture) WriteHeader(code int) {
	c.status = code
	c.ResponseWriter.WriteHeader(code)
}

func (c *capture) Write(b []byte) (int, error) {
	c.body.Write(b)
	return c.ResponseWriter.Write(b)
}

// nodeRun is the outcome of one run of the script.
type nodeRun struct {
	lines  []interopLine
	stderr string
	recs   []*recorder
}

// exchanges returns the HTTP exchanges recorded for op.
func (nr *nodeRun) exchanges(op string) []exchange {
	var all []exchange
	for _, rec := range nr.recs {
		all = append(all, rec.exchanges(op)...)
	}
	return all
}

// runNode starts an emulator with cfg (credentials and project pinned here), puts recording
// proxies in front of it, runs the script with env added, and parses its result lines. It skips
// the test when the Node SDK is not installed.
func runNode(t *testing.T, cfg emulator.Config, env ...string) *nodeRun {
	t.Helper()
	script, err := filepath.Abs(filepath.Join(interopDir, "interop.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	// CI sets SINCH_INTEROP_REQUIRED, so that a missing SDK fails there instead of skipping.
	cannotRun := t.Skip
	if os.Getenv("SINCH_INTEROP_REQUIRED") != "" {
		cannotRun = t.Fatal
	}
	if _, err := os.Stat(filepath.Join(interopDir, "node_modules", "@sinch", "sdk-core")); err != nil {
		cannotRun("the official Node SDK is not installed: run `npm ci --prefix contract_tests/interop/node` (from the repository root)")
	}
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		cannotRun("node is not on PATH: install Node.js 18 or later, then run `npm ci --prefix contract_tests/interop/node`")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	// The webhook the script registers: it answers every callback 200.
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(hook.Close)

	cfg.Credentials = []emulator.Credential{{KeyID: interopKeyID, KeySecret: interopKeySecret}}
	cfg.Projects = []string{interopProject}
	if cfg.RateLimit == 0 {
		cfg.RateLimit = emulator.RateLimitOff
	}
	srv, err := emulator.Start(ctx, cfg)
	if err != nil {
		t.Fatalf("start emulator: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })

	// One recording proxy per distinct emulator origin (today the three URLs share one).
	nr := &nodeRun{}
	proxied := map[string]string{}
	proxyOf := func(raw string) string {
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			t.Fatalf("emulator URL %q: %v", raw, err)
		}
		origin := u.Scheme + "://" + u.Host
		p, ok := proxied[origin]
		if !ok {
			rec := newRecorder(&url.URL{Scheme: u.Scheme, Host: u.Host})
			ps := httptest.NewServer(rec)
			t.Cleanup(ps.Close)
			nr.recs = append(nr.recs, rec)
			p = ps.URL
			proxied[origin] = p
		}
		return p + strings.TrimSuffix(u.Path, "/")
	}
	convURL := proxyOf(srv.ConversationURL())
	tmplURL := proxyOf(srv.TemplateURL())
	authURL := proxyOf(srv.AuthURL())

	cmd := exec.CommandContext(ctx, nodeBin, script)
	cmd.Env = append(os.Environ(),
		"SINCH_PROJECT_ID="+interopProject,
		"SINCH_KEY_ID="+interopKeyID,
		"SINCH_KEY_SECRET="+interopKeySecret,
		"SINCH_CONVERSATION_HOSTNAME="+convURL,
		"SINCH_TEMPLATES_HOSTNAME="+tmplURL,
		"SINCH_AUTH_HOSTNAME="+authURL,
		"INTEROP_WEBHOOK_URL="+hook.URL+"/sinch/callbacks",
		"INTEROP_MARK_URL="+convURL+interopMarkPath,
	)
	cmd.Env = append(cmd.Env, env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, runErr := cmd.Output()
	nr.stderr = stderr.String()
	if runErr != nil {
		t.Fatalf("node %s: %v\nstderr:\n%s\nstdout:\n%s", script, runErr, nr.stderr, out)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		raw := bytes.TrimSpace(sc.Bytes())
		if len(raw) == 0 {
			continue
		}
		var l interopLine
		if err := json.Unmarshal(raw, &l); err != nil || l.Op == "" {
			t.Fatalf("script printed a line that is not an operation result: %q (%v)", raw, err)
		}
		nr.lines = append(nr.lines, l)
	}
	return nr
}

// report makes one subtest per result line, failing with the SDK's error and the exchanges of
// the operation; with INTEROP_TRACE set it logs the exchanges of every operation. It returns
// how many operations worked.
func (nr *nodeRun) report(t *testing.T) int {
	t.Helper()
	trace := os.Getenv("INTEROP_TRACE") != ""
	okCount := 0
	for _, l := range nr.lines {
		if l.OK {
			okCount++
		}
		t.Run(l.Op, func(t *testing.T) {
			if trace {
				for _, e := range nr.exchanges(l.Op) {
					t.Log("\n" + e.String())
				}
			}
			if l.OK {
				return
			}
			status := "no status"
			if l.Status != nil {
				status = fmt.Sprintf("status %d", *l.Status)
			}
			var ex []string
			for _, e := range nr.exchanges(l.Op) {
				ex = append(ex, e.String())
			}
			if len(ex) == 0 {
				ex = append(ex, "    (no HTTP exchange)")
			}
			t.Errorf("%s through the official Node SDK failed (%s): %s\n  exchanges:\n%s",
				l.Op, status, l.Error, strings.Join(ex, "\n"))
		})
	}
	return okCount
}

// TestNodeSDKInterop runs the official Node SDK against the emulator and reports each of the
// 51 operations as a subtest.
func TestNodeSDKInterop(t *testing.T) {
	t.Parallel() // each test has its own emulator and node process; two of them mostly wait
	nr := runNode(t, emulator.Config{})

	// The script must cover exactly the operations of the two specs, each once.
	want := map[string]bool{}
	for op := range conversationOps {
		want[op] = true
	}
	for op := range templatesOps {
		want[op] = true
	}
	seen := map[string]bool{}
	for _, l := range nr.lines {
		if seen[l.Op] {
			t.Errorf("operation %s reported twice", l.Op)
		}
		seen[l.Op] = true
		if !want[l.Op] {
			t.Errorf("operation %s is not an operation of conversation.yaml or templates.yaml", l.Op)
		}
	}
	var missing []string
	for op := range want {
		if !seen[op] {
			missing = append(missing, op)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("operations the script did not report: %s\nstderr:\n%s", strings.Join(missing, ", "), nr.stderr)
	}

	okCount := nr.report(t)
	t.Logf("%d of %d operations work through the official Node SDK", okCount, len(nr.lines))
}

// TestNodeSDKInteropTokenExpiry checks that the Node SDK recovers when its access token
// expires: it fetches a new one only when a 401 answer says so in WWW-Authenticate (it looks
// for "expired"; the Java, Python and .NET SDKs do the same), or when the token is a JWT whose
// exp claim has passed.
func TestNodeSDKInteropTokenExpiry(t *testing.T) {
	t.Parallel()
	const ttl = 2 * time.Second // long enough that the first call, made right after the token fetch, never sees it expire
	nr := runNode(t, emulator.Config{TokenTTL: ttl},
		"INTEROP_SCENARIO=token-expiry",
		fmt.Sprintf("INTEROP_WAIT_MS=%d", (ttl+500*time.Millisecond).Milliseconds()))
	got := map[string]bool{}
	for _, l := range nr.lines {
		got[l.Op] = true
	}
	for _, op := range []string{"listApps", "listAppsAfterTokenExpiry"} {
		if !got[op] {
			t.Errorf("the script did not report %s\nstderr:\n%s", op, nr.stderr)
		}
	}
	nr.report(t)
}

// TestNodeSDKInteropCallbacks checks the emulator's callbacks with the Node SDK's own callback
// tools: the script hosts the webhook, registers it through the SDK, sends a message, and
// verifies every callback's HMAC signature (ConversationCallbackWebhooks) and the trigger the
// SDK's parseEvent finds in it.
func TestNodeSDKInteropCallbacks(t *testing.T) {
	t.Parallel()
	nr := runNode(t, emulator.Config{}, "INTEROP_SCENARIO=callbacks", "INTEROP_WAIT_MS=10000")
	got := map[string]bool{}
	for _, l := range nr.lines {
		got[l.Op] = true
	}
	for _, op := range []string{"callback:MESSAGE_SUBMIT", "callback:MESSAGE_DELIVERY", "callback:CONTACT_CREATE", "callback:CONVERSATION_START", "callback:DELIVERED"} {
		if !got[op] {
			t.Errorf("the script did not report %s\nstderr:\n%s", op, nr.stderr)
		}
	}
	nr.report(t)
}
