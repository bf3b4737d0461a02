package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
)

// apiError is an answer in Sinch's error shape:
// {"error": {"code": 404, "message": "...", "status": "NOT_FOUND"}}.
type apiError struct {
	Code    int    // HTTP status
	Status  string // canonical status name
	Message string
	// Challenge, when set, is sent as the WWW-Authenticate header of a 401.
	Challenge string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.Code, e.Status, e.Message) }

func errInvalid(format string, args ...any) *apiError {
	return &apiError{Code: http.StatusBadRequest, Status: "INVALID_ARGUMENT", Message: fmt.Sprintf(format, args...)}
}

func errNotFound(format string, args ...any) *apiError {
	return &apiError{Code: http.StatusNotFound, Status: "NOT_FOUND", Message: fmt.Sprintf(format, args...)}
}

func errUnauthenticated(msg string) *apiError {
	return &apiError{Code: http.StatusUnauthorized, Status: "UNAUTHENTICATED", Message: msg}
}

func errForbidden(msg string) *apiError {
	return &apiError{Code: http.StatusForbidden, Status: "PERMISSION_DENIED", Message: msg}
}

func errFailedPrecondition(format string, args ...any) *apiError {
	return &apiError{Code: http.StatusBadRequest, Status: "FAILED_PRECONDITION", Message: fmt.Sprintf(format, args...)}
}

// writeError answers err in Sinch's error shape; errors that are not *apiError become a 500
// with a generic message (their text is not shown, it may hold internal details).
func writeError(w http.ResponseWriter, err error) {
	ae, ok := err.(*apiError)
	if !ok {
		ae = &apiError{Code: http.StatusInternalServerError, Status: "INTERNAL", Message: "internal emulator error"}
	}
	if ae.Challenge != "" {
		w.Header().Set("WWW-Authenticate", ae.Challenge)
	}
	writeJSON(w, ae.Code, map[string]any{"error": map[string]any{
		"code":    ae.Code,
		"message": ae.Message,
		"status":  ae.Status,
	}})
}

// writeJSON answers v as JSON with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var b []byte
	if a, ok := v.(jsonAppender); ok {
		buf := answerBuffers.Get().(*[]byte)
		b = a.appendJSON((*buf)[:0])
		defer func() { // Write does not keep b (io.Writer's contract)
			if cap(b) <= 4<<10 {
				*buf = b
				answerBuffers.Put(buf)
			}
		}()
	} else {
		var err error
		if b, err = json.Marshal(v); err != nil {
			status = http.StatusInternalServerError
			b = []byte(`{"error":{"code":500,"message":"could not encode the answer","status":"INTERNAL"}}`)
		}
	}
	// The header's value is shared by every answer, as nothing changes a header value in
	// place (Header.Set and Header.Add replace or grow the slice): Set would allocate one.
	w.Header()[contentTypeKey] = jsonContentType
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// contentTypeKey and jsonContentType are the Content-Type header of JSON answers.
var (
	contentTypeKey  = http.CanonicalHeaderKey("Content-Type")
	jsonContentType = []string{"application/json"}
)

// answerBuffers pools the buffers answers are written into by their appendJSON.
var answerBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

// jsonAppender is an answer that writes its JSON itself, without reflection: byte for byte
// what json.Marshal gives for it. It is for the answers of the operations load tests call.
type jsonAppender interface {
	appendJSON(b []byte) []byte
}

// appendJSON appends the answer of messages:send as json.Marshal writes it (its fields in
// their order, strings escaped as encoding/json escapes them).
// TestSendAnswerJSONIsEncodingJSON holds the two equal.
func (a sendAnswer) appendJSON(b []byte) []byte {
	b = append(b, `{"accepted_time":`...)
	b = appendJSONString(b, a.AcceptedTime)
	b = append(b, `,"message_id":`...)
	b = appendJSONString(b, a.MessageID)
	return append(b, '}')
}
