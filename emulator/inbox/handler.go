package inbox

import (
	"embed"
	"encoding/json"
	"io/fs"
	"net/http"
	"strings"
	"time"
)

//go:embed static
var staticFiles embed.FS

// Paths the inbox serves.
const (
	// PagePath is the page.
	PagePath = "/"
	// Prefix is where the inbox's own endpoints live, under the emulator's control prefix.
	Prefix = "/_emulator/inbox"
	// StatePath answers the State as JSON.
	StatePath = Prefix + "/state"
	// EventsPath streams server-sent events: an "change" event after each change.
	EventsPath = Prefix + "/events"
	// StaticPath serves the page's scripts and styles.
	StaticPath = Prefix + "/static/"
)

// throttle is the shortest time between two change events on one stream: a burst of
// changes (a batch of 1,000 messages) reaches the page as a few refreshes, not 1,000.
const throttle = 150 * time.Millisecond

// heartbeat keeps idle streams alive through proxies and lets the page notice a dead
// emulator.
const heartbeat = 15 * time.Second

// Handler serves the page at PagePath, its assets under StaticPath, the view model at
// StatePath and live changes at EventsPath. Other paths answer 404.
func Handler(src Source) http.Handler {
	sub, _ := fs.Sub(staticFiles, "static")
	h := &handler{src: src, assets: http.StripPrefix(StaticPath, http.FileServerFS(sub))}
	return h
}

type handler struct {
	src    Source
	assets http.Handler
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hd.Set("Allow", "GET, HEAD")
		http.Error(w, "the inbox answers GET only", http.StatusMethodNotAllowed)
		return
	}
	switch p := r.URL.Path; {
	case p == PagePath:
		// Media URLs in messages are the user's own, so images may come from anywhere;
		// scripts, styles and requests only from the emulator.
		hd.Set("Content-Security-Policy", "default-src 'self'; img-src * data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
		hd.Set("Cache-Control", "no-store")
		http.ServeFileFS(w, r, staticFiles, "static/index.html")
	case p == StatePath:
		hd.Set("Cache-Control", "no-store")
		hd.Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(h.src.State())
	case p == EventsPath:
		h.events(w, r)
	case strings.HasPrefix(p, StaticPath) && p != StaticPath:
		hd.Set("Cache-Control", "no-cache")
		h.assets.ServeHTTP(w, r)
	default:
		http.NotFound(w, r)
	}
}

// events streams an event named "change" after each change of the source, at most one
// every throttle, and a comment every heartbeat. It ends when the client goes or the
// source closes its channel (the emulator is stopping).
func (h *handler) events(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming is not supported by this server", http.StatusInternalServerError)
		return
	}
	changes, cancel := h.src.Subscribe()
	defer cancel()
	hd := w.Header()
	hd.Set("Content-Type", "text/event-stream")
	hd.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	// retry tells EventSource how soon to reconnect; the first event makes the page load
	// the state, so that nothing that happened before the stream opened is missed.
	if _, err := w.Write([]byte("retry: 1000\n\nevent: change\ndata: open\n\n")); err != nil {
		return
	}
	fl.Flush()
	beat := time.NewTicker(heartbeat)
	defer beat.Stop()
	ctx := r.Context()
	for {
		select {
		case <-ctx.Done():
			return
		case <-beat.C:
			if _, err := w.Write([]byte(": heartbeat\n\n")); err != nil {
				return
			}
		case _, ok := <-changes:
			if !ok {
				return
			}
			if _, err := w.Write([]byte("event: change\ndata: changed\n\n")); err != nil {
				return
			}
			fl.Flush()
			t := time.NewTimer(throttle)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
			continue
		}
		fl.Flush()
	}
}
