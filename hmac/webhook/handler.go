package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/relaykit/sinch-go/hmac"
	"github.com/relaykit/sinch-go/hmac/callback"
)

// DefaultMaxBodyBytes is the default body size limit: 1 MiB. Sinch callbacks are a few KB at most
// (an inbound message with a long text, or an unsupported-callback payload passed on from the
// channel), so this leaves ample room while bounding what one request can make the server read.
const DefaultMaxBodyBytes = 1 << 20

// ErrNoVerification: New was given no secret, no verifier, and no explicit
// [WithoutSignatureVerification].
var ErrNoVerification = errors.New("webhook: no secret configured (use WithSecrets, WithVerifier, or WithoutSignatureVerification)")

// Handler is an [http.Handler] for Sinch callbacks. For each request it
//
//   - answers 405 to any method but POST;
//   - reads the body up to the size limit (413 beyond it);
//   - verifies the signature over the raw bytes (401 on failure);
//   - parses the typed event, tolerantly (400 only for a body that is not a JSON object or
//     has no payload key; values of an unexpected type are skipped and logged by path);
//   - claims the event's dedup key: an event already processed is answered 200 without running
//     anything; one being processed by another delivery right now is answered 503 with
//     Retry-After, so that Sinch tries again later instead of losing it; so is every event
//     while the store fails (Claim returns an error), without running anything;
//   - runs the function registered for the trigger (or the catch-all; with neither, nothing);
//   - answers 200 when it returns nil, and 500 when it returns an error, releasing the claim so
//     that Sinch's retry is processed. A panic also releases the claim, then propagates to
//     net/http, which drops the connection (a failed delivery to Sinch).
//
// Nothing from the body is logged. With [WithLogger] it logs the trigger, the dedup key (ids
// only), the outcome, verification errors (which never contain secrets or signatures) and the
// text of errors your functions return (keep message content out of them).
// A Handler is safe for concurrent use and is configured once, by New.
type Handler struct {
	verifier   *hmac.Verifier
	unverified bool
	parse      func([]byte) (callback.Event, error)
	routes     map[callback.Trigger]route
	fallback   func(context.Context, callback.Event) error
	store      DedupStore
	noDedup    bool
	maxBody    int64
	logger     *slog.Logger
	err        error // first configuration error, reported by New
}

// route runs a typed function; ok is false when the event is not of the registered type.
type route func(ctx context.Context, ev callback.Event) (ok bool, err error)

// Option configures a [Handler].
type Option func(*Handler)

// WithSecrets verifies callbacks against these webhook secrets (several during a rotation) with
// the default timestamp tolerance. Use [WithVerifier] for other settings.
func WithSecrets(secrets ...string) Option {
	return func(h *Handler) {
		v, err := hmac.NewVerifier(secrets)
		if err != nil {
			h.fail(err)
			return
		}
		h.verifier = v
	}
}

// WithVerifier verifies callbacks with v (its secrets, tolerance and clock).
func WithVerifier(v *hmac.Verifier) Option {
	return func(h *Handler) {
		if v == nil {
			h.fail(errors.New("webhook: WithVerifier(nil)"))
			return
		}
		h.verifier = v
	}
}

// WithoutSignatureVerification accepts unsigned callbacks, for a webhook registered without a
// secret. Anyone who can reach the endpoint can then post events to it; prefer a secret.
func WithoutSignatureVerification() Option {
	return func(h *Handler) { h.unverified = true }
}

// WithMaxBodyBytes sets the body size limit (default [DefaultMaxBodyBytes]).
func WithMaxBodyBytes(n int64) Option {
	return func(h *Handler) {
		if n <= 0 {
			h.fail(fmt.Errorf("webhook: body limit %d is not positive", n))
			return
		}
		h.maxBody = n
	}
}

// WithDedupStore replaces the default in-memory store, for example with one shared by replicas.
func WithDedupStore(s DedupStore) Option {
	return func(h *Handler) {
		if s == nil {
			h.fail(errors.New("webhook: WithDedupStore(nil); use WithoutDedup to turn deduplication off"))
			return
		}
		h.store = s
	}
}

// WithoutDedup turns deduplication off: every delivery runs the registered function.
func WithoutDedup() Option {
	return func(h *Handler) { h.noDedup = true }
}

// WithLogger logs one record per request (trigger, dedup key, outcome). Nothing from the body
// beyond ids is logged, and no secret.
func WithLogger(l *slog.Logger) Option {
	return func(h *Handler) { h.logger = l }
}

// WithParser replaces [callback.Parse], for example to add event types of your own. The parser
// receives the verified raw body and must not keep a reference to it beyond the returned event.
func WithParser(parse func(raw []byte) (callback.Event, error)) Option {
	return func(h *Handler) {
		if parse == nil {
			h.fail(errors.New("webhook: WithParser(nil)"))
			return
		}
		h.parse = parse
	}
}

// On registers fn for the events of type E, for example
//
//	webhook.On(func(ctx context.Context, ev *callback.MessageInboundEvent) error { ... })
//
// The trigger is taken from E, whose Trigger method must not depend on the receiver (true of
// every type in package callback). At most one function per trigger; [OnAny] catches the rest.
func On[E callback.Event](fn func(ctx context.Context, ev E) error) Option {
	return func(h *Handler) {
		if fn == nil {
			h.fail(errors.New("webhook: On(nil)"))
			return
		}
		var zero E
		t, err := triggerOf(zero)
		if err != nil {
			h.fail(err)
			return
		}
		if _, dup := h.routes[t]; dup {
			h.fail(fmt.Errorf("webhook: two functions registered for trigger %q", t))
			return
		}
		h.routes[t] = func(ctx context.Context, ev callback.Event) (bool, error) {
			e, ok := ev.(E)
			if !ok {
				return false, nil
			}
			return true, fn(ctx, e)
		}
	}
}

func triggerOf(ev callback.Event) (t callback.Trigger, err error) {
	defer func() {
		if recover() != nil {
			err = fmt.Errorf("webhook: On: the Trigger method of %T needs a non-nil receiver", ev)
		}
	}()
	return ev.Trigger(), nil
}

// OnAny registers the catch-all: it runs for every event no [On] function took, including
// [*callback.UnknownEvent].
func OnAny(fn func(ctx context.Context, ev callback.Event) error) Option {
	return func(h *Handler) {
		if fn == nil {
			h.fail(errors.New("webhook: OnAny(nil)"))
			return
		}
		h.fallback = fn
	}
}

func (h *Handler) fail(err error) {
	if h.err == nil {
		h.err = err
	}
}

// New returns a Handler. It needs a secret ([WithSecrets] or [WithVerifier]) unless
// [WithoutSignatureVerification] is given, and reports the first invalid option.
func New(opts ...Option) (*Handler, error) {
	h := &Handler{
		parse:   callback.Parse,
		routes:  make(map[callback.Trigger]route),
		maxBody: DefaultMaxBodyBytes,
	}
	for _, o := range opts {
		if o != nil {
			o(h)
		}
	}
	if h.err != nil {
		return nil, h.err
	}
	if h.verifier == nil && !h.unverified {
		return nil, ErrNoVerification
	}
	if h.verifier != nil && h.unverified {
		return nil, errors.New("webhook: both a secret and WithoutSignatureVerification given")
	}
	if h.store == nil && !h.noDedup {
		h.store = NewMemoryStore()
	}
	if h.noDedup {
		h.store = nil
	}
	return h, nil
}

// ServeHTTP implements [http.Handler].
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		h.reply(w, r, http.StatusMethodNotAllowed, "method not allowed", nil)
		return
	}
	body, status, err := h.readBody(w, r)
	if err != nil {
		h.reply(w, r, status, http.StatusText(status), err)
		return
	}
	if h.verifier != nil {
		if err := h.verifier.Verify(r.Header, body); err != nil {
			h.reply(w, r, http.StatusUnauthorized, "invalid signature", err)
			return
		}
	}
	ev, err := h.parse(body)
	if err != nil || ev == nil {
		// The parse error is not logged: its text could describe the body.
		h.reply(w, r, http.StatusBadRequest, "callback body does not parse", errors.New("body does not parse"))
		return
	}
	key := ev.DedupKey()
	ctx := r.Context()
	if h.store != nil {
		res, err := h.store.Claim(ctx, key)
		switch {
		case err != nil:
			// Without a claim the event is not processed (a store that should let events
			// through when it fails says Claimed instead); 503 makes Sinch retry later.
			w.Header().Set("Retry-After", "5")
			h.replyEvent(w, r, ev, key, http.StatusServiceUnavailable, fmt.Errorf("dedup store: %w", err))
			return
		case res == AlreadyDone:
			h.replyEvent(w, r, ev, key, http.StatusOK, nil, slog.String("outcome", "duplicate"))
			return
		case res == InProgress:
			w.Header().Set("Retry-After", "5")
			h.replyEvent(w, r, ev, key, http.StatusServiceUnavailable, nil, slog.String("outcome", "in_progress"))
			return
		}
	}

	if err := h.run(ctx, ev, key); err != nil {
		h.replyEvent(w, r, ev, key, http.StatusInternalServerError, err)
		return
	}
	if h.store != nil {
		// The event was processed even if the sender has hung up meanwhile: record it regardless
		// of the request's context, or its retry would be processed again.
		if err := h.store.Complete(context.WithoutCancel(ctx), key); err != nil {
			// The event was processed; a retry would process it again, which is the lesser harm.
			h.log(ctx, slog.LevelWarn, "sinch callback: dedup store Complete failed",
				slog.String("trigger", string(ev.Trigger())), slog.String("key", key), slog.String("error", err.Error()))
		}
	}
	h.replyEvent(w, r, ev, key, http.StatusOK, nil, slog.String("outcome", "processed"))
}

// run dispatches ev; on an error or a panic it releases the claim so that a retry is processed.
func (h *Handler) run(ctx context.Context, ev callback.Event, key string) (err error) {
	if h.store != nil {
		defer func() {
			if p := recover(); p != nil {
				_ = h.store.Release(context.WithoutCancel(ctx), key)
				panic(p)
			}
			if err != nil {
				if rerr := h.store.Release(context.WithoutCancel(ctx), key); rerr != nil {
					err = errors.Join(err, fmt.Errorf("dedup store release: %w", rerr))
				}
			}
		}()
	}
	if rt, ok := h.routes[ev.Trigger()]; ok {
		if took, err := rt(ctx, ev); took {
			return err
		}
	}
	if h.fallback != nil {
		return h.fallback(ctx, ev)
	}
	return nil
}

func (h *Handler) readBody(w http.ResponseWriter, r *http.Request) ([]byte, int, error) {
	if r.ContentLength > h.maxBody {
		return nil, http.StatusRequestEntityTooLarge, fmt.Errorf("body of %d bytes exceeds the limit of %d", r.ContentLength, h.maxBody)
	}
	if r.Body == nil { // only a hand-built request; a server's always has a Body
		return nil, 0, nil
	}
	var buf bytes.Buffer
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength) + 1) // +1 so that ReadFrom sees EOF without growing
	}
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, h.maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, http.StatusRequestEntityTooLarge, fmt.Errorf("body exceeds the limit of %d bytes", h.maxBody)
		}
		return nil, http.StatusBadRequest, fmt.Errorf("reading body: %w", err)
	}
	return buf.Bytes(), 0, nil
}

func (h *Handler) reply(w http.ResponseWriter, r *http.Request, status int, msg string, err error) {
	if h.logger != nil {
		attrs := []slog.Attr{slog.Int("status", status), slog.String("method", r.Method)}
		if err != nil {
			attrs = append(attrs, slog.String("error", err.Error()))
		}
		h.log(r.Context(), slog.LevelWarn, "sinch callback rejected", attrs...)
	}
	http.Error(w, msg, status)
}

func (h *Handler) replyEvent(w http.ResponseWriter, r *http.Request, ev callback.Event, key string, status int, err error, extra ...slog.Attr) {
	if h.logger != nil {
		level := slog.LevelInfo
		attrs := append([]slog.Attr{
			slog.Int("status", status),
			slog.String("trigger", string(ev.Trigger())),
			slog.String("key", key),
		}, extra...)
		// Paths of values the tolerant parser skipped (key names only, never values): Sinch
		// sent a shape this SDK does not model; the event was still handled.
		if s, ok := ev.(interface{ Skipped() []string }); ok && len(s.Skipped()) > 0 {
			level = slog.LevelWarn
			attrs = append(attrs, slog.Any("skipped", s.Skipped()))
		}
		if err != nil {
			level = slog.LevelError
			attrs = append(attrs, slog.String("error", err.Error()))
		}
		h.log(r.Context(), level, "sinch callback", attrs...)
	}
	if status == http.StatusOK {
		w.WriteHeader(http.StatusOK)
		return
	}
	text := http.StatusText(status)
	if status == http.StatusInternalServerError {
		text = "callback not processed; retry later"
	}
	http.Error(w, text, status)
}

func (h *Handler) log(ctx context.Context, level slog.Level, msg string, attrs ...slog.Attr) {
	if h.logger != nil {
		h.logger.LogAttrs(ctx, level, msg, attrs...)
	}
}
