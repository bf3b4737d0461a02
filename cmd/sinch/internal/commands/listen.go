package commands

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/relaykit/sinch-go/hmac"
	"github.com/relaykit/sinch-go/hmac/callback"
	"github.com/relaykit/sinch-go/hmac/webhook"
)

func init() { register(func(a *app) []*cobra.Command { return []*cobra.Command{a.listenCommand()} }) }

// webhookSecretEnv is where `sinch listen` reads the webhook secret when --secret is absent.
const webhookSecretEnv = "SINCH_WEBHOOK_SECRET"

func (a *app) listenCommand() *cobra.Command {
	var secrets []string
	var addr string
	var maxBody int64
	var tolerance time.Duration
	var unsigned bool
	cmd := &cobra.Command{
		Use:   "listen",
		Short: "Receive callbacks locally: verify each one and print one line per event",
		Long: `listen serves a webhook receiver built on the hmac/webhook handler. Each callback's signature
is checked against --secret (or ` + webhookSecretEnv + `; repeat --secret during a rotation), its
body parsed and deduplicated, and one line printed per event (or one JSON object per line with
--json). Requests are answered as the handler answers them: 200 accepted, 401 bad or missing
signature (or a timestamp outside --tolerance), 400 a body that does not parse, 413 a body
larger than --max-body, 405 a method other than POST. Refusals are reported on stderr.
It runs until interrupted.`,
		Example: `  sinch listen --secret s3cret --addr 127.0.0.1:8080
  sinch listen --secret s3cret --json | jq .status`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(secrets) == 0 {
				if s := a.env.Getenv(webhookSecretEnv); s != "" {
					secrets = []string{s}
				}
			}
			var mu sync.Mutex
			show := func(ev callback.Event) {
				s := summarizeEvent(ev, time.Now())
				mu.Lock()
				defer mu.Unlock()
				if a.json {
					s.Event = ev.RawJSON()
					_ = a.printJSONLine(s)
					return
				}
				a.printf("%s\n", s.line())
			}
			opts := []webhook.Option{
				webhook.WithMaxBodyBytes(maxBody),
				webhook.WithLogger(slog.New(reasonRecorder{})),
				webhook.OnAny(func(_ context.Context, ev callback.Event) error { show(ev); return nil }),
			}
			switch {
			case unsigned && len(secrets) > 0:
				return usagef("give --secret or --unsigned, not both")
			case unsigned:
				opts = append(opts, webhook.WithoutSignatureVerification())
			case len(secrets) == 0:
				return usagef("missing webhook secret: set %s or pass --secret (or --unsigned for a webhook without one)", webhookSecretEnv)
			default:
				v, err := hmac.NewVerifier(secrets, hmac.WithTolerance(tolerance))
				if err != nil {
					return usagef("--secret: %v", err)
				}
				opts = append(opts, webhook.WithVerifier(v))
			}
			h, err := webhook.New(opts...)
			if err != nil {
				return err
			}
			return a.serve(cmd.Context(), addr, refusals(a, h), "listening for callbacks on http://%s/")
		},
	}
	cmd.Flags().StringSliceVar(&secrets, "secret", nil, "webhook secret(s) to verify signatures with (env "+webhookSecretEnv+")")
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	cmd.Flags().Int64Var(&maxBody, "max-body", webhook.DefaultMaxBodyBytes, "largest body accepted, in bytes")
	cmd.Flags().DurationVar(&tolerance, "tolerance", hmac.DefaultTolerance, "how far a signature's timestamp may be from now")
	cmd.Flags().BoolVar(&unsigned, "unsigned", false, "accept unsigned callbacks (a webhook without a secret)")
	return cmd
}

// printJSONLine writes v as one line of JSON on stdout.
func (a *app) printJSONLine(v any) error {
	b, err := jsonMarshal(v)
	if err != nil {
		return err
	}
	_, err = a.env.Stdout.Write(append(b, '\n'))
	return err
}

// refusals reports on stderr every request the handler does not answer 2xx, with the reason.
func refusals(a *app, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		why := new(refusal)
		h.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), refusalKey{}, why)))
		if rec.status >= 300 {
			line := fmt.Sprintf("refused %s %s from %s: %d %s", r.Method, r.URL.Path, r.RemoteAddr, rec.status, http.StatusText(rec.status))
			if reason := why.explain(rec.status); reason != "" {
				line += ": " + reason
			}
			a.errorf("%s", line)
		}
	})
}

// refusal is where the webhook handler's log record of one request leaves its error text.
type refusal struct {
	mu  sync.Mutex
	err string
}

type refusalKey struct{}

// reasonRecorder is the webhook handler's logger: it keeps the error of each rejected request
// in the request's refusal, for refusals to explain.
type reasonRecorder struct{}

func (reasonRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (reasonRecorder) WithAttrs([]slog.Attr) slog.Handler       { return reasonRecorder{} }
func (reasonRecorder) WithGroup(string) slog.Handler            { return reasonRecorder{} }

func (reasonRecorder) Handle(ctx context.Context, rec slog.Record) error {
	why, _ := ctx.Value(refusalKey{}).(*refusal)
	if why == nil {
		return nil
	}
	rec.Attrs(func(at slog.Attr) bool {
		if at.Key == "error" {
			why.mu.Lock()
			why.err = at.Value.String()
			why.mu.Unlock()
			return false
		}
		return true
	})
	return nil
}

// explain says in words why a callback was refused, and what to check.
func (r *refusal) explain(status int) string {
	r.mu.Lock()
	msg := r.err
	r.mu.Unlock()
	has := func(e error) bool { return strings.Contains(msg, e.Error()) }
	switch {
	case has(hmac.ErrMissingHeader):
		return "no signature (" + strings.TrimPrefix(msg, hmac.ErrMissingHeader.Error()+": ") + " header missing): an unsigned sender? Give the webhook a secret, or run listen with --unsigned"
	case has(hmac.ErrInvalidSignature):
		return "bad signature: the secret differs from the webhook's (--secret, " + webhookSecretEnv + ") or the body was changed on the way"
	case has(hmac.ErrTooOld):
		return "stale timestamp (" + strings.TrimPrefix(msg, hmac.ErrTooOld.Error()+": ") + "): a replay, a callback held up, or a clock that is off; widen --tolerance if needed"
	case has(hmac.ErrTooNew):
		return "timestamp in the future (" + strings.TrimPrefix(msg, hmac.ErrTooNew.Error()+": ") + "): the sender's or this machine's clock is off"
	case has(hmac.ErrInvalidTimestamp):
		return "the timestamp header is not Unix seconds"
	case has(hmac.ErrUnsupportedAlgorithm):
		return "unsupported signature algorithm (Sinch signs with HmacSHA256)"
	case status == http.StatusRequestEntityTooLarge:
		return "body larger than --max-body"
	case status == http.StatusMethodNotAllowed:
		return "callbacks are POSTed"
	case status == http.StatusBadRequest:
		return "the body is not a Sinch callback (JSON with a known envelope)"
	}
	return msg
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (s *statusRecorder) WriteHeader(code int) {
	if !s.wrote {
		s.status, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	s.wrote = true
	return s.ResponseWriter.Write(b)
}

// serve runs h on addr until ctx ends, announcing the address on stderr with banner.
func (a *app) serve(ctx context.Context, addr string, h http.Handler, banner string) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute} // a slow sender is cut off
	a.errorf(banner, ln.Addr().String())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

// errorf writes a line on stderr (serialised with other writers of the run).
func (a *app) errorf(format string, args ...any) {
	a.errMu.Lock()
	defer a.errMu.Unlock()
	fmt.Fprintf(a.env.Stderr, "sinch: "+format+"\n", args...)
}
