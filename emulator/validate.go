package emulator

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// specIndex finds the operation of a document for a route the emulator serves. The emulator
// registers its chi routes with the very path templates the specs use
// ("/v1/projects/{project_id}/conversations/{conversation_id}:stop"), so the route is found by
// method and template, once, when the server starts: no router runs per request, and colon
// verbs need no special handling.
type specIndex struct {
	routes map[string]*routers.Route // "METHOD path-template" → route
}

func newSpecIndex(docs ...*openapi3.T) *specIndex {
	ix := &specIndex{routes: map[string]*routers.Route{}}
	for _, doc := range docs {
		if doc == nil || doc.Paths == nil {
			continue
		}
		prefix := serverPathPrefix(doc)
		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				r := &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op}
				ix.routes[method+" "+prefix+path] = r
			}
		}
	}
	return ix
}

// serverPathPrefix returns the path part of the document's first server URL ("" for a bare
// host), so that a document whose server is https://host/v1 and whose paths start at /projects
// matches the full paths the emulator serves.
func serverPathPrefix(doc *openapi3.T) string {
	if len(doc.Servers) == 0 {
		return ""
	}
	u, err := url.Parse(doc.Servers[0].URL)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(u.Path, "/")
}

func (ix *specIndex) find(method, path string) *routers.Route {
	if ix == nil {
		return nil
	}
	return ix.routes[method+" "+path]
}

// validationOptions are shared by every request validation: authentication is the emulator's
// own job; defaults are not written into bodies (what a client sends is what is stored);
// read-only fields a client echoes back are tolerated, as the API does.
var validationOptions = &openapi3filter.Options{
	AuthenticationFunc:         openapi3filter.NoopAuthenticationFunc,
	SkipSettingDefaults:        true,
	ExcludeReadOnlyValidations: true,
	KeepValidatedValue:         true,
}

// validateRequest checks r against route and returns a 400 *apiError that says what is wrong.
func validateRequest(ctx context.Context, r *http.Request, route *routers.Route, pathParams map[string]string) error {
	in := &openapi3filter.RequestValidationInput{
		Request:    r,
		PathParams: pathParams,
		Route:      route,
		Options:    validationOptions,
	}
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
		return errInvalid("%s", describeValidationError(err))
	}
	return nil
}

// describeValidationError turns a kin-openapi error into one readable line that never
// repeats the offending value (it may hold personal data or a secret).
func describeValidationError(err error) string {
	var re *openapi3filter.RequestError
	var se *openapi3.SchemaError
	where := "request"
	if errors.As(err, &re) {
		switch {
		case re.Parameter != nil:
			where = fmt.Sprintf("%s parameter %q", re.Parameter.In, re.Parameter.Name)
		case re.RequestBody != nil:
			where = "request body"
		}
	}
	if errors.As(err, &se) {
		ptr := se.JSONPointer()
		field := ""
		if len(ptr) > 0 {
			field = " at /" + strings.Join(ptr, "/")
		}
		reason := se.Reason
		if reason == "" {
			reason = "does not match the schema"
		}
		return fmt.Sprintf("%s%s: %s", where, field, reason)
	}
	if re != nil && re.Parameter != nil {
		// Parse errors of parameters quote the value; say what was expected instead.
		want := "a valid value"
		if sch := re.Parameter.Schema; sch != nil && sch.Value != nil && sch.Value.Type != nil && len(*sch.Value.Type) > 0 {
			want = "a valid " + (*sch.Value.Type)[0]
		}
		switch {
		case errors.Is(re.Err, openapi3filter.ErrInvalidRequired):
			return fmt.Sprintf("%s: is required", where)
		case errors.Is(re.Err, openapi3filter.ErrInvalidEmptyValue):
			return fmt.Sprintf("%s: must not be empty", where)
		case re.Err == nil && re.Reason != "":
			return fmt.Sprintf("%s: %s", where, re.Reason)
		}
		return fmt.Sprintf("%s: must be %s", where, want)
	}
	if re != nil {
		reason := re.Reason
		if reason == "" && re.Err != nil {
			reason = re.Err.Error()
		}
		if re.Err != nil && re.Reason != "" {
			var inner *openapi3.SchemaError
			if !errors.As(re.Err, &inner) {
				reason = re.Reason + ": " + re.Err.Error()
			}
		}
		return fmt.Sprintf("%s: %s", where, reason)
	}
	return "request does not match the API specification"
}
