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
	routes   map[string]*routers.Route // "METHOD path-template" → route
	checkers *checkerCompiler          // the body schemas compiled so far
}

func newSpecIndex(docs ...*openapi3.T) *specIndex {
	ix := &specIndex{routes: map[string]*routers.Route{}, checkers: newCheckerCompiler()}
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

// validateRequest checks r against route with kin-openapi and returns a 400 *apiError that
// says what is wrong.
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

// requestValidator validates the requests of one operation. Parameters are checked by
// kin-openapi one by one (they are few and short); a JSON body by the operation's compiled
// checker. Whatever the checker refuses, or cannot check, is validated again by kin-openapi
// as a whole, so that a 400 says exactly what kin-openapi says; see checker.
type requestValidator struct {
	route  *routers.Route
	params []*openapi3.Parameter // those of the path item not overridden, then the operation's
	// plain lists, for each of params, whether it is a path parameter whose schema is a bare
	// string: any non-empty value is valid, so kin-openapi is not needed to say so.
	plain []bool
	body  *checker // nil: the body is left to kin-openapi
	// schema is the JSON request body's schema, nil when the operation has none; rules are
	// its exactly-one rules (nil: none), checked once the body is valid.
	schema *openapi3.Schema
	rules  *ruleNode
	// names are the object names and string enum values body knows, each its own key, so
	// that decoding a body does not allocate them again (see checker.names).
	names map[string]string
	// bodyRequired and hasBody describe the operation's request body.
	bodyRequired, hasBody bool
}

// newRequestValidator prepares the validation of route's requests; cc shares the compiled
// schemas between operations.
func newRequestValidator(route *routers.Route, cc *checkerCompiler) *requestValidator {
	v := &requestValidator{route: route}
	opParams := route.Operation.Parameters
	for _, ref := range route.PathItem.Parameters {
		if ref.Value == nil {
			continue
		}
		if opParams != nil && opParams.GetByInAndName(ref.Value.In, ref.Value.Name) != nil {
			continue
		}
		v.params = append(v.params, ref.Value)
	}
	for _, ref := range opParams {
		if ref.Value != nil {
			v.params = append(v.params, ref.Value)
		}
	}
	for _, p := range v.params {
		v.plain = append(v.plain, plainPathParam(p))
	}
	if rb := route.Operation.RequestBody; rb != nil && rb.Value != nil {
		v.hasBody, v.bodyRequired = true, rb.Value.Required
		mt := rb.Value.Content.Get("application/json")
		if mt != nil && mt.Schema != nil {
			v.schema = mt.Schema.Value
		}
		if route.Spec.IsOpenAPI31OrLater() || mt == nil || mt.Schema == nil || mt.Schema.Value == nil || len(mt.Encoding) > 0 || len(rb.Value.Content) != 1 {
			return v
		}
		if c, err := cc.compile(mt.Schema.Value); err == nil {
			v.body, v.names = c, c.names()
		}
	}
	return v
}

// plainPathParam reports whether p is a path parameter that takes any non-empty string: a
// string schema with no format, pattern, enum or length bounds, and no content or style
// other than the default.
func plainPathParam(p *openapi3.Parameter) bool {
	if p.In != openapi3.ParameterInPath || p.Content != nil || (p.Style != "" && p.Style != openapi3.SerializationSimple) ||
		p.Explode != nil && *p.Explode || p.Schema == nil || p.Schema.Value == nil {
		return false
	}
	sc := p.Schema.Value
	return sc.Type != nil && len(*sc.Type) == 1 && sc.Type.Is(openapi3.TypeString) && sc.Format == "" && sc.Pattern == "" &&
		len(sc.Enum) == 0 && sc.MinLength == 0 && sc.MaxLength == nil && len(sc.AllOf)+len(sc.AnyOf)+len(sc.OneOf) == 0 &&
		sc.Not == nil && !sc.Nullable && sc.Const == nil
}

// validate checks r, whose path parameters are params and whose body is raw, and returns its decoded JSON body (nil when there is
// none), or a 400 *apiError. r.Body must read raw.
func (v *requestValidator) validate(ctx context.Context, r *http.Request, params pathParams, raw []byte) (any, error) {
	if v.hasBody && v.body == nil {
		return v.slow(ctx, r, params.all())
	}
	var in *openapi3filter.RequestValidationInput
	for i, p := range v.params {
		if v.plain[i] && params.get(p.Name) != "" {
			continue
		}
		if in == nil {
			in = &openapi3filter.RequestValidationInput{Request: r, PathParams: params.all(), Route: v.route, Options: validationOptions}
		}
		if err := openapi3filter.ValidateParameter(ctx, in, p); err != nil {
			return nil, errInvalid("%s", describeValidationError(err))
		}
	}
	if !v.hasBody {
		return nil, nil
	}
	if len(raw) == 0 {
		if v.bodyRequired {
			return v.slow(ctx, r, params.all())
		}
		return nil, nil
	}
	if r.Header.Get("Content-Type") != "application/json" {
		return v.slow(ctx, r, params.all())
	}
	// As kin-openapi decodes (numbers keep their text); what fastDecode leaves to
	// encoding/json is left to kin-openapi, which decodes with it.
	body, err := fastDecode(raw, v.names)
	if err != nil || !v.body.valid(body) {
		return v.slow(ctx, r, params.all())
	}
	return body, nil
}

// slow validates r with kin-openapi alone.
func (v *requestValidator) slow(ctx context.Context, r *http.Request, pathParams map[string]string) (any, error) {
	if err := validateRequest(ctx, r, v.route, pathParams); err != nil {
		return nil, err
	}
	if vb, ok := r.Body.(interface{ ValidatedValue() any }); ok {
		return vb.ValidatedValue(), nil
	}
	return nil, nil
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
