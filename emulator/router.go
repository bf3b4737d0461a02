package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-chi/chi/v5"
	"golang.org/x/time/rate"
)

// maxBodyBytes bounds request bodies.
const maxBodyBytes = 8 << 20

// call is one API request on its way through a handler.
type call struct {
	s         *Server
	w         http.ResponseWriter
	r         *http.Request
	projectID string
	proj      *project
	body      doc
	// raw is the request body as validated, for decoding into a generated type. Its memory is
	// reused once the request is answered: whatever outlives the handler must be a copy (as
	// json.Unmarshal makes, json.RawMessage fields included).
	raw  []byte
	opID string
	q    url.Values // the parsed query, on first use
	// region is the region of the URL the request was made to; route holds the path
	// parameters chi found. Both are given by the router (see withRegions), not read from the
	// request's context: a request served directly carries neither there.
	region string
	route  *chi.Context
	*outbox
}

// callFrame holds a call and its outbox in one allocation.
type callFrame struct {
	call
	outbox outbox
}

// pathParams gives the path parameters of a request: those chi found (route), or m when it is
// set (for callers that have no router).
type pathParams struct {
	route *chi.Context
	m     map[string]string
}

// get returns one parameter, unescaped; "" when the path has none of that name.
func (p pathParams) get(name string) string {
	if p.m != nil {
		return p.m[name]
	}
	return routeParam(p.route, name)
}

// all returns the parameters as kin-openapi wants them, built on each call.
func (p pathParams) all() map[string]string {
	if p.m != nil {
		return p.m
	}
	params := map[string]string{}
	if p.route != nil {
		for _, k := range p.route.URLParams.Keys {
			params[k] = routeParam(p.route, k)
		}
	}
	return params
}

// requestBody is a reusable buffer holding a request body while its request is served, and
// the reader the request's Body is set to.
type requestBody struct {
	buf []byte
	rd  bytes.Reader
}

// requestBodies pools requestBody values.
var requestBodies = sync.Pool{New: func() any { return new(requestBody) }}

// Read reads the body.
func (b *requestBody) Read(p []byte) (int, error) { return b.rd.Read(p) }

// Close does nothing: the buffer is released by the request's server, once it is answered.
func (b *requestBody) Close() error { return nil }

// release returns b to the pool.
func (b *requestBody) release() {
	b.rd.Reset(nil)
	if cap(b.buf) <= maxPooledBody {
		b.buf = b.buf[:0]
		requestBodies.Put(b)
	}
}

// readBody reads r's body, of at most maxBodyBytes. A body that says its length, up to
// maxPooledBody, is read into a pooled buffer, returned as pooled: the caller releases it when
// the request has been answered. Any other body is read as io.ReadAll would, through
// http.MaxBytesReader, which also has the connection closed after an over-long body.
func readBody(w http.ResponseWriter, r *http.Request) (raw []byte, pooled *requestBody, err error) {
	if r.Body == nil || r.ContentLength < 0 || r.ContentLength > maxPooledBody {
		raw, err = io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
		return raw, nil, err
	}
	b := requestBodies.Get().(*requestBody)
	if n := int(r.ContentLength) + 1; cap(b.buf) < n { // +1: room to see the end of the body
		b.buf = make([]byte, 0, max(n, 512))
	}
	buf := b.buf[:0]
	for {
		n, err := r.Body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			b.buf = buf
			return buf, b, nil
		}
		if err != nil {
			b.release()
			return nil, nil, err
		}
		if len(buf) == cap(buf) {
			// Longer than its Content-Length said (possible only for a request made by hand):
			// read the rest as any other body, within the same bound.
			rest, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes-int64(len(buf))))
			raw = append(append([]byte(nil), buf...), rest...)
			b.release()
			if err != nil {
				return nil, nil, err
			}
			return raw, nil, nil
		}
	}
}

// param returns a path parameter, unescaped (chi gives the escaped form when the path has
// escapes, as in /consents/identities/%2B4670...).
func (c *call) param(name string) string { return routeParam(c.route, name) }

// pathParam returns a path parameter of a request chi routed (its routing context is in the
// request's context), unescaped.
func pathParam(r *http.Request, name string) string {
	return routeParam(chi.RouteContext(r.Context()), name)
}

// routeParam returns a path parameter chi found, unescaped; "" without a routing context.
func routeParam(rctx *chi.Context, name string) string {
	if rctx == nil {
		return ""
	}
	v := rctx.URLParam(name)
	if u, err := url.PathUnescape(v); err == nil {
		return u
	}
	return v
}

// query returns a query parameter.
func (c *call) query(name string) string {
	if c.r.URL.RawQuery == "" {
		return "" // nothing to parse (url.Values would be an empty map, allocated all the same)
	}
	if c.q == nil {
		c.q = c.r.URL.Query()
	}
	return c.q.Get(name)
}

// identityQuery returns the query parameter name, keeping a literal '+' as '+'. Some clients
// (the official Node SDK among them) put phone numbers such as +15551234567 in the query
// unencoded; form decoding would turn the '+' into a space and the filter would match nothing.
// A channel identity never contains a space, so reading the raw value is always right here.
func identityQuery(r *http.Request, name string) string {
	for _, pair := range strings.Split(r.URL.RawQuery, "&") {
		k, v, _ := strings.Cut(pair, "=")
		if key, err := url.QueryUnescape(k); err != nil || key != name {
			continue
		}
		if raw, err := url.PathUnescape(v); err == nil {
			return raw
		}
		break
	}
	return r.URL.Query().Get(name)
}

// handlerFunc answers one operation: its result is sent as JSON with status 200.
type handlerFunc func(c *call) (any, error)

// op is one operation the emulator serves.
type op struct {
	method, path, id string
	h                handlerFunc
	// prepare, when set, may rewrite the raw request body before validation, to accept what
	// official SDKs send where it differs from the reference.
	prepare func(c *call, raw []byte) []byte
}

// ConversationHandler returns the handler of the Conversation listener: the Conversation API
// v1, the Template Management API v2, the token endpoint and the control endpoints.
func (s *Server) ConversationHandler() http.Handler {
	return s.withRegions(s.conversationRouter())
}

// conversationRouter builds the router of ConversationHandler, and its operations by route.
func (s *Server) conversationRouter() (*chi.Mux, map[opKey]*opRoute) {
	r := chi.NewRouter()
	r.Post("/oauth2/token", s.handleToken)
	s.mountControl(r)
	r.Get("/", inboxPage(s))
	direct := map[opKey]*opRoute{}
	s.mountOps(r, s.conversationOps(), s.convIx, direct)
	s.mountOps(r, s.templateOps(), s.convIx, direct)
	r.NotFound(noOperation)
	r.MethodNotAllowed(noOperation)
	return r, direct
}

// BatchHandler returns the handler of the Batch listener: the Batch API and the token
// endpoint.
func (s *Server) BatchHandler() http.Handler {
	return s.withRegions(s.batchRouter())
}

// batchRouter builds the router of BatchHandler, and its operations by route.
func (s *Server) batchRouter() (*chi.Mux, map[opKey]*opRoute) {
	r := chi.NewRouter()
	r.Post("/oauth2/token", s.handleToken)
	direct := map[opKey]*opRoute{}
	s.mountOps(r, s.batchOps(), s.batchIx, direct)
	r.NotFound(noOperation)
	r.MethodNotAllowed(noOperation)
	return r, direct
}

// noOperation answers unknown routes, and known paths with another method, 404 in Sinch's
// error shape, as the API does.
func noOperation(w http.ResponseWriter, r *http.Request) {
	writeError(w, errNotFound("no operation at %s %s", r.Method, quoteID(r.URL.Path)))
}

// opKey names an operation's route: its method and chi's pattern, its path template.
type opKey struct{ method, pattern string }

// mountOps registers ops on r, and in direct by method and path template, for withRegions to
// serve them without chi's request handling.
func (s *Server) mountOps(r chi.Router, ops []op, ix *specIndex, direct map[opKey]*opRoute) {
	for _, o := range ops {
		var v *requestValidator
		if route := ix.find(o.method, o.path); route != nil {
			v = newRequestValidator(route, ix.checkers)
			v.rules = s.rules.compile(v.schema)
		} else if ix != nil {
			s.log.Debug("operation not in the specification; served without validation", "op", o.id)
		}
		h := &opRoute{s: s, o: o, v: v}
		r.Method(o.method, o.path, h)
		direct[opKey{o.method, o.path}] = h
	}
}

// opRoute serves one operation: in order, fault injection, authentication, the rate limit,
// request validation, JSON decoding and the operation's handler.
type opRoute struct {
	s *Server
	o op
	v *requestValidator
}

// ServeHTTP serves a request chi routed: the region and the routing context are in its
// context.
func (h *opRoute) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.serve(w, r, regionOf(r.Context()), chi.RouteContext(r.Context()))
}

// serve serves a request made to region's URL, whose path parameters are in rctx.
func (h *opRoute) serve(w http.ResponseWriter, r *http.Request, region string, rctx *chi.Context) {
	s := h.s
	debug := s.log.Enabled(r.Context(), slog.LevelDebug)
	var start time.Time
	if debug {
		start = time.Now()
	}
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v) // a dropped-connection fault
			}
			// A bug in the emulator: answer in the API's shape rather than drop the connection.
			s.log.Error("emulator handler panicked", "op", h.o.id, "panic", fmt.Sprint(v))
			writeError(w, errors.New("panic"))
		}
	}()
	status := s.serveCall(h.o, h.v, w, r, region, rctx)
	if debug { // the arguments cost allocations even when not logged
		s.log.Debug("request", "op", h.o.id, "method", r.Method, "path", r.URL.Path, "status", status, "duration", time.Since(start))
	}
}

// serveCall answers one request of operation o made to region's URL, whose path parameters
// chi found in rctx, and returns the answer's status (0 when the client went away first).
func (s *Server) serveCall(o op, v *requestValidator, w http.ResponseWriter, r *http.Request, region string, rctx *chi.Context) int {
	if !s.faults.delay(r.Context()) {
		return 0 // the client went away (or the server closed) during the injected latency
	}
	if fault := s.faults.pick(); fault != faultNone {
		if done, status := s.faults.apply(fault, w); done {
			return status
		}
	}
	if err := s.authenticate(r); err != nil {
		writeError(w, err)
		return err.(*apiError).Code
	}
	projectID := routeParam(rctx, "project_id")
	if len(s.cfg.Projects) > 0 && !contains(s.cfg.Projects, projectID) {
		writeError(w, errForbidden("this emulator serves only its pinned projects"))
		return http.StatusForbidden
	}
	if ok, retry := s.limits.allow(projectID); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(retry))
		err := &apiError{Code: http.StatusTooManyRequests, Status: "RESOURCE_EXHAUSTED", Message: "the project's request rate limit was exceeded"}
		writeError(w, err)
		return err.Code
	}
	raw, pooled, err := readBody(w, r)
	if err != nil {
		writeError(w, errInvalid("request body could not be read (at most %d bytes)", maxBodyBytes))
		return http.StatusBadRequest
	}
	if pooled != nil {
		defer pooled.release()
	}
	frame := &callFrame{call: call{s: s, w: w, r: r, projectID: projectID, opID: o.id, region: region, route: rctx}}
	c := &frame.call
	if o.prepare != nil {
		raw = o.prepare(c, raw)
	}
	c.raw = raw
	if pooled != nil {
		pooled.rd.Reset(raw)
		r.Body = pooled
	} else {
		r.Body = io.NopCloser(bytes.NewReader(raw))
	}
	if len(raw) > 0 && r.Header.Get("Content-Type") == "" {
		// Lenient like the API: a JSON body without a Content-Type is still JSON.
		r.Header.Set("Content-Type", "application/json")
	}
	if v != nil {
		if s.checkResponse != nil {
			rec := &recordingWriter{ResponseWriter: w}
			w, c.w = rec, rec
			defer func() {
				s.checkResponse(v.route, r, pathParams{route: rctx}.all(), rec.status, rec.Header(), rec.body.Bytes())
			}()
		}
		body, err := v.validate(r.Context(), r, pathParams{route: rctx}, raw)
		if err != nil {
			writeError(w, err)
			return http.StatusBadRequest
		}
		c.body, _ = body.(map[string]any)
		if c.body != nil && v.rules != nil {
			if err := v.rules.check(c.body); err != nil {
				writeError(w, err)
				return http.StatusBadRequest
			}
		}
	}
	if c.body == nil && len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, &c.body); err != nil {
			writeError(w, errInvalid("request body is not a JSON object"))
			return http.StatusBadRequest
		}
	}
	c.proj = s.store.in(region, projectID)
	frame.outbox = outbox{s: s, projectID: projectID, proj: c.proj}
	c.outbox = &frame.outbox
	var res any
	err = s.checkRegion(c)
	if err == nil {
		res, err = o.h(c)
	}
	if err == nil {
		res = s.afterRegion(c, o.id, res)
	}
	c.flush()
	if r.Method != http.MethodGet {
		s.changed() // the inbox shows the new state
	}
	if err != nil {
		err = s.withRegionHint(c, err)
		writeError(w, err)
		if ae, ok := err.(*apiError); ok {
			return ae.Code
		}
		return http.StatusInternalServerError
	}
	if res == nil {
		res = map[string]any{}
	}
	writeJSON(w, http.StatusOK, res)
	return http.StatusOK
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// rateLimits keeps one token bucket per project.
type rateLimits struct {
	perSecond int
	mu        sync.Mutex
	buckets   map[string]*rate.Limiter
}

func newRateLimits(perSecond int) *rateLimits {
	return &rateLimits{perSecond: perSecond, buckets: map[string]*rate.Limiter{}}
}

// allow reports whether a request of the project may go on; if not, it also gives the
// number of seconds to put in Retry-After.
func (l *rateLimits) allow(projectID string) (bool, int) {
	if l.perSecond <= 0 {
		return true, 0
	}
	l.mu.Lock()
	b, ok := l.buckets[projectID]
	if !ok {
		if len(l.buckets) >= maxIdleLimiters {
			// Forget the projects whose bucket is full again: a full bucket behaves exactly
			// like a new one, so the map stays bounded when clients use many project ids.
			now := time.Now()
			for k, x := range l.buckets {
				if x.TokensAt(now) >= float64(x.Burst()) {
					delete(l.buckets, k)
				}
			}
		}
		b = rate.NewLimiter(rate.Limit(l.perSecond), l.perSecond)
		l.buckets[projectID] = b
	}
	l.mu.Unlock()
	if b.Allow() {
		return true, 0
	}
	return false, 1
}

type fault int

const (
	faultNone fault = iota
	fault429
	fault503
	faultDrop
)

// faultInjector draws the faults of Config.Faults, or of the last Server.SetFaults.
type faultInjector struct {
	cur atomic.Pointer[Faults]
}

func newFaultInjector(cfg Faults) *faultInjector {
	f := &faultInjector{}
	f.cur.Store(&cfg)
	return f
}

// get returns the faults in force.
func (f *faultInjector) get() Faults { return *f.cur.Load() }

// delay waits Faults.Latency, or until ctx is done; it reports whether the request should go
// on. A request whose client has gone, or whose connection Close has cut, does not hold its
// goroutine for the rest of the latency.
func (f *faultInjector) delay(ctx context.Context) bool {
	lat := f.cur.Load().Latency
	if lat <= 0 {
		return true
	}
	return sleepCtx(ctx, lat)
}

// pick draws the fault of one request, if any.
func (f *faultInjector) pick() fault {
	cfg := f.cur.Load()
	if cfg.Rate429 == 0 && cfg.Rate503 == 0 && cfg.DropRate == 0 {
		return faultNone
	}
	x := rand.Float64()
	switch {
	case x < cfg.Rate429:
		return fault429
	case x < cfg.Rate429+cfg.Rate503:
		return fault503
	case x < cfg.Rate429+cfg.Rate503+cfg.DropRate:
		return faultDrop
	}
	return faultNone
}

// apply answers the fault; done is false when the request must go on.
func (f *faultInjector) apply(ft fault, w http.ResponseWriter) (done bool, status int) {
	switch ft {
	case fault429:
		w.Header().Set("Retry-After", "1")
		writeError(w, &apiError{Code: http.StatusTooManyRequests, Status: "RESOURCE_EXHAUSTED", Message: "injected fault: rate limited"})
		return true, http.StatusTooManyRequests
	case fault503:
		writeError(w, &apiError{Code: http.StatusServiceUnavailable, Status: "UNAVAILABLE", Message: "injected fault: service unavailable"})
		return true, http.StatusServiceUnavailable
	case faultDrop:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return true, 0
			}
		}
		panic(http.ErrAbortHandler) // closes the connection (HTTP/2 streams are reset)
	}
	return false, 0
}

// slogErrorLog routes net/http's internal error log to the logger.
func slogErrorLog(l *slog.Logger) *log.Logger {
	return slog.NewLogLogger(l.Handler(), slog.LevelWarn)
}

// splitMask reads an update mask from the query: update_mask or update_mask.paths, either
// repeated or comma-joined (both forms are sent by the official SDKs).
func splitMask(r *http.Request) []string {
	q := r.URL.Query()
	var out []string
	for _, key := range []string{"update_mask", "update_mask.paths"} {
		for _, v := range q[key] {
			for _, p := range strings.Split(v, ",") {
				if p = strings.TrimSpace(p); p != "" {
					out = append(out, p)
				}
			}
		}
	}
	return out
}

// recordingWriter keeps a copy of an answer, for the response checks of the tests.
type recordingWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (w *recordingWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

func (w *recordingWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.body.Write(b)
	return w.ResponseWriter.Write(b)
}
