package emulator

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/go-chi/chi/v5"

	"github.com/relaykit/sinch-go/gen/conversation"
)

// Regions. The Conversation, Template and Batch APIs are each served per region (us, eu, br:
// https://developers.sinch.com/docs/conversation/api-reference/conversation, "Base URL"), and an
// app lives in the region where it was created: the same request on another region's URL
// answers 404 (the same page: the base URL must match the app's region, and a mismatch fails;
// a 404 is the first thing to check for it). The emulator serves each region under a path
// prefix of its listeners (http://127.0.0.1:8787/eu/v1/projects/...); the un-prefixed URLs
// serve Config.DefaultRegion.
//
// Each region keeps its own data: the store holds a project once per region (store.in), so a
// message, conversation, event or webhook of an EU app, a contact, template, consent list,
// batch or project setting made on the EU URL is found there only; elsewhere its id is 404
// and lists leave it out. The docs make an app's data follow its app (the page above), and
// say contacts belong to the project and are shared by its apps
// (https://developers.sinch.com/docs/conversation/conversation-contacts); they say nothing of a
// contact being visible from another region's URL. Each regional URL is a deployment of its
// own, so we keep contacts, templates and settings per region too: a test that creates them
// on one region's URL and reads them on another's fails here as it would against separate
// regional deployments.

// Regions are the regions the emulator serves, in the order GET /_emulator/info lists them.
var Regions = []string{"us", "eu", "br"}

// DefaultRegion is the region the un-prefixed URLs serve unless Config.DefaultRegion says
// otherwise.
const DefaultRegion = "us"

type regionKey struct{}

// regionOf is the region a request was made to.
func regionOf(ctx context.Context) string {
	if rc, ok := ctx.(*requestContext); ok { // the request's own context: no chain to walk
		return rc.region
	}
	if r, ok := ctx.Value(regionKey{}).(string); ok {
		return r
	}
	return ""
}

// requestContext is the context withRegions gives a request: it holds the request's region
// and the chi routing context together, so that one context and one shallow copy of the
// request carry both. (chi's Mux would otherwise add its routing context with a second
// context.WithValue and a second copy of the request; it uses a routing context already in
// the request's context as one from a parent router.)
type requestContext struct {
	context.Context
	region string
	route  *chi.Context
}

// Value answers the region and the routing context, and asks the parent for other keys.
func (c *requestContext) Value(key any) any {
	switch key {
	case regionKey{}:
		return c.region
	case chi.RouteCtxKey:
		return c.route
	}
	return c.Context.Value(key)
}

// routeContexts pools chi routing contexts, as chi's Mux does: one is reset and reused once
// the request that used it has been answered.
var routeContexts = sync.Pool{New: func() any { return chi.NewRouteContext() }}

// withRegions routes /{region}/... to mux with the prefix removed and the region in the
// request's context; other paths go to mux in the default region.
//
// The operations of direct (those mountOps registered on mux, by method and path template)
// are served without chi's request handling when mux has no middleware: chi's Find matches the
// path, with the routing tree and rules chi's own routing uses, and fills the routing context
// with the path parameters, which the operation gets along with the region. The request is not
// copied to carry them in its context, and chi does not copy its path parameters into the
// request (Request.SetPathValue), which nothing here reads. Everything else, and a request
// whose method the path does not take, goes through mux.
func (s *Server) withRegions(mux *chi.Mux, direct map[opKey]*opRoute) http.Handler {
	if len(mux.Middlewares()) > 0 {
		direct = nil // chi alone knows how to run them
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		region := s.cfg.DefaultRegion
		var u *url.URL // the URL without the region prefix, when it has one
		for _, reg := range Regions {
			if rest, ok := strings.CutPrefix(r.URL.Path, "/"+reg+"/"); ok {
				region = reg
				u = new(url.URL)
				*u = *r.URL
				u.Path = "/" + rest
				u.RawPath = ""
				if r.URL.RawPath != "" {
					u.RawPath = "/" + strings.TrimPrefix(r.URL.RawPath, "/"+reg+"/")
				}
				break
			}
		}
		rctx := routeContexts.Get().(*chi.Context)
		defer routeContexts.Put(rctx)
		rctx.Reset()
		rctx.Routes = mux
		if direct != nil {
			uu := r.URL
			if u != nil {
				uu = u
			}
			if h := direct[opKey{r.Method, mux.Find(rctx, r.Method, routePath(uu))}]; h != nil {
				if u != nil {
					r = r.WithContext(r.Context()) // a copy, whose URL is changed below
					r.URL = u
				}
				rctx.RouteMethod = r.Method
				h.serve(w, r, region, rctx)
				return
			}
			rctx.Reset() // Find has filled it; chi starts afresh
			rctx.Routes = mux
		}
		r = r.WithContext(&requestContext{Context: r.Context(), region: region, route: rctx})
		if u != nil {
			r.URL = u
		}
		mux.ServeHTTP(w, r)
	})
}

// routePath is the path chi routes a request by: the escaped form when the URL has one.
func routePath(u *url.URL) string {
	switch {
	case u.RawPath != "":
		return u.RawPath
	case u.Path != "":
		return u.Path
	}
	return "/"
}

// appRegions remembers the region of every app.
type appRegions struct {
	mu sync.Mutex
	of map[appKey]string // project/app → region (a key that costs no allocation to build)
}

func (a *appRegions) set(projectID, appID, region string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.of == nil {
		a.of = map[appKey]string{}
	}
	a.of[appKey{projectID, appID}] = region
}

func (a *appRegions) get(projectID, appID string) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.of[appKey{projectID, appID}]
}

func (a *appRegions) forget(projectID, appID string) {
	a.mu.Lock()
	delete(a.of, appKey{projectID, appID})
	a.mu.Unlock()
}

func (a *appRegions) reset() {
	a.mu.Lock()
	clear(a.of)
	a.mu.Unlock()
}

// checkRegion answers 404, as for an app that does not exist, when the request names an app
// (path, query or body app_id) that lives in another region than the URL's.
func (s *Server) checkRegion(c *call) error {
	region := c.region
	if region == "" {
		return nil
	}
	for _, id := range []string{c.param("app_id"), c.query("app_id"), str(c.body, "app_id")} {
		if id == "" {
			continue
		}
		if home := s.regions.get(c.projectID, id); home != "" && home != region {
			return errNotFound("app %s not found in region %s (it was created in region %s: use that region's URL)", quoteID(id), region, home)
		}
	}
	return nil
}

// regionalIDs tells, for each path parameter naming a resource, whether a project holds it.
var regionalIDs = map[string]func(p *project, id string) bool{
	"message_id":      func(p *project, id string) bool { _, ok := p.messages.get(id); return ok },
	"event_id":        func(p *project, id string) bool { _, ok := p.events.get(id); return ok },
	"conversation_id": func(p *project, id string) bool { _, ok := p.conversations.get(id); return ok },
	"contact_id":      func(p *project, id string) bool { _, ok := p.contacts.get(id); return ok },
	"destination_id":  func(p *project, id string) bool { _, ok := p.contacts.get(id); return ok },
	"webhook_id":      func(p *project, id string) bool { _, ok := p.webhooks.get(id); return ok },
	"template_id":     func(p *project, id string) bool { _, ok := p.templates.get(id); return ok },
	"batch_id":        func(p *project, id string) bool { _, ok := p.batches.get(id); return ok },
}

// withRegionHint adds to a 404 about a resource of the path the region that holds it, when
// another region does, as the 404 of an app in another region says (the API answers a plain
// 404; the hint is the emulator's, to make the region mismatch plain). The caller holds no
// project lock.
func (s *Server) withRegionHint(c *call, err error) error {
	ae, ok := err.(*apiError)
	if !ok || ae.Code != http.StatusNotFound {
		return err
	}
	region := c.region
	for param, has := range regionalIDs {
		id := c.param(param)
		if id == "" {
			continue
		}
		for _, other := range s.store.elsewhere(region, c.projectID) {
			other.mu.Lock()
			found := has(other, id)
			other.mu.Unlock()
			if found {
				hinted := *ae
				hinted.Message = fmt.Sprintf("%s in region %s (it is in region %s: use that region's URL)", ae.Message, region, other.region)
				return &hinted
			}
		}
	}
	return err
}

// afterRegion keeps the region bookkeeping of the app operations: a created app lives in the
// request's region, a deleted one is forgotten. (Listing needs nothing: each region has its
// own store.)
func (s *Server) afterRegion(c *call, opID string, res any) any {
	region := c.region
	if region == "" {
		return res
	}
	switch opID {
	case "createApp":
		if a, ok := res.(conversation.App); ok {
			s.regions.set(c.projectID, a.ID, region)
		}
	case "deleteApp":
		s.regions.forget(c.projectID, c.param("app_id"))
	}
	return res
}

// RegionInfo holds the base URLs of one region.
type RegionInfo struct {
	ConversationURL string `json:"conversation_url"`
	TemplateURL     string `json:"template_url"`
	BatchURL        string `json:"batch_url"`
}

// RegionURLs gives the base URLs of a region's Conversation, Template and Batch APIs on this
// emulator (region is us, eu or br).
func (s *Server) RegionURLs(region string) (conversation, template, batch string, err error) {
	for _, r := range Regions {
		if r == region {
			return s.convURL + "/" + r, s.convURL + "/" + r, s.batchURL + "/" + r, nil
		}
	}
	return "", "", "", fmt.Errorf("emulator: unknown region %q (want us, eu or br)", region)
}
