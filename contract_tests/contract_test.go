package contracttests

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/relaykit/sinch-go/hmac/callback"
	"github.com/relaykit/sinch-go/specs"
)

// api ties one spec to its fixture folder, the host its server template expands to, and the
// generated Go types of its operations.
type api struct {
	name    string // fixture folder under testdata/
	spec    string // specs.Conversation, ...
	host    string // a concrete host matching the spec's server template
	opCount int    // operations the public API has
	ops     map[string]opTypes
	// callbacks maps each webhook callback the spec describes (keyed by trigger) to its
	// generated payload type; nil for an API without callbacks.
	callbacks map[string]func() any
}

var apis = []api{
	{name: "conversation", spec: specs.Conversation, host: "https://us.conversation.api.sinch.com", opCount: 45, ops: conversationOps, callbacks: callbackTypes},
	{name: "templates", spec: specs.Templates, host: "https://eu.template.api.sinch.com", opCount: 6, ops: templatesOps},
	{name: "batch", spec: specs.Batch, host: "https://br.conversationbatch.api.sinch.com", opCount: 7, ops: batchOps, callbacks: batchCallbackTypes},
}

// loadFixtures returns the fixtures of one API and kind, keyed by file name.
func loadFixtures(t *testing.T, api, kind string) map[string]Fixture {
	t.Helper()
	list, err := Fixtures(api, kind)
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]Fixture, len(list))
	for _, f := range list {
		out[f.File] = f
	}
	return out
}

// opOf returns the operationId a fixture file is named for: "sendMessage.card.json" → "sendMessage".
func opOf(file string) string {
	return strings.SplitN(strings.TrimSuffix(file, ".json"), ".", 2)[0]
}

type validator struct {
	doc    *openapi3.T
	router routers.Router
	host   string
}

func newValidator(t *testing.T, a api) *validator {
	t.Helper()
	doc, err := specs.Load(a.spec)
	if err != nil {
		t.Fatal(err)
	}
	r, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatalf("%s: router: %v", a.spec, err)
	}
	return &validator{doc: doc, router: r, host: a.host}
}

var filterOptions = &openapi3filter.Options{
	AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
	MultiError:         true,
}

// check validates a fixture's request and response on the spec's real route. It returns the
// route's operation, or the errors of the request and the response validation.
func (v *validator) check(f Fixture) (op *openapi3.Operation, reqErr, respErr error) {
	target := v.host + f.Path
	if f.Query != "" {
		target += "?" + f.Query
	}
	var body io.Reader
	if len(f.Request) > 0 {
		body = bytes.NewReader(f.Request)
	}
	req, err := http.NewRequest(f.Method, target, body)
	if err != nil {
		return nil, err, nil
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	route, params, err := v.router.FindRoute(req)
	if err != nil {
		return nil, fmt.Errorf("no route for %s %s: %w", f.Method, f.Path, err), nil
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: filterOptions}
	ctx := context.Background()
	reqErr = openapi3filter.ValidateRequest(ctx, in)
	respIn := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 f.Status,
		Header:                 http.Header{"Content-Type": {"application/json"}},
		Options:                filterOptions,
	}
	respIn.SetBodyBytes(f.Response)
	respErr = openapi3filter.ValidateResponse(ctx, respIn)
	return route.Operation, reqErr, respErr
}

func TestSpecsAreValid(t *testing.T) {
	for _, a := range apis {
		t.Run(a.name, func(t *testing.T) {
			doc, err := specs.Load(a.spec)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, item := range doc.Paths.Map() {
				for _, op := range item.Operations() {
					ids = append(ids, op.OperationID)
				}
			}
			sort.Strings(ids)
			if len(ids) != a.opCount {
				t.Errorf("%d operations, want %d: %v", len(ids), a.opCount, ids)
			}
			var want []string
			for id := range a.ops {
				want = append(want, id)
			}
			sort.Strings(want)
			if !reflect.DeepEqual(ids, want) {
				t.Errorf("operationIds differ from the generated-type table:\n spec:  %v\n table: %v", ids, want)
			}
		})
	}
}

func TestOperationFixtures(t *testing.T) {
	for _, a := range apis {
		t.Run(a.name, func(t *testing.T) {
			v := newValidator(t, a)
			fixtures := loadFixtures(t, a.name, "ops")
			covered := map[string]bool{}
			withBody := map[string]bool{}
			for file, f := range fixtures {
				t.Run(file, func(t *testing.T) {
					op, reqErr, respErr := v.check(f)
					if op == nil {
						t.Fatal(reqErr)
					}
					if op.OperationID != opOf(file) {
						t.Fatalf("fixture is named for %s but its route is %s", opOf(file), op.OperationID)
					}
					covered[op.OperationID] = true
					if len(f.Request) > 0 {
						withBody[op.OperationID] = true
					}
					if reqErr != nil {
						t.Errorf("request rejected: %v", reqErr)
					}
					if respErr != nil {
						t.Errorf("response rejected: %v", respErr)
					}
					types, ok := a.ops[op.OperationID]
					if !ok {
						t.Fatalf("no generated types listed for %s", op.OperationID)
					}
					if len(f.Request) > 0 {
						if types.request == nil {
							t.Fatalf("%s has a request body but no generated request type is listed", op.OperationID)
						}
						assertRoundTrip(t, "request", f.Request, types.request())
					}
					if f.Status == http.StatusOK && len(f.Response) > 0 {
						assertResponseRoundTrip(t, types, f.Response)
					}
				})
			}
			for _, item := range v.doc.Paths.Map() {
				for _, op := range item.Operations() {
					if !covered[op.OperationID] {
						t.Errorf("operation %s has no fixture", op.OperationID)
					}
					if op.RequestBody != nil && !withBody[op.OperationID] {
						t.Errorf("operation %s takes a body but no fixture sends one", op.OperationID)
					}
				}
			}
		})
	}
}

func TestNegativeFixturesAreRejected(t *testing.T) {
	total := 0
	for _, a := range apis {
		t.Run(a.name, func(t *testing.T) {
			v := newValidator(t, a)
			fixtures := loadFixtures(t, a.name, "negative")
			total += len(fixtures)
			for file, f := range fixtures {
				t.Run(file, func(t *testing.T) {
					if f.Why == "" {
						t.Error("a negative fixture says why it must be rejected")
					}
					op, reqErr, respErr := v.check(f)
					switch f.Reject {
					case "request":
						if op != nil && reqErr == nil {
							t.Errorf("request accepted; want it rejected (%s)", f.Why)
						}
						if reqErr != nil {
							t.Logf("rejected as expected: %.200v", reqErr)
						}
					case "response":
						if op == nil {
							t.Fatalf("no route: %v", reqErr)
						}
						if reqErr != nil {
							t.Fatalf("the request part must be valid so that only the response is on trial: %v", reqErr)
						}
						if respErr == nil {
							t.Errorf("response accepted; want it rejected (%s)", f.Why)
						}
					default:
						t.Fatalf(`"reject" must be "request" or "response", not %q`, f.Reject)
					}
				})
			}
		})
	}
	if total == 0 {
		t.Error("no negative fixtures found")
	}
}

func TestCallbackFixtures(t *testing.T) {
	for _, a := range apis {
		if a.callbacks == nil {
			continue
		}
		t.Run(a.name, func(t *testing.T) {
			doc, err := specs.Load(a.spec)
			if err != nil {
				t.Fatal(err)
			}
			schemas := callbackSchemas(t, doc)
			if len(schemas) != len(a.callbacks) {
				t.Errorf("the spec describes %d callbacks, the generated-type table %d", len(schemas), len(a.callbacks))
			}
			for trigger := range schemas {
				if _, ok := a.callbacks[trigger]; !ok {
					t.Errorf("callback %s has no generated type listed", trigger)
				}
			}
			files, err := filepath.Glob(filepath.Join("testdata", a.name, "callbacks", "*.json"))
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for _, p := range files {
				trigger := opOf(filepath.Base(p))
				t.Run(filepath.Base(p), func(t *testing.T) {
					raw, err := os.ReadFile(p)
					if err != nil {
						t.Fatal(err)
					}
					schema, ok := schemas[trigger]
					if !ok {
						t.Fatalf("no callback %s in the spec", trigger)
					}
					seen[trigger] = true
					var value any
					if err := json.Unmarshal(raw, &value); err != nil {
						t.Fatalf("not JSON: %v", err)
					}
					if err := schema.VisitJSON(value, openapi3.MultiErrors()); err != nil {
						t.Errorf("payload does not match its schema: %v", err)
					}
					if _, ok := a.callbacks[trigger]; !ok {
						t.Fatalf("no generated type for %s", trigger)
					}
					// What receivers run: the tolerant parser of hmac/callback. Every fixture
					// parses to its trigger's event, and the event's typed fields encode back
					// to the fixture (zeros aside): nothing the spec allows is skipped or lost.
					ev, err := callback.Parse(raw)
					if err != nil {
						t.Fatalf("callback.Parse: %v", err)
					}
					if string(ev.Trigger()) != trigger {
						t.Fatalf("callback.Parse gave a %s event (%T)", ev.Trigger(), ev)
					}
					again, err := json.Marshal(ev)
					if err != nil {
						t.Fatalf("%T does not encode: %v", ev, err)
					}
					assertSameJSON(t, "callback", raw, again)
				})
			}
			for trigger := range schemas {
				if !seen[trigger] {
					t.Errorf("callback %s has no fixture", trigger)
				}
			}
		})
	}
}

// TestConversationCallbacksAreTheTriggers checks the Conversation spec describes exactly the 21
// usable webhook triggers of its WebhookTrigger enum, and batch.yaml the Batch API's one.
func TestConversationCallbacksAreTheTriggers(t *testing.T) {
	doc, err := specs.Load(specs.Conversation)
	if err != nil {
		t.Fatal(err)
	}
	trig := doc.Components.Schemas["WebhookTrigger"]
	if trig == nil || trig.Value == nil {
		t.Fatal("no WebhookTrigger schema")
	}
	schemas := callbackSchemas(t, doc)
	batchDoc, err := specs.Load(specs.Batch)
	if err != nil {
		t.Fatal(err)
	}
	batchSchemas := callbackSchemas(t, batchDoc)
	n := 0
	for _, v := range trig.Value.Enum {
		name, _ := v.(string)
		switch name {
		case "UNSPECIFIED_TRIGGER":
			continue
		case "BATCH_STATUS_UPDATE": // a Batch API callback, described in batch.yaml
			if _, ok := batchSchemas[name]; !ok {
				t.Errorf("trigger %s has no callback in batch.yaml", name)
			}
			continue
		}
		n++
		if _, ok := schemas[name]; !ok {
			t.Errorf("trigger %s has no callback", name)
		}
	}
	if n != 21 || len(schemas) != 21 {
		t.Errorf("%d usable triggers and %d callbacks, want 21 of each", n, len(schemas))
	}
}

// callbackSchemas collects, from every operation's callbacks, the request body schema of each
// callback keyed by its name (the trigger).
func callbackSchemas(t *testing.T, doc *openapi3.T) map[string]*openapi3.Schema {
	t.Helper()
	out := map[string]*openapi3.Schema{}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for name, cb := range op.Callbacks {
				if cb == nil || cb.Value == nil {
					continue
				}
				for _, cbItem := range cb.Value.Map() {
					post := cbItem.Post
					if post == nil || post.RequestBody == nil || post.RequestBody.Value == nil {
						t.Errorf("callback %s has no POST request body", name)
						continue
					}
					mt := post.RequestBody.Value.Content.Get("application/json")
					if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
						t.Errorf("callback %s has no JSON schema", name)
						continue
					}
					out[name] = mt.Schema.Value
				}
			}
		}
	}
	return out
}

// assertRoundTrip decodes raw into target (a pointer to a generated type), encodes it again and
// requires the two JSON values to be equal: no field lost, renamed or changed. Members holding
// a zero value count as absent on both sides (DropZero): the models leave zeros out, and the
// API reads an absent field as its zero.
func assertRoundTrip(t *testing.T, what string, raw []byte, target any) {
	t.Helper()
	if err := json.Unmarshal(raw, target); err != nil {
		t.Errorf("%s does not decode into %T: %v", what, target, err)
		return
	}
	again, err := json.Marshal(target)
	if err != nil {
		t.Errorf("%s: %T does not encode: %v", what, target, err)
		return
	}
	assertSameJSON(t, what, raw, again)
}

func assertSameJSON(t *testing.T, what string, want, got []byte) {
	t.Helper()
	var w, g any
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("%s: fixture is not JSON: %v", what, err)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s: re-encoded value is not JSON: %v", what, err)
	}
	w, g = DropZero(w), DropZero(g)
	if !reflect.DeepEqual(w, g) {
		for _, d := range diffJSON("", w, g) {
			t.Errorf("%s round trip: %s", what, d)
		}
	}
}

// diffJSON lists the paths at which two decoded JSON values differ.
func diffJSON(path string, want, got any) []string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want object, got %v", orRoot(path), got)}
		}
		var out []string
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				out = append(out, fmt.Sprintf("%s.%s lost (was %v)", path, k, wv))
				continue
			}
			out = append(out, diffJSON(path+"."+k, wv, gv)...)
		}
		for k, gv := range g {
			if _, ok := w[k]; !ok {
				out = append(out, fmt.Sprintf("%s.%s appeared (%v)", path, k, gv))
			}
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return []string{fmt.Sprintf("%s: want %v, got %v", orRoot(path), want, got)}
		}
		var out []string
		for i := range w {
			out = append(out, diffJSON(fmt.Sprintf("%s[%d]", path, i), w[i], g[i])...)
		}
		return out
	default:
		if !reflect.DeepEqual(want, got) {
			return []string{fmt.Sprintf("%s: want %v, got %v", orRoot(path), want, got)}
		}
		return nil
	}
}

func orRoot(p string) string {
	if p == "" {
		return "(root)"
	}
	return p
}
