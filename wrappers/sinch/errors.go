package sinch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/oauth2"

	"github.com/relaykit/sinch-go/wrappers/internal/retry"
)

// Sentinel errors matched by an *APIError's status with errors.Is.
var (
	ErrBadRequest   = errors.New("sinch: bad request")  // 400
	ErrUnauthorized = errors.New("sinch: unauthorized") // 401
	ErrForbidden    = errors.New("sinch: forbidden")    // 403
	ErrNotFound     = errors.New("sinch: not found")    // 404
	ErrRateLimited  = errors.New("sinch: rate limited") // 429
	ErrServer       = errors.New("sinch: server error") // 5xx
)

// APIError is a non-2xx answer from a Sinch API. Find it with errors.As; match common cases with
// errors.Is against ErrNotFound, ErrUnauthorized, ErrRateLimited... or with IsNotFound etc.
// Neither Error nor LogValue includes credentials or the raw body.
type APIError struct {
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// Code, Message, Status and Details come from the answer's {"error": {...}} body when it has
	// one: Sinch's numeric code, explanation, canonical status (e.g. NOT_FOUND) and details.
	Code    int
	Message string
	Status  string
	Details []map[string]any
	// RequestID is the X-Request-ID (or X-Correlation-ID) answer header, if any: quote it to
	// Sinch support.
	RequestID string
	// RetryAfter is the wait the server asked for (Retry-After), if any.
	RetryAfter time.Duration
	// Method and Path identify the request (the path includes the project id, never a secret;
	// the query string is left out).
	Method string
	Path   string
	// Body is the raw answer body (at most 1 MiB).
	Body []byte

	region Region
}

// maxErrorBody bounds how much of an error answer is kept.
const maxErrorBody = 1 << 20

// newAPIError reads resp's body (restoring it for later readers) and decodes Sinch's error shape.
func newAPIError(req *http.Request, resp *http.Response, region Region) *APIError {
	e := &APIError{StatusCode: resp.StatusCode, Method: req.Method, Path: req.URL.Path, region: region}
	if resp.Body != nil {
		e.Body, _ = io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		_ = resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(e.Body))
	}
	e.RequestID = resp.Header.Get("X-Request-Id")
	if e.RequestID == "" {
		e.RequestID = resp.Header.Get("X-Correlation-Id")
	}
	if d, ok := retry.RetryAfter(resp.Header, time.Now()); ok {
		e.RetryAfter = d
	}
	var body struct {
		Error *struct {
			Code    int              `json:"code"`
			Message string           `json:"message"`
			Status  string           `json:"status"`
			Details []map[string]any `json:"details"`
		} `json:"error"`
	}
	if json.Unmarshal(e.Body, &body) == nil && body.Error != nil {
		e.Code, e.Message, e.Status, e.Details = body.Error.Code, body.Error.Message, body.Error.Status, body.Error.Details
	}
	return e
}

// Error describes the failure in one line, with a hint for 401 and 404.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "sinch: %s %s: HTTP %d", e.Method, e.Path, e.StatusCode)
	if e.Status != "" {
		b.WriteString(" " + oneLine(e.Status))
	} else if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteString(" " + t)
	}
	if e.Message != "" {
		b.WriteString(": " + oneLine(e.Message))
	}
	if e.RequestID != "" {
		b.WriteString(" (request id " + oneLine(e.RequestID) + ")")
	}
	switch e.StatusCode {
	case http.StatusNotFound:
		if e.region != "" {
			fmt.Fprintf(&b, "; check that the resource exists and that the app's region is the client's (%s)", e.region)
		} else {
			b.WriteString("; check that the resource exists and that the base URL's region is the app's")
		}
	case http.StatusUnauthorized:
		b.WriteString("; check the access key id and secret (or token) and that the key belongs to this project")
	}
	return b.String()
}

// oneLine replaces control characters (line breaks included) in text from the answer with
// spaces, so that an error's text stays on one line and cannot forge log lines.
func oneLine(s string) string {
	if !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

// Is makes errors.Is(err, ErrNotFound) and the other sentinels match by status.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrBadRequest:
		return e.StatusCode == http.StatusBadRequest
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrServer:
		return e.StatusCode >= 500
	}
	return false
}

// LogValue gives slog the error's fields, without the body.
func (e *APIError) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Int("status_code", e.StatusCode),
		slog.String("status", e.Status),
		slog.Int("code", e.Code),
		slog.String("message", e.Message),
		slog.String("method", e.Method),
		slog.String("path", e.Path),
		slog.String("request_id", e.RequestID),
	)
}

// IsNotFound reports whether err is a 404 answer (often a region mismatch).
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// IsUnauthorized reports whether err is a 401 answer (bad or expired credentials).
func IsUnauthorized(err error) bool { return errors.Is(err, ErrUnauthorized) }

// IsRateLimited reports whether err is a 429 answer that retries did not overcome.
func IsRateLimited(err error) bool { return errors.Is(err, ErrRateLimited) }

// UnexpectedResponseError is a 2xx answer the client could not decode into the expected type
// (for example a proxy's HTML page): the call's outcome is unknown rather than silently empty.
type UnexpectedResponseError struct {
	StatusCode  int
	ContentType string
	Body        []byte
}

// Error describes the answer without its body.
func (e *UnexpectedResponseError) Error() string {
	return fmt.Sprintf("sinch: unexpected answer: HTTP %d with Content-Type %q and no JSON body of the expected type", e.StatusCode, e.ContentType)
}

// AuthError is a failure to obtain an OAuth2 token from the token endpoint. errors.Is matches
// ErrUnauthorized for rejected credentials (400 or 401 from the endpoint) and ErrRateLimited for
// its 429 (the client has already backed off and retried), and ErrNotSent (the API request was
// not sent); Unwrap gives the underlying
// *oauth2.RetrieveError or network error.
type AuthError struct {
	// StatusCode is the token endpoint's HTTP status, 0 when no answer came.
	StatusCode int
	// Code is the OAuth2 error code (for example "invalid_client"), if any.
	Code string
	err  error
}

func newAuthError(err error) *AuthError {
	e := &AuthError{err: err}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		e.Code = re.ErrorCode
		if re.Response != nil {
			e.StatusCode = re.Response.StatusCode
		}
	}
	return e
}

// Error describes the failure without the endpoint's answer body or any credential.
func (e *AuthError) Error() string {
	switch {
	case e.StatusCode == http.StatusBadRequest || e.StatusCode == http.StatusUnauthorized:
		s := fmt.Sprintf("sinch: the token endpoint rejected the credentials (HTTP %d", e.StatusCode)
		if e.Code != "" {
			s += " " + e.Code
		}
		return s + "); check the access key id and secret"
	case e.StatusCode != 0:
		return fmt.Sprintf("sinch: obtaining an OAuth2 token: HTTP %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	}
	return "sinch: obtaining an OAuth2 token: " + e.err.Error()
}

// Unwrap returns the underlying error.
func (e *AuthError) Unwrap() error { return e.err }

// Is matches ErrUnauthorized and ErrRateLimited by the token endpoint's status.
func (e *AuthError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.StatusCode == http.StatusBadRequest || e.StatusCode == http.StatusUnauthorized
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrNotSent:
		return true // no API request is sent without a token
	}
	return false
}

// Sentinels that tell what happened to a request that got no answer; match them with errors.Is
// on a *TransportError.
var (
	// ErrMaybeSent: the request was handed to the network and no answer came (the connection
	// dropped after the request was written, or the call timed out while waiting). Sinch may
	// have accepted it: for a messages:send or a batch send, sending again may deliver the
	// message twice. Reconcile first, for example from the MESSAGE_SUBMIT or
	// MESSAGE_DELIVERY callbacks that carry the request's correlation_id
	// (TransportError.CorrelationID), or by listing the contact's messages.
	ErrMaybeSent = errors.New("sinch: the request may have reached Sinch")
	// ErrNotSent: the request certainly did not reach Sinch (the connection could not be made,
	// or the call ended before the request was handed to the network). Sending it again is safe.
	ErrNotSent = errors.New("sinch: the request was not sent")
)

// TransportError is a call that got no answer from Sinch. errors.Is tells ErrMaybeSent from
// ErrNotSent; Unwrap gives the underlying network or context error (so errors.Is(err,
// context.DeadlineExceeded) works too).
type TransportError struct {
	// Method and Path identify the request (no query string, no secret).
	Method string
	Path   string
	// MaybeSent reports whether the request may have reached Sinch (see ErrMaybeSent).
	MaybeSent bool
	// CorrelationID is the request's correlation_id, when it had one: the callbacks about a
	// message that was in fact accepted carry it.
	CorrelationID string
	err           error
}

// Error describes the failure and what it means for the request.
func (e *TransportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "sinch: %s %s: %v", e.Method, e.Path, e.err)
	if e.MaybeSent {
		b.WriteString("; the request may have reached Sinch: check before sending it again")
		if e.CorrelationID != "" {
			b.WriteString(" (its correlation_id is " + strconv.Quote(e.CorrelationID) + ")")
		}
	} else {
		b.WriteString("; the request was not sent")
	}
	return b.String()
}

// Unwrap returns the network or context error.
func (e *TransportError) Unwrap() error { return e.err }

// Is matches ErrMaybeSent or ErrNotSent.
func (e *TransportError) Is(target error) bool {
	switch target {
	case ErrMaybeSent:
		return e.MaybeSent
	case ErrNotSent:
		return !e.MaybeSent
	}
	return false
}

// LogValue gives slog the error's fields.
func (e *TransportError) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("method", e.Method),
		slog.String("path", e.Path),
		slog.Bool("maybe_sent", e.MaybeSent),
		slog.String("correlation_id", e.CorrelationID),
		slog.String("error", e.err.Error()),
	)
}

// correlationID finds a top-level CorrelationID field (string or *string) in a request body, for
// a TransportError. It runs only when a call has failed.
func correlationID(in any) string {
	v := reflect.ValueOf(in)
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return ""
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return ""
	}
	f := v.FieldByName("CorrelationID")
	if f.Kind() == reflect.Pointer && !f.IsNil() {
		f = f.Elem()
	}
	if f.Kind() == reflect.String {
		return f.String()
	}
	return ""
}
