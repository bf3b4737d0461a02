package emulator

import (
	"net/http"
	"time"
)

// Info is the answer of GET /_emulator/info: where each region's APIs are served.
type Info struct {
	// Regions maps us, eu and br to the base URLs of their Conversation, Template and Batch
	// APIs.
	Regions map[string]RegionInfo `json:"regions"`
	// DefaultRegion is the region the un-prefixed URLs serve.
	DefaultRegion string `json:"default_region"`
	// TokenURL is the OAuth2 token endpoint (the same for every region).
	TokenURL string `json:"token_url"`
	// ControlURL is the base URL of the control endpoints.
	ControlURL string `json:"control_url"`
}

// Info tells where each region's APIs are served.
func (s *Server) Info() Info {
	in := Info{Regions: map[string]RegionInfo{}, DefaultRegion: s.cfg.DefaultRegion, TokenURL: s.TokenURL(), ControlURL: s.ControlURL()}
	for _, r := range Regions {
		c, t, b, _ := s.RegionURLs(r)
		in.Regions[r] = RegionInfo{ConversationURL: c, TemplateURL: t, BatchURL: b}
	}
	return in
}

// controlInfo is GET /_emulator/info.
func (s *Server) controlInfo(w http.ResponseWriter, r *http.Request) {
	in := s.Info()
	if s.convURL == "" {
		// Served through ConversationHandler inside a server of the caller's: the URLs are
		// those of this request's host.
		base := "http://" + r.Host
		in.TokenURL, in.ControlURL = base+"/oauth2/token", base+"/_emulator"
		for _, reg := range Regions {
			in.Regions[reg] = RegionInfo{ConversationURL: base + "/" + reg, TemplateURL: base + "/" + reg}
		}
	}
	writeJSON(w, http.StatusOK, in)
}

// clockAnswer is the answer of the clock endpoints.
type clockAnswer struct {
	Now string `json:"now"`
}

// controlClock is GET /_emulator/clock: {"now": RFC 3339 time}.
func (s *Server) controlClock(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, clockAnswer{Now: rfc3339(s.Now())})
}

// controlAdvance is POST /_emulator/clock/advance with {"duration": "25h"} (a Go duration:
// "90s", "1h30m"); it answers the new time as GET /_emulator/clock does.
func (s *Server) controlAdvance(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Duration string `json:"duration"`
	}
	if err := readControl(w, r, &in); err != nil {
		writeError(w, err)
		return
	}
	d, err := time.ParseDuration(in.Duration)
	if err != nil || d <= 0 {
		writeError(w, errInvalid(`duration must be a positive Go duration such as "25h" or "90s", got %s`, quoteID(in.Duration)))
		return
	}
	now, err := s.Advance(d)
	if err != nil {
		writeError(w, errInvalid("%v", err))
		return
	}
	writeJSON(w, http.StatusOK, clockAnswer{Now: rfc3339(now)})
}

// controlMessage is GET /_emulator/messages/{message_id}[?project_id=]: the MessageTrace.
func (s *Server) controlMessage(w http.ResponseWriter, r *http.Request) {
	id := pathParam(r, "message_id")
	t, ok := s.MessageTrace(r.URL.Query().Get("project_id"), id)
	if !ok {
		writeError(w, errNotFound("the emulator has no trace of message %s (only app messages it accepted, the most recent Config.MaxStored)", quoteID(id)))
		return
	}
	writeJSON(w, http.StatusOK, t)
}
