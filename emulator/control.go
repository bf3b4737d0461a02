package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"
)

// mountControl serves the control endpoints under /_emulator. They need no authentication:
// the emulator is a local test tool.
func (s *Server) mountControl(r chi.Router) {
	r.Route("/_emulator", func(r chi.Router) {
		r.Post("/projects/{project_id}/inbound/messages", s.controlInboundMessage)
		r.Post("/projects/{project_id}/inbound/events", s.controlInboundEvent)
		r.Get("/callbacks", s.controlCallbacks)
		r.Post("/reset", s.controlReset)
		r.Get("/info", s.controlInfo)
		r.Get("/clock", s.controlClock)
		r.Post("/clock/advance", s.controlAdvance)
		r.Get("/messages/{message_id}", s.controlMessage)
		s.mountInboxControl(r)
	})
}

// readControl decodes a control request body into v.
func readControl(w http.ResponseWriter, r *http.Request, v any) error {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		return errInvalid("request body could not be read")
	}
	if err := json.Unmarshal(b, v); err != nil {
		return errInvalid("request body is not valid JSON: %v", err)
	}
	return nil
}

// controlInboundMessage is POST /_emulator/projects/{project_id}/inbound/messages with a body
// {"app_id": ..., "channel": "SMS", "identity": "+1555...", "contact_message": {...},
// "metadata": "..."}; it answers {"message_id": ...}.
func (s *Server) controlInboundMessage(w http.ResponseWriter, r *http.Request) {
	var in InboundMessage
	if err := readControl(w, r, &in); err != nil {
		writeError(w, err)
		return
	}
	in.ProjectID = chi.URLParam(r, "project_id")
	id, err := s.InjectInbound(r.Context(), in)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"message_id": id})
}

// controlInboundEvent is POST /_emulator/projects/{project_id}/inbound/events with a body
// {"app_id": ..., "channel": ..., "identity": ..., "contact_event": {...}}; it answers
// {"event_id": ...}.
func (s *Server) controlInboundEvent(w http.ResponseWriter, r *http.Request) {
	var in InboundEvent
	if err := readControl(w, r, &in); err != nil {
		writeError(w, err)
		return
	}
	in.ProjectID = chi.URLParam(r, "project_id")
	id, err := s.InjectInboundEvent(r.Context(), in)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"event_id": id})
}

// controlCallbacks is GET /_emulator/callbacks[?project_id=&app_id=&webhook_id=&trigger=&limit=];
// it answers {"callbacks": [CallbackRecord...]}, oldest first; limit keeps only the newest.
func (s *Server) controlCallbacks(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	recs := s.Callbacks(CallbackFilter{ProjectID: q.Get("project_id"), AppID: q.Get("app_id"), WebhookID: q.Get("webhook_id"), Trigger: q.Get("trigger")})
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeError(w, errInvalid("limit must be a whole number of 1 or more"))
			return
		}
		recs = recs[max(0, len(recs)-n):]
	}
	if recs == nil {
		recs = []CallbackRecord{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"callbacks": recs})
}

// controlReset is POST /_emulator/reset.
func (s *Server) controlReset(w http.ResponseWriter, r *http.Request) {
	s.Reset()
	writeJSON(w, http.StatusOK, map[string]any{})
}

// Reset forgets every project's state and the callback history. Callbacks already queued
// are still delivered.
func (s *Server) Reset() {
	s.store.reset()
	s.cb.reset()
	s.windows.reset()
	s.traces.reset()
	s.ingress.reset()
	s.regions.reset()
	s.sched.mu.Lock()
	clear(s.sched.due)
	s.sched.mu.Unlock()
	s.feed.reset()
}
