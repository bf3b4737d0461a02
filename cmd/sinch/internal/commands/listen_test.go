package commands

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/relaykit/sinch-go/cmd/sinch/internal/samples"
	"github.com/relaykit/sinch-go/hmac"
)

var listeningRe = regexp.MustCompile(`http://(127\.0\.0\.1:\d+)/`)

// startListen runs `sinch listen` in the background and returns its URL, its output buffers
// and a stop function that waits for its exit status.
func startListen(t *testing.T, env map[string]string, args ...string) (string, *syncBuffer, *syncBuffer, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, append([]string{"listen", "--addr", "127.0.0.1:0"}, args...), Env{
			Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }})
	}()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if m := listeningRe.FindStringSubmatch(errb.String()); m != nil {
			stop := func() int { cancel(); return <-done }
			t.Cleanup(func() { cancel() })
			return "http://" + m[1] + "/", &out, &errb, stop
		}
		select {
		case code := <-done:
			t.Fatalf("listen exited %d: %s", code, errb.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("listen did not start: %s", errb.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func post(t *testing.T, url string, body []byte, header http.Header) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestListenVerifiesAndPrints(t *testing.T) {
	url, out, errb, stop := startListen(t, nil, "--secret", "s3cret", "--max-body", "4096")
	body, _ := samples.Body("MESSAGE_INBOUND", "APP1", "P1", time.Now())
	now := time.Now()

	if code := post(t, url, body, hmac.Headers("s3cret", body, now)); code != 200 {
		t.Fatalf("signed: %d", code)
	}
	// The same callback again (a retry): accepted, printed once.
	if code := post(t, url, body, hmac.Headers("s3cret", body, now)); code != 200 {
		t.Fatalf("duplicate: %d", code)
	}
	tampered := bytes.Replace(body, []byte("delivery"), []byte("DELIVERY"), 1)
	if code := post(t, url, tampered, hmac.Headers("s3cret", body, now)); code != 401 {
		t.Errorf("tampered: %d, want 401", code)
	}
	if code := post(t, url, body, hmac.Headers("other", body, now)); code != 401 {
		t.Errorf("wrong secret: %d, want 401", code)
	}
	if code := post(t, url, body, hmac.Headers("s3cret", body, now.Add(-time.Hour))); code != 401 {
		t.Errorf("stale: %d, want 401", code)
	}
	if code := post(t, url, body, nil); code != 401 {
		t.Errorf("unsigned: %d, want 401", code)
	}
	big := append([]byte(`{"app_id":"`), bytes.Repeat([]byte("x"), 5000)...)
	big = append(big, `"}`...)
	if code := post(t, url, big, hmac.Headers("s3cret", big, now)); code != 413 {
		t.Errorf("oversized: %d, want 413", code)
	}
	notJSON := []byte("not json")
	if code := post(t, url, notJSON, hmac.Headers("s3cret", notJSON, now)); code != 400 {
		t.Errorf("bad body: %d, want 400", code)
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 {
		t.Errorf("GET: %d, want 405", resp.StatusCode)
	}
	if code := stop(); code != 0 {
		t.Errorf("listen exit %d: %s", code, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("want one event line, got %q", out.String())
	}
	for _, want := range []string{"MESSAGE_INBOUND", "message=01HZX7A1B3D5F7H9K1M3P5R7T9", "channel=SMS", "app=APP1", "delivery address"} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("line %q lacks %q", lines[0], want)
		}
	}
	for _, want := range []string{"401", "413", "400", "405"} {
		if !strings.Contains(errb.String(), "refused") || !strings.Contains(errb.String(), want) {
			t.Errorf("stderr does not report the %s refusal: %s", want, errb.String())
		}
	}
	if strings.Contains(errb.String(), "s3cret") {
		t.Error("the secret appears on stderr")
	}
}

func TestListenJSONLines(t *testing.T) {
	url, out, _, stop := startListen(t, map[string]string{webhookSecretEnv: "envsecret"}, "--json")
	for _, trig := range []string{"MESSAGE_DELIVERY", "MESSAGE_SUBMIT"} {
		body, _ := samples.Body(trig, "APP1", "P1", time.Now())
		if code := post(t, url, body, hmac.Headers("envsecret", body, time.Now())); code != 200 {
			t.Fatalf("%s: %d", trig, code)
		}
	}
	stop()
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 lines, got %q", out.String())
	}
	var first eventSummary
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if first.Trigger != "MESSAGE_DELIVERY" || first.Status == "" || first.MessageID == "" || len(first.Event) == 0 {
		t.Errorf("first line %+v", first)
	}
}

func TestListenNeedsASecret(t *testing.T) {
	fails(t, nil, 2, []string{webhookSecretEnv, "--secret"}, "listen", "--addr", "127.0.0.1:0")
	fails(t, nil, 2, []string{"not both"}, "listen", "--addr", "127.0.0.1:0", "--secret", "x", "--unsigned")
}

func TestListenUnsigned(t *testing.T) {
	url, out, _, stop := startListen(t, nil, "--unsigned")
	body, _ := samples.Body("OPT_IN", "APP1", "P1", time.Now())
	if code := post(t, url, body, nil); code != 200 {
		t.Fatalf("unsigned callback to --unsigned: %d", code)
	}
	stop()
	if !strings.Contains(out.String(), "OPT_IN") {
		t.Errorf("output %q", out.String())
	}
}
