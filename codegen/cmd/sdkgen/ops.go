package main

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"

	"github.com/relaykit/sinch-go/specs"
)

// apiSpec ties an OpenAPI document to its generated model package and the client's API id.
type apiSpec struct {
	spec string // embedded spec name
	pkg  string // gen/<pkg>
	id   string // the apiID constant of wrappers/sinch
}

var apis = []apiSpec{
	{specs.Conversation, "conversation", "apiConversation"},
	{specs.Templates, "templates", "apiTemplates"},
	{specs.Batch, "batch", "apiBatch"},
}

// apiModel is what ops.go.tmpl renders for one API.
type apiModel struct {
	Spec     string
	Pkg      string
	Field    string // the Client field (Conversation, Templates, Batch)
	Type     string // ConversationService, ...
	Doc      string
	Imports  []string
	Services []*serviceModel // resources below the API service
	Ops      []*opModel      // operations on the API service itself
}

type serviceModel struct {
	Field string // Messages
	Type  string // MessagesService, BatchContactsService
	Doc   string
	Ops   []*opModel
}

type pathParam struct {
	Name, Type string
	Conv       bool // the Go type is a named string type: convert with string()
}

type opModel struct {
	Recv        string
	Name        string
	OperationID string
	HTTPMethod  string // GET
	MethodConst string // http.MethodGet
	Path        string
	Summary     string
	PathExpr    string
	PathParams  []pathParam
	ParamsType  string
	Comma       string // Go arguments naming the query lists sent comma-separated (explode: false)
	BodyType    string
	Prepare     string
	Doc         string // more doc comment, from x-sdk-doc
	Out         string // "" when the answer is the empty object
	API         string
	Page        *pageModel
}

type pageModel struct {
	Name      string // the iterator's name (List); the op's Name is ListPage
	ItemType  string
	ItemField string
	NextField string
}

// goType turns a schema $ref into a Go type of the generated packages, seen from wrappers/sinch.
func goType(ref, pkg string) (string, error) {
	if ref == "" {
		return "", fmt.Errorf("an inline schema where a $ref to a named schema is needed")
	}
	file, frag, _ := strings.Cut(ref, "#")
	name := strings.TrimPrefix(frag, "/components/schemas/")
	if name == frag {
		return "", fmt.Errorf("$ref %q is not a schema", ref)
	}
	if file != "" {
		pkg = strings.TrimSuffix(strings.TrimPrefix(file, "./"), ".yaml")
	}
	return pkg + "." + codegen.ToCamelCaseWithInitialisms(name), nil
}

// fieldName is the Go field oapi-codegen writes for a property.
func fieldName(prop string, s *openapi3.SchemaRef) string {
	if s != nil && s.Value != nil {
		if n, ok := s.Value.Extensions["x-go-name"].(string); ok {
			return n
		}
	}
	return codegen.ToCamelCaseWithInitialisms(prop)
}

// lowerFirst makes a parameter name from a Go name (AppID -> appID).
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

var pathParamRe = regexp.MustCompile(`\{([^}]+)\}`)

func loadAPI(a apiSpec) (*apiModel, error) {
	doc, err := specs.Load(a.spec)
	if err != nil {
		return nil, err
	}
	info, _ := doc.Extensions["x-sdk-api"].(map[string]any)
	field, _ := info["field"].(string)
	apiDoc, _ := info["doc"].(string)
	if field == "" || apiDoc == "" {
		return nil, fmt.Errorf("%s: x-sdk-api needs field and doc", a.spec)
	}
	m := &apiModel{Spec: a.spec, Pkg: a.pkg, Field: field, Type: field + "Service", Doc: apiDoc}
	svcDocs, _ := doc.Extensions["x-sdk-services"].(map[string]any)
	services := map[string]*serviceModel{}
	imports := map[string]bool{"context": true, "net/http": true, "github.com/relaykit/sinch-go/gen/" + a.pkg: true}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			om, err := loadOp(a, m, path, method, item, op)
			if err != nil {
				return nil, fmt.Errorf("%s: %s %s (%s): %w", a.spec, method, path, op.OperationID, err)
			}
			for _, t := range []string{om.ParamsType, om.BodyType, om.Out} {
				if p, _, ok := strings.Cut(t, "."); ok {
					imports["github.com/relaykit/sinch-go/gen/"+p] = true
				}
			}
			if len(om.PathParams) > 0 {
				imports["net/url"] = true
			}
			if om.Page != nil {
				imports["iter"] = true
				imports["github.com/relaykit/sinch-go/wrappers/internal/paging"] = true
				if p, _, ok := strings.Cut(om.Page.ItemType, "."); ok {
					imports["github.com/relaykit/sinch-go/gen/"+p] = true
				}
			}
			svc, name, ok := strings.Cut(op.Extensions["x-sdk-method"].(string), ".")
			if !ok {
				om.Recv, om.Name = m.Type, svc
				m.Ops = append(m.Ops, om)
				continue
			}
			om.Name = name
			s := services[svc]
			if s == nil {
				d, _ := svcDocs[svc].(string)
				if d == "" {
					return nil, fmt.Errorf("%s: service %s has no entry in x-sdk-services", a.spec, svc)
				}
				typ := svc + "Service"
				if a.pkg != "conversation" {
					typ = field + typ
				}
				s = &serviceModel{Field: svc, Type: typ, Doc: d}
				services[svc] = s
			}
			om.Recv = s.Type
			s.Ops = append(s.Ops, om)
		}
	}
	for _, s := range services {
		m.Services = append(m.Services, s)
	}
	byName := func(a, b *opModel) int { return cmp.Compare(a.Name, b.Name) }
	slices.SortFunc(m.Services, func(a, b *serviceModel) int { return cmp.Compare(a.Field, b.Field) })
	slices.SortFunc(m.Ops, byName)
	for _, s := range m.Services {
		slices.SortFunc(s.Ops, byName)
	}
	for _, ops := range append([][]*opModel{m.Ops}, func() (l [][]*opModel) {
		for _, s := range m.Services {
			l = append(l, s.Ops)
		}
		return
	}()...) {
		for _, o := range ops {
			if o.Page != nil {
				o.Page.Name = o.Name
				o.Name += "Page"
			}
		}
	}
	for imp := range imports {
		m.Imports = append(m.Imports, imp)
	}
	slices.Sort(m.Imports)
	return m, nil
}

func loadOp(a apiSpec, m *apiModel, path, method string, item *openapi3.PathItem, op *openapi3.Operation) (*opModel, error) {
	ext, _ := op.Extensions["x-sdk-method"].(string)
	if ext == "" {
		return nil, fmt.Errorf("no x-sdk-method: add one naming its service and method (for example x-sdk-method: Messages.Send)")
	}
	om := &opModel{OperationID: op.OperationID, HTTPMethod: method, Path: path, API: a.id,
		MethodConst: "http.Method" + string(method[0]) + strings.ToLower(method[1:])}
	if !slices.Contains([]string{"GET", "POST", "PUT", "PATCH", "DELETE"}, method) {
		return nil, fmt.Errorf("method %s", method)
	}
	om.Summary = strings.TrimSuffix(strings.TrimSpace(op.Summary), ".")
	if om.Summary == "" {
		return nil, fmt.Errorf("no summary (it becomes the method's doc comment)")
	}
	om.Prepare, _ = op.Extensions["x-sdk-prepare"].(string)
	om.Doc, _ = op.Extensions["x-sdk-doc"].(string)
	params := append(openapi3.Parameters{}, item.Parameters...)
	params = append(params, op.Parameters...)
	byName := map[string]*openapi3.Parameter{}
	hasQuery := false
	for _, p := range params {
		byName[p.Value.Name] = p.Value
		switch p.Value.In {
		case "query":
			hasQuery = true
			if p.Value.Explode != nil && !*p.Value.Explode {
				om.Comma += fmt.Sprintf(", %q", p.Value.Name)
			}
		case "path":
		default:
			return nil, fmt.Errorf("parameter %s in %s is not supported", p.Value.Name, p.Value.In)
		}
	}
	// The path: literal parts and escaped parameters; project_id is the client's project.
	var expr []string
	last := 0
	for _, loc := range pathParamRe.FindAllStringSubmatchIndex(path, -1) {
		if lit := path[last:loc[0]]; lit != "" {
			expr = append(expr, fmt.Sprintf("%q", lit))
		}
		name := path[loc[2]:loc[3]]
		last = loc[1]
		if name == "project_id" {
			expr = append(expr, "cfg.pathProject()")
			continue
		}
		p, ok := byName[name]
		if !ok || p.In != "path" {
			return nil, fmt.Errorf("path parameter %s is not declared", name)
		}
		pp := pathParam{Name: lowerFirst(codegen.ToCamelCaseWithInitialisms(name)), Type: "string"}
		if p.Schema != nil && p.Schema.Ref != "" && strings.Contains(p.Schema.Ref, "/schemas/") {
			t, err := goType(p.Schema.Ref, a.pkg)
			if err != nil {
				return nil, err
			}
			pp.Type, pp.Conv = t, true
		}
		om.PathParams = append(om.PathParams, pp)
		if pp.Conv {
			expr = append(expr, "url.PathEscape(string("+pp.Name+"))")
		} else {
			expr = append(expr, "url.PathEscape("+pp.Name+")")
		}
	}
	if lit := path[last:]; lit != "" {
		expr = append(expr, fmt.Sprintf("%q", lit))
	}
	om.PathExpr = strings.Join(expr, " + ")
	if hasQuery {
		om.ParamsType = a.pkg + "." + codegen.ToCamelCaseWithInitialisms(op.OperationID) + "Params"
	}
	if rb := op.RequestBody; rb != nil && rb.Value != nil {
		mt := rb.Value.Content.Get("application/json")
		if mt == nil || mt.Schema == nil {
			return nil, fmt.Errorf("a request body that is not application/json")
		}
		t, err := goType(mt.Schema.Ref, a.pkg)
		if err != nil {
			return nil, fmt.Errorf("request body: %w", err)
		}
		om.BodyType = t
	}
	resp := op.Responses.Value("200")
	if resp == nil || resp.Value == nil {
		return nil, fmt.Errorf("no 200 answer")
	}
	mt := resp.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil {
		return nil, fmt.Errorf("a 200 answer that is not application/json")
	}
	out, err := goType(mt.Schema.Ref, a.pkg)
	if err != nil {
		return nil, fmt.Errorf("200 answer: %w", err)
	}
	sv := mt.Schema.Value
	if sv.Type.Is("object") && len(sv.Properties) == 0 && sv.AdditionalProperties.Schema == nil {
		out = "" // the empty object: the method returns only an error
	}
	om.Out = out
	// A page: page_token in the query, next_page_token and one array in the answer.
	if p, ok := byName["page_token"]; ok && p.In == "query" && out != "" {
		next, ok := sv.Properties["next_page_token"]
		if !ok {
			return nil, fmt.Errorf("page_token in the query but no next_page_token in the answer")
		}
		var arrays []string
		for name, prop := range sv.Properties {
			if prop.Value != nil && prop.Value.Type.Is("array") {
				arrays = append(arrays, name)
			}
		}
		if len(arrays) != 1 {
			return nil, fmt.Errorf("a page needs exactly one array property in its answer, found %v", arrays)
		}
		items := sv.Properties[arrays[0]]
		it, err := goType(items.Value.Items.Ref, a.pkg)
		if err != nil {
			return nil, fmt.Errorf("page items: %w", err)
		}
		om.Page = &pageModel{ItemType: it, ItemField: fieldName(arrays[0], items), NextField: fieldName("next_page_token", next)}
	}
	return om, nil
}

// comment turns text into // lines of at most ~100 columns.
func comment(indent, text string) string {
	var b strings.Builder
	line := indent + "//"
	for _, w := range strings.Fields(text) {
		if len(line)+1+len(w) > 100 && line != indent+"//" {
			b.WriteString(line + "\n")
			line = indent + "//"
		}
		line += " " + w
	}
	b.WriteString(line)
	return b.String()
}
