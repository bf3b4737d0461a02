package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	contracttests "github.com/relaykit/sinch-go/contract_tests"
)

// bodySchemas returns the JSON request-body schema of every operation of the emulator's
// prepared specs, by operation id.
func bodySchemas(t testing.TB) map[string]*openapi3.Schema {
	t.Helper()
	sp, _, err := loadSpecs(nil)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*openapi3.Schema{}
	for _, doc := range []*openapi3.T{sp.Conversation, sp.Templates, sp.Batch} {
		for _, item := range doc.Paths.Map() {
			for _, op := range item.Operations() {
				if op.RequestBody == nil || op.RequestBody.Value == nil {
					continue
				}
				if mt := op.RequestBody.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
					out[op.OperationID] = mt.Schema.Value
				}
			}
		}
	}
	return out
}

// kinVerdict validates v as the emulator asks kin-openapi to validate a request body.
func kinVerdict(s *openapi3.Schema, v any) error {
	return s.VisitJSON(v, openapi3.VisitAsRequest(), openapi3.DisableReadOnlyValidation())
}

// fixtureBodies returns the request bodies of the contract fixtures (valid and invalid), each
// with the operation it is sent to.
func fixtureBodies(t testing.TB, schemas map[string]*openapi3.Schema) (opIDs []string, bodies [][]byte) {
	t.Helper()
	ids := make([]string, 0, len(schemas))
	for id := range schemas {
		ids = append(ids, id)
	}
	// Longest first, so that "createBatchContacts" wins over a shorter prefix.
	sort.Slice(ids, func(i, j int) bool { return len(ids[i]) > len(ids[j]) })
	for _, api := range []string{"conversation", "templates", "batch"} {
		for _, kind := range []string{"ops", "negative"} {
			fixtures, err := contracttests.Fixtures(api, kind)
			if err != nil {
				t.Fatal(err)
			}
			for _, fx := range fixtures {
				if len(fx.Request) == 0 {
					continue
				}
				for _, id := range ids {
					if strings.HasPrefix(fx.File, id+".") || strings.HasPrefix(fx.File, id+"_") {
						opIDs = append(opIDs, id)
						bodies = append(bodies, fx.Request)
						break
					}
				}
			}
		}
	}
	if len(bodies) < 50 {
		t.Fatalf("only %d fixture bodies matched an operation", len(bodies))
	}
	return opIDs, bodies
}

func decodeNumber(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

// variants returns v and values derived from it: each property removed, and each value
// replaced by values of every JSON kind, one change at a time.
func variants(v any) []any {
	out := []any{v}
	repl := []any{nil, true, json.Number("0"), json.Number("1.5"), json.Number("-3"), json.Number("4294967296"), "", "x",
		"2026-01-02T03:04:05Z", strings.Repeat("é", 1025), []any{}, []any{"x"}, map[string]any{}}
	var walk func(cur any, set func(any))
	walk = func(cur any, set func(any)) {
		for _, r := range repl {
			set(r)
			out = append(out, deepCopy(v))
		}
		set(cur)
		switch x := cur.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				child := x[k]
				delete(x, k)
				out = append(out, deepCopy(v))
				x[k] = child
				walk(child, func(n any) { x[k] = n })
			}
			x["unknown_field_x"] = "y"
			out = append(out, deepCopy(v))
			delete(x, "unknown_field_x")
		case []any:
			for i, child := range x {
				walk(child, func(n any) { x[i] = n })
			}
		}
	}
	walk(v, func(any) {}) // the root is replaced by nothing: only its children change
	return out
}

func deepCopy(v any) any {
	b, _ := json.Marshal(v)
	c, _ := decodeNumber(b)
	return c
}

// TestCheckerAgreesWithKinOpenAPI holds the compiled checker's verdict equal to
// kin-openapi's on every contract fixture body and on thousands of variants of them (each
// property removed, each value replaced by every JSON kind).
func TestCheckerAgreesWithKinOpenAPI(t *testing.T) {
	schemas := bodySchemas(t)
	cc := newCheckerCompiler()
	compiled := 0
	checkers := map[string]*checker{}
	for id, s := range schemas {
		c, err := cc.compile(s)
		if err != nil {
			t.Errorf("%s: the body schema does not compile (%v): the operation would be validated slowly", id, err)
			continue
		}
		checkers[id] = c
		compiled++
	}
	opIDs, bodies := fixtureBodies(t, schemas)
	n, refused := 0, 0
	for i, raw := range bodies {
		v, err := decodeNumber(raw)
		if err != nil {
			continue
		}
		c := checkers[opIDs[i]]
		if c == nil {
			continue
		}
		xs := []any{v}
		if len(raw) <= 8<<10 { // the 1,001-item bodies are compared as they are
			xs = variants(v)
		}
		for _, x := range xs {
			n++
			kinErr := kinVerdict(schemas[opIDs[i]], x)
			if kinErr != nil {
				refused++
			}
			if got := c.valid(x); got != (kinErr == nil) {
				b, _ := json.Marshal(x)
				t.Fatalf("%s: checker says valid=%v, kin-openapi says %v, for %s", opIDs[i], got, kinErr, truncate(b))
			}
		}
	}
	if refused == 0 || refused == n {
		t.Fatalf("%d values, %d refused: the variants do not exercise both verdicts", n, refused)
	}
	t.Logf("%d operations compiled; %d values compared, %d refused by both", compiled, n, refused)
}

func truncate(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "..."
	}
	return string(b)
}

// FuzzCheckerAgreesWithKinOpenAPI feeds arbitrary JSON to every operation's compiled checker
// and to kin-openapi, and fails when their verdicts differ.
func FuzzCheckerAgreesWithKinOpenAPI(f *testing.F) {
	schemas := bodySchemas(f)
	opIDs, bodies := fixtureBodies(f, schemas)
	ids := make([]string, 0, len(schemas))
	for id := range schemas {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	index := map[string]int{}
	for i, id := range ids {
		index[id] = i
	}
	for i, b := range bodies {
		f.Add(uint8(index[opIDs[i]]), b)
	}
	cc := newCheckerCompiler()
	f.Fuzz(func(t *testing.T, op uint8, raw []byte) {
		id := ids[int(op)%len(ids)]
		c, err := cc.compile(schemas[id])
		if err != nil {
			t.Skip()
		}
		v, err := decodeNumber(raw)
		if err != nil {
			return
		}
		kinErr := kinVerdict(schemas[id], v)
		if got := c.valid(v); got != (kinErr == nil) {
			t.Fatalf("%s: checker says valid=%v, kin-openapi says %v", id, got, fmt.Sprint(kinErr))
		}
	})
}

// BenchmarkValidateSendMessage validates one messages:send request as the emulator does
// (compiled checker, the parameters by kin-openapi) and with kin-openapi alone, as before.
func BenchmarkValidateSendMessage(b *testing.B) {
	sp, _, err := loadSpecs(nil)
	if err != nil {
		b.Fatal(err)
	}
	ix := newSpecIndex(sp.Conversation)
	route := ix.find("POST", "/v1/projects/{project_id}/messages:send")
	if route == nil {
		b.Fatal("no route")
	}
	v := newRequestValidator(route, ix.checkers)
	raw := []byte(`{"app_id":"01KBENCHAPP0000000000000000","recipient":{"identified_by":{"channel_identities":[{"channel":"SMS","identity":"+15551230001"},{"channel":"WHATSAPP","identity":"+15551230001"}]}},"message":{"text_message":{"text":"Your order 4711 has shipped and will arrive on Friday."}},"channel_priority_order":["SMS","WHATSAPP"],"channel_properties":{"SMS_SENDER":"+15559876543"},"message_metadata":"order-4711"}`)
	params := map[string]string{"project_id": "bench"}
	newReq := func() *http.Request {
		r, _ := http.NewRequest("POST", "http://x/v1/projects/bench/messages:send", bytes.NewReader(raw))
		r.Header.Set("Content-Type", "application/json")
		return r
	}
	b.Run("compiled", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := v.validate(context.Background(), newReq(), pathParams{m: params}, raw); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("kin-openapi", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := v.slow(context.Background(), newReq(), params); err != nil {
				b.Fatal(err)
			}
		}
	})
}
