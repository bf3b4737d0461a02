package emulator

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// referenceCheck is the walk of the rule maps that ruleNode compiles: the exactly-one rules
// of schema s (and of the schemas below it) on value. The tests hold the two equal.
func (r *exactlyOneRules) referenceCheck(s *openapi3.Schema, value any) error {
	if r == nil || s == nil {
		return nil
	}
	if err := r.referenceCheckAt(s, value); err != nil {
		return err.apiError()
	}
	return nil
}

// referenceCheckAt is checkAt over the rule maps.
func (r *exactlyOneRules) referenceCheckAt(s *openapi3.Schema, value any) *exactlyOneError {
	if s == nil || !r.has[s] {
		return nil
	}
	switch v := value.(type) {
	case map[string]any:
		if alts, ok := r.alts[s]; ok {
			n := 0
			for _, req := range alts {
				all := true
				for _, k := range req {
					if _, present := v[k]; !present {
						all = false
						break
					}
				}
				if all {
					n++
				}
			}
			if n == 0 {
				for _, k := range r.alone[s] {
					if m, ok := v[k].(map[string]any); ok && len(m) > 0 {
						n = 1 // the field stands in for the alternatives
					}
				}
			}
			if n != 1 {
				names := make([]string, 0, len(alts))
				for _, req := range alts {
					names = append(names, strings.Join(req, "+"))
				}
				sort.Strings(names)
				verb := "none is set"
				if n > 1 {
					verb = fmt.Sprintf("%d are set", n)
				}
				return &exactlyOneError{names: strings.Join(names, ", "), verb: verb}
			}
		}
		for k, x := range v {
			if p, ok := s.Properties[k]; ok && p != nil {
				if err := r.referenceCheckAt(p.Value, x); err != nil {
					return err.at(k)
				}
			} else if ap := s.AdditionalProperties.Schema; ap != nil {
				if err := r.referenceCheckAt(ap.Value, x); err != nil {
					return err.at(k)
				}
			}
		}
		for _, sub := range s.AllOf {
			if err := r.referenceCheckAt(sub.Value, value); err != nil {
				return err
			}
		}
	case []any:
		if s.Items != nil {
			for i, x := range v {
				if err := r.referenceCheckAt(s.Items.Value, x); err != nil {
					return err.at(strconv.Itoa(i))
				}
			}
		}
	}
	return nil
}

// sendRules returns the exactly-one rules, the messages:send body schema and its compiled
// rules.
func sendRules(t testing.TB) (*exactlyOneRules, *openapi3.Schema, *ruleNode) {
	t.Helper()
	sp, rules, err := loadSpecs(nil)
	if err != nil {
		t.Fatal(err)
	}
	ix := newSpecIndex(sp.Conversation)
	v := newRequestValidator(ix.find("POST", "/v1/projects/{project_id}/messages:send"), ix.checkers)
	if v.schema == nil {
		t.Fatal("messages:send has no body schema")
	}
	return rules, v.schema, rules.compile(v.schema)
}

// exactlyOneBodies are messages:send bodies around the rules: valid ones, and ones that break
// one rule each.
var exactlyOneBodies = []string{
	`{"app_id":"a","recipient":{"contact_id":"c"},"message":{"text_message":{"text":"hi"}}}`,
	`{"app_id":"a","recipient":{"contact_id":"c"},"message":{}}`,
	`{"app_id":"a","recipient":{"contact_id":"c"},"message":{"text_message":{"text":"a"},"media_message":{"url":"https://x"}}}`,
	`{"app_id":"a","recipient":{"contact_id":"c"},"message":{"explicit_channel_message":{"SMS":"x"}}}`,
	`{"app_id":"a","recipient":{"contact_id":"c"},"message":{"explicit_channel_message":{}}}`,
	`{"app_id":"a","recipient":{"contact_id":"c"},"message":{"choice_message":{"text_message":{"text":"q"},"choices":[{"text_message":{"text":"A"}},{"text_message":{"text":"B"},"url_message":{"title":"B","url":"https://e"}}]}}}`,
	`{"app_id":"a","recipient":{"contact_id":"c"},"message":{"choice_message":{"choices":[{}]}}}`,
	`{"app_id":"a","recipient":{"contact_id":"c"},"message":{"card_message":{"title":"t","choices":[{"call_message":{"title":"c","phone_number":"+1"}}]}}}`,
	`{"app_id":"a","recipient":{"contact_id":"c"},"message":{"carousel_message":{"cards":[{"title":"t","choices":[{"text_message":{"text":"a"},"call_message":{"title":"c","phone_number":"+1"}}]}]}}}`,
	`{"app_id":"a","recipient":{"contact_id":"c"},"message":{"template_message":{}}}`,
	`{"app_id":"a","recipient":{"contact_id":"c"},"message":{"template_message":{"omni_template":{"template_id":"t","version":"1"}}}}`,
	`{"app_id":"a","recipient":{"contact_id":"c"},"message":{"template_message":{"omni_template":{"template_id":"t","version":"1"},"channel_template":{}}}}`,
	`{"app_id":"a","recipient":{"identified_by":{"channel_identities":[{"channel":"SMS","identity":"+1"}]}},"message":{"text_message":{"text":"hi"}}}`,
	`{"app_id":"a","recipient":{"contact_id":"c","identified_by":{"channel_identities":[]}},"message":{"text_message":{"text":"hi"}}}`,
	`{"app_id":"a","recipient":{},"message":{"text_message":{"text":"hi"}}}`,
	`{"app_id":"a","recipient":{"contact_id":"c"},"message":{"list_message":{"title":"l","sections":[{"items":[{"choice":{"title":"x"}},{"product":{"id":"p"}}]}]}}}`,
	`{"app_id":"a","recipient":{"contact_id":"c"},"message":{"text_message":{"text":"hi"}},"extra":{"text_message":{},"media_message":{}}}`,
	`{"app_id":"a","message":[{"text_message":{"text":"a"}}],"recipient":"c"}`,
}

// TestRuleNodeAgreesWithRuleMaps checks that the compiled rules answer every body as the walk
// of the rule maps does, message included.
func TestRuleNodeAgreesWithRuleMaps(t *testing.T) {
	rules, schema, node := sendRules(t)
	broken := 0
	for _, in := range exactlyOneBodies {
		body, err := stdDecode([]byte(in))
		if err != nil {
			t.Fatal(err)
		}
		got, want := node.check(body), rules.referenceCheck(schema, body)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s:\ncompiled: %v\nmaps:     %v", in, got, want)
		}
		if got != nil {
			broken++
			t.Logf("%v", got)
		}
	}
	if broken < 8 {
		t.Fatalf("only %d of the bodies break a rule: the cases no longer test the rules", broken)
	}
}

// FuzzRuleNodeAgreesWithRuleMaps holds the compiled rules to the verdict of the rule maps on
// any JSON object (with several rules broken, the two may name different ones).
func FuzzRuleNodeAgreesWithRuleMaps(f *testing.F) {
	for _, in := range exactlyOneBodies {
		f.Add([]byte(in))
	}
	rules, schema, node := sendRules(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		body, err := stdDecode(raw)
		if err != nil {
			return
		}
		got, want := node.check(body), rules.referenceCheck(schema, body)
		if (got == nil) != (want == nil) {
			t.Fatalf("%s:\ncompiled: %v\nmaps:     %v", raw, got, want)
		}
	})
}

// BenchmarkExactlyOneRules compares the compiled rules with the walk of the rule maps on a
// messages:send body.
func BenchmarkExactlyOneRules(b *testing.B) {
	rules, schema, node := sendRules(b)
	body, _ := stdDecode([]byte(decodeBodyCases[len(decodeBodyCases)-1]))
	b.Run("compiled", func(b *testing.B) {
		for b.Loop() {
			if node.check(body) != nil {
				b.Fatal("invalid")
			}
		}
	})
	b.Run("maps", func(b *testing.B) {
		for b.Loop() {
			if rules.referenceCheck(schema, body) != nil {
				b.Fatal("invalid")
			}
		}
	})
}
