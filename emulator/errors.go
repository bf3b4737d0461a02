package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
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
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"error":{"code":500,"message":"could not encode the answer","status":"INTERNAL"}}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
