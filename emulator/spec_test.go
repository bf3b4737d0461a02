package emulator

import (
	"strings"
	"testing"

	contracttests "github.com/relaykit/sinch-go/contract_tests"
	"github.com/relaykit/sinch-go/specs"
)

// TestEveryOperationIsInTheSpec checks that each operation the emulator serves is in the
// specs under the same method, path and operationId (so that every request is validated),
// and that the specs have no operation the emulator lacks.
func TestEveryOperationIsInTheSpec(t *testing.T) {
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	check := func(name string, ops []op, ix *specIndex, docNames ...string) {
		served := map[string]bool{}
		for _, o := range ops {
			served[o.method+" "+o.path] = true
			r := ix.find(o.method, o.path)
			if r == nil {
				t.Errorf("%s: %s %s (%s) is not in the spec", name, o.method, o.path, o.id)
				continue
			}
			if r.Operation.OperationID != o.id {
				t.Errorf("%s: %s %s is %q in the spec, %q here", name, o.method, o.path, r.Operation.OperationID, o.id)
			}
		}
		for _, dn := range docNames {
			doc, err := specs.Load(dn)
			if err != nil {
				t.Fatal(err)
			}
			for path, item := range doc.Paths.Map() {
				for method, op := range item.Operations() {
					if !served[method+" "+serverPathPrefix(doc)+path] {
						t.Errorf("%s: the spec's %s %s (%s) is not served", name, method, path, op.OperationID)
					}
				}
			}
		}
	}
	conv := s.conversationOps()
	if len(conv) != 45 {
		t.Errorf("%d Conversation API operations, want 45", len(conv))
	}
	check("conversation", conv, s.convIx, specs.Conversation)
	check("templates", s.templateOps(), s.convIx, specs.Templates)
	check("batch", s.batchOps(), s.batchIx, specs.Batch)
}

// TestContractFixtureRequestsAreAccepted replays the request of every contract fixture: the
// valid ones must pass validation (they may still be 404 for ids the emulator does not
// hold), the negative ones that the spec rejects must be answered 400.
func TestContractFixtureRequestsAreAccepted(t *testing.T) {
	e := newEnv(t)
	n := 0
	for _, api := range []string{"conversation", "templates", "batch"} {
		for _, kind := range []string{"ops", "negative"} {
			fixtures, err := contracttests.Fixtures(api, kind)
			if err != nil {
				t.Fatal(err)
			}
			for _, fx := range fixtures {
				name := api + "/" + kind + "/" + fx.File
				if kind == "negative" && fx.Reject != "request" {
					continue
				}
				if why, ok := lenient[name]; ok {
					t.Logf("%s: accepted on purpose: %s", name, why)
					continue
				}
				base := e.srv.ConversationURL()
				if api == "batch" {
					base = e.srv.BatchURL()
				}
				u := base + fx.Path
				if fx.Query != "" {
					u += "?" + fx.Query
				}
				var body any
				if len(fx.Request) > 0 {
					body = string(fx.Request)
				}
				n++
				st, out := e.do(fx.Method, u, body)
				msg := str(out, "error", "message")
				switch {
				case kind == "negative" && st != 400:
					t.Errorf("%s: negative fixture answered %d, want 400", name, st)
				case kind == "ops" && st == 400 && (strings.HasPrefix(msg, "request body") || strings.Contains(msg, "parameter")):
					t.Errorf("%s: valid fixture refused by validation: %s", name, msg)
				case kind == "ops" && st >= 500:
					t.Errorf("%s: answered %d", name, st)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no contract fixture was replayed")
	}
}

// lenient lists the negative fixtures the emulator accepts on purpose, because an official
// SDK sends such requests.
var lenient = map[string]string{
	"templates/negative/updateTemplate_without_id.json": "the Node SDK sends template updates without id; the emulator takes it from the path",
}
