package emulator

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/relaykit/sinch-go/specs"
)

// The emulator validates against its own copies of the embedded documents, loaded once per
// process and prepared for fast validation (see exactlyOne). They are read-only afterwards.
var (
	ownSpecsOnce sync.Once
	ownSpecs     Specs
	ownRules     *exactlyOneRules
	ownSpecsErr  error
)

// loadSpecs returns the documents to validate against and their exactly-one rules: the
// embedded ones, replaced by any given in override (override documents are used as they are,
// without the exactly-one preparation).
func loadSpecs(override *Specs) (Specs, *exactlyOneRules, error) {
	ownSpecsOnce.Do(func() {
		ownRules = &exactlyOneRules{alts: map[*openapi3.Schema][][]string{}, has: map[*openapi3.Schema]bool{}}
		for _, x := range []struct {
			dst  **openapi3.T
			name string
		}{{&ownSpecs.Conversation, specs.Conversation}, {&ownSpecs.Templates, specs.Templates}, {&ownSpecs.Batch, specs.Batch}} {
			doc, err := specs.LoadCopy(x.name) // a private copy: extract changes it
			if err != nil {
				ownSpecsErr = fmt.Errorf("emulator: %w", err)
				return
			}
			ownRules.extract(doc)
			*x.dst = doc
		}
	})
	if ownSpecsErr != nil {
		return Specs{}, nil, ownSpecsErr
	}
	out := ownSpecs
	if override != nil {
		if override.Conversation != nil {
			out.Conversation = override.Conversation
		}
		if override.Templates != nil {
			out.Templates = override.Templates
		}
		if override.Batch != nil {
			out.Batch = override.Batch
		}
	}
	return out, ownRules, nil
}

// exactlyOneRules holds the specs' "exactly one of these fields" rules, written as a oneOf of
// alternatives that only list required fields (see CONVENTIONS.md). kin-openapi checks a
// oneOf by validating a deep copy of the value against every alternative, which made
// validation of one messages:send (an AppMessage has a dozen alternatives) several times
// slower than everything else together. The emulator removes these oneOfs from its private
// copy of the specs and checks them itself, once schema validation has passed.
type exactlyOneRules struct {
	alts map[*openapi3.Schema][][]string // schema → its alternatives' required fields
	has  map[*openapi3.Schema]bool       // schema → it or a schema below it has a rule
	// alone lists, per schema, the fields that may stand in for every alternative (the
	// schema's x-or-alone extension): an AppMessage may hold only explicit_channel_message.
	alone map[*openapi3.Schema][]string
}

// orAloneExtension names the spec extension listing the fields that may replace a oneOf's
// alternatives when none of them is set.
const orAloneExtension = "x-or-alone"

// extract finds the rules in every schema of doc, records them and removes the oneOfs.
func (r *exactlyOneRules) extract(doc *openapi3.T) {
	visiting := map[*openapi3.Schema]bool{}
	var walk func(s *openapi3.Schema) bool
	walk = func(s *openapi3.Schema) bool {
		if s == nil {
			return false
		}
		if v, ok := r.has[s]; ok {
			return v
		}
		if visiting[s] {
			return false // a cycle: the outer visit decides
		}
		visiting[s] = true
		found := false
		if alts, ok := requiredOnly(s.OneOf); ok {
			r.alts[s] = alts
			s.OneOf = nil
			found = true
			if list, ok := s.Extensions[orAloneExtension].([]any); ok {
				if r.alone == nil {
					r.alone = map[*openapi3.Schema][]string{}
				}
				for _, x := range list {
					if k, ok := x.(string); ok {
						r.alone[s] = append(r.alone[s], k)
					}
				}
			}
		}
		children := []*openapi3.SchemaRef{s.Items, s.Not}
		if s.AdditionalProperties.Schema != nil {
			children = append(children, s.AdditionalProperties.Schema)
		}
		for _, p := range s.Properties {
			children = append(children, p)
		}
		children = append(children, s.AllOf...)
		children = append(children, s.AnyOf...)
		children = append(children, s.OneOf...)
		for _, c := range children {
			if c != nil && walk(c.Value) {
				found = true
			}
		}
		delete(visiting, s)
		r.has[s] = found
		return found
	}
	if doc.Components != nil {
		for _, s := range doc.Components.Schemas {
			walk(s.Value)
		}
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for _, mt := range op.RequestBody.Value.Content {
					if mt.Schema != nil {
						walk(mt.Schema.Value)
					}
				}
			}
			for _, p := range op.Parameters {
				if p.Value != nil && p.Value.Schema != nil {
					walk(p.Value.Schema.Value)
				}
			}
			if op.Responses != nil {
				for _, resp := range op.Responses.Map() {
					if resp.Value == nil {
						continue
					}
					for _, mt := range resp.Value.Content {
						if mt.Schema != nil {
							walk(mt.Schema.Value)
						}
					}
				}
			}
		}
	}
}

// requiredOnly reports whether every alternative of a oneOf only lists required fields, and
// returns those lists.
func requiredOnly(oneOf openapi3.SchemaRefs) ([][]string, bool) {
	if len(oneOf) == 0 {
		return nil, false
	}
	var alts [][]string
	for _, ref := range oneOf {
		a := ref.Value
		if a == nil || len(a.Required) == 0 || a.Type != nil || len(a.Properties) > 0 || a.Items != nil ||
			len(a.AllOf)+len(a.AnyOf)+len(a.OneOf) > 0 || a.Not != nil || len(a.Enum) > 0 {
			return nil, false
		}
		alts = append(alts, a.Required)
	}
	return alts, true
}

// ruleNode holds the exactly-one rules of one schema and of the schemas below it, compiled for
// checking request bodies: nil where no rule applies. It answers as a walk of the schema with
// the rule maps would, without looking a schema up in them for every value of the body.
type ruleNode struct {
	alts  [][]string // the alternatives' required fields; none when the schema has no rule
	names string     // the alternatives as an error lists them
	alone []string   // the fields that may stand in for every alternative
	// props are the declared properties with rules below them, by name; declared holds every
	// property the schema declares, so that the others are checked by additional.
	props      []ruleProp
	declared   map[string]bool
	additional *ruleNode
	allOf      []*ruleNode
	items      *ruleNode
}

// ruleProp is a property of a ruleNode.
type ruleProp struct {
	name string
	node *ruleNode
}

// compile returns the rules of schema s as a ruleNode, nil when no rule applies to a value of
// s. The rules are only read.
func (r *exactlyOneRules) compile(s *openapi3.Schema) *ruleNode {
	if r == nil {
		return nil
	}
	done := map[*openapi3.Schema]*ruleNode{}
	var compile func(s *openapi3.Schema) *ruleNode
	compile = func(s *openapi3.Schema) *ruleNode {
		if s == nil || !r.has[s] {
			return nil
		}
		if n, ok := done[s]; ok {
			return n
		}
		n := &ruleNode{alone: r.alone[s]}
		done[s] = n // before the children, so that recursion finds it
		if alts, ok := r.alts[s]; ok {
			n.alts = alts
			names := make([]string, 0, len(alts))
			for _, req := range alts {
				names = append(names, strings.Join(req, "+"))
			}
			sort.Strings(names)
			n.names = strings.Join(names, ", ")
		}
		n.declared = map[string]bool{}
		for name, p := range s.Properties {
			if p == nil {
				continue
			}
			n.declared[name] = true
			if c := compile(p.Value); c != nil {
				n.props = append(n.props, ruleProp{name, c})
			}
		}
		slices.SortFunc(n.props, func(a, b ruleProp) int { return strings.Compare(a.name, b.name) })
		if ap := s.AdditionalProperties.Schema; ap != nil {
			n.additional = compile(ap.Value)
		}
		for _, sub := range s.AllOf {
			if c := compile(sub.Value); c != nil {
				n.allOf = append(n.allOf, c)
			}
		}
		if s.Items != nil {
			n.items = compile(s.Items.Value)
		}
		return n
	}
	return compile(s)
}

// check verifies the exactly-one rules of n on value, a decoded request body, and returns a
// 400 *apiError that says which rule is broken and where.
func (n *ruleNode) check(value any) error {
	if err := n.checkAt(value); err != nil {
		return err.apiError()
	}
	return nil
}

// checkAt returns the first broken rule of n found in value, or nil.
func (n *ruleNode) checkAt(value any) *exactlyOneError {
	if n == nil {
		return nil
	}
	switch v := value.(type) {
	case map[string]any:
		if n.alts != nil {
			k := 0
			for _, req := range n.alts {
				all := true
				for _, f := range req {
					if _, present := v[f]; !present {
						all = false
						break
					}
				}
				if all {
					k++
				}
			}
			if k == 0 {
				for _, f := range n.alone {
					if m, ok := v[f].(map[string]any); ok && len(m) > 0 {
						k = 1 // the field stands in for the alternatives
					}
				}
			}
			if k != 1 {
				verb := "none is set"
				if k > 1 {
					verb = fmt.Sprintf("%d are set", k)
				}
				return &exactlyOneError{names: n.names, verb: verb}
			}
		}
		for _, p := range n.props {
			if x, ok := v[p.name]; ok {
				if err := p.node.checkAt(x); err != nil {
					return err.at(p.name)
				}
			}
		}
		if n.additional != nil {
			for k, x := range v {
				if !n.declared[k] {
					if err := n.additional.checkAt(x); err != nil {
						return err.at(k)
					}
				}
			}
		}
		for _, sub := range n.allOf {
			if err := sub.checkAt(value); err != nil {
				return err
			}
		}
	case []any:
		if n.items != nil {
			for i, x := range v {
				if err := n.items.checkAt(x); err != nil {
					return err.at(strconv.Itoa(i))
				}
			}
		}
	}
	return nil
}

// exactlyOneError is a broken exactly-one rule found by checkAt; path lists the members
// from the failing object up to the root, added while the recursion unwinds, so that a
// valid body costs no allocation for paths.
type exactlyOneError struct {
	path        []string
	names, verb string
}

// apiError is the 400 that reports the broken rule: which fields, and where in the body.
func (e *exactlyOneError) apiError() error {
	where := "/"
	if len(e.path) > 0 {
		slices.Reverse(e.path) // at adds the innermost member first
		where = "/" + strings.Join(e.path, "/")
	}
	return errInvalid("request body at %s: exactly one of %s must be set, %s", where, e.names, e.verb)
}

// at adds the member (or array index) the failing value was found under.
func (e *exactlyOneError) at(key string) *exactlyOneError {
	e.path = append(e.path, key)
	return e
}
