package emulator

import (
	"encoding/json"
	"errors"
	"maps"
	"math"
	"reflect"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
)

// A checker is a request-body schema compiled once, when the server starts, into a tree that
// answers "is this decoded JSON value valid?" without allocating. It gives the same verdict as
// kin-openapi's Schema.VisitJSON with the emulator's options (a request, read-only fields
// tolerated, no defaults written) for the OpenAPI 3.0 keywords it supports; a schema that uses
// any other keyword is not compiled, and its operation is validated by kin-openapi alone.
//
// The checker only says yes or no. When it says no, the request is validated again by
// kin-openapi, whose error becomes the 400's message, so that the answers to invalid requests
// are exactly what they were; the fast path is the valid request, which is nearly all of them.
// TestCheckerAgreesWithKinOpenAPI and FuzzCheckerAgreesWithKinOpenAPI hold the two verdicts
// equal.
type checker struct {
	nullable bool
	types    *openapi3.Types // nil: every type
	enum     []any
	enumStr  map[string]struct{} // enum when every value is a string
	allOf    []*checker

	// numbers
	requireInt       bool
	intFormat        openapi3.IntegerFormatValidator
	numFormat        openapi3.NumberFormatValidator
	min, max         *float64
	exclMin, exclMax *float64 // the bound an exclusive minimum or maximum applies

	// strings
	minLen    uint64
	maxLen    *uint64
	pattern   *openapi3.Schema // a schema holding only the pattern, checked by kin-openapi
	strFormat openapi3.StringFormatValidator

	// arrays
	minItems uint64
	maxItems *uint64
	items    *checker

	// objects
	props              map[string]*checker
	closed             bool     // additionalProperties: false
	additional         *checker // additionalProperties schema
	required           []string // without the read-only ones, which a request may omit
	minProps, maxProps uint64
	hasMaxProps        bool
}

// errUnsupported marks a schema the checker cannot compile.
var errUnsupported = errors.New("schema keyword not supported by the compiled checker")

type checkerKey struct {
	s  *openapi3.Schema
	ro string // read-only property names declared by the schemas this one is an allOf member of
}

// checkerCompiler compiles schemas, sharing the checker of a schema met twice (schemas are
// recursive: a card's choices hold messages).
type checkerCompiler struct {
	done map[checkerKey]*checker
}

func newCheckerCompiler() *checkerCompiler {
	return &checkerCompiler{done: map[checkerKey]*checker{}}
}

// compile returns the checker of s, or errUnsupported.
func (cc *checkerCompiler) compile(s *openapi3.Schema) (*checker, error) {
	return cc.compileIn(s, nil, nil)
}

// compileIn compiles s as met below the allOf chain outer (the schemas visiting the same
// value), whose read-only properties s may leave out even where it requires them.
func (cc *checkerCompiler) compileIn(s *openapi3.Schema, outerRO []string, chain []*openapi3.Schema) (*checker, error) {
	if s == nil {
		return nil, errUnsupported
	}
	if slices.Contains(chain, s) {
		return nil, errUnsupported // an allOf cycle: kin-openapi accepts there, we do not model it
	}
	key := checkerKey{s: s, ro: strings.Join(outerRO, "\x00")}
	if c, ok := cc.done[key]; ok {
		return c, nil
	}
	if len(s.OneOf) > 0 || len(s.AnyOf) > 0 || s.Not != nil || s.Discriminator != nil ||
		s.MultipleOf != nil || s.UniqueItems || s.Const != nil || len(s.PrefixItems) > 0 ||
		s.Contains != nil || s.MinContains != nil || s.MaxContains != nil || len(s.PatternProperties) > 0 ||
		len(s.DependentSchemas) > 0 || s.PropertyNames != nil || s.UnevaluatedItems.Has != nil ||
		s.UnevaluatedItems.Schema != nil || s.UnevaluatedProperties.Has != nil ||
		s.UnevaluatedProperties.Schema != nil || s.If != nil || s.Then != nil || s.Else != nil ||
		len(s.DependentRequired) > 0 || s.Always != nil {
		return nil, errUnsupported
	}
	c := &checker{nullable: s.Nullable || s.Type.IncludesNull(), types: s.Type}
	cc.done[key] = c // before the children, so that recursion finds it

	if len(s.Enum) > 0 {
		c.enum = s.Enum
		c.enumStr = map[string]struct{}{}
		for _, v := range s.Enum {
			str, ok := v.(string)
			if !ok {
				c.enumStr = nil
				break
			}
			c.enumStr[str] = struct{}{}
		}
	}

	// Read-only names for the allOf members: ours and those of the chain above.
	var ro []string
	for name, p := range s.Properties {
		if p != nil && p.Value != nil && p.Value.ReadOnly {
			ro = append(ro, name)
		}
	}
	memberRO := append(append([]string(nil), outerRO...), ro...)
	sort.Strings(memberRO)
	for _, ref := range s.AllOf {
		if ref == nil || ref.Value == nil {
			return nil, errUnsupported
		}
		sub, err := cc.compileIn(ref.Value, memberRO, append(chain, s))
		if err != nil {
			return nil, err
		}
		c.allOf = append(c.allOf, sub)
	}

	// Numbers.
	c.requireInt = s.Type.Permits(openapi3.TypeInteger) && !s.Type.Permits(openapi3.TypeNumber)
	if s.Format != "" {
		if c.requireInt {
			c.intFormat = openapi3.SchemaIntegerFormats[s.Format]
		} else {
			c.numFormat = openapi3.SchemaNumberFormats[s.Format]
		}
		c.strFormat = openapi3.SchemaStringFormats[s.Format]
	}
	c.min, c.max = s.Min, s.Max
	if b := s.ExclusiveMin; b.Value != nil {
		c.exclMin = b.Value
	} else if b.Bool != nil && *b.Bool && s.Min != nil {
		c.exclMin = s.Min
	}
	if b := s.ExclusiveMax; b.Value != nil {
		c.exclMax = b.Value
	} else if b.Bool != nil && *b.Bool && s.Max != nil {
		c.exclMax = s.Max
	}

	// Strings.
	c.minLen, c.maxLen = s.MinLength, s.MaxLength
	if s.Pattern != "" {
		c.pattern = &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}, Pattern: s.Pattern}
	}

	// Arrays.
	c.minItems, c.maxItems = s.MinItems, s.MaxItems
	if s.Items != nil {
		items, err := cc.compileIn(s.Items.Value, nil, nil)
		if err != nil {
			return nil, err
		}
		c.items = items
	}

	// Objects.
	if len(s.Properties) > 0 {
		c.props = make(map[string]*checker, len(s.Properties))
		for name, ref := range s.Properties {
			if ref == nil {
				return nil, errUnsupported
			}
			p, err := cc.compileIn(ref.Value, nil, nil)
			if err != nil {
				return nil, err
			}
			c.props[name] = p
		}
	}
	if has := s.AdditionalProperties.Has; has != nil && !*has {
		c.closed = true
	} else if ref := s.AdditionalProperties.Schema; ref != nil {
		ap, err := cc.compileIn(ref.Value, nil, nil)
		if err != nil {
			return nil, err
		}
		c.additional = ap
	}
	for _, k := range s.Required {
		// A request may leave out a read-only property, whether this schema declares it, one
		// of its allOf members does, or a schema it is an allOf member of.
		if slices.Contains(outerRO, k) || declaresReadOnly(s, k, nil) {
			continue
		}
		c.required = append(c.required, k)
	}
	c.minProps = s.MinProps
	if s.MaxProps != nil {
		c.maxProps, c.hasMaxProps = *s.MaxProps, true
	}
	return c, nil
}

// declaresReadOnly reports whether s or one of its allOf members declares property k read-only.
func declaresReadOnly(s *openapi3.Schema, k string, seen []*openapi3.Schema) bool {
	if s == nil || slices.Contains(seen, s) {
		return false
	}
	if p := s.Properties[k]; p != nil && p.Value != nil && p.Value.ReadOnly {
		return true
	}
	for _, ref := range s.AllOf {
		if ref != nil && declaresReadOnly(ref.Value, k, append(seen, s)) {
			return true
		}
	}
	return false
}

// names returns the object names and string enum values of c and of every checker below it,
// each mapped to itself: the strings a valid body is made of, which the body decoder takes
// from this table rather than allocating them (decodeBodyInterned). The table belongs to its
// caller; c and its children are only read.
func (c *checker) names() map[string]string {
	out := map[string]string{}
	seen := map[*checker]bool{}
	var walk func(c *checker)
	walk = func(c *checker) {
		if c == nil || seen[c] {
			return
		}
		seen[c] = true
		for k := range c.enumStr {
			out[k] = k
		}
		for k, p := range c.props {
			out[k] = k
			walk(p)
		}
		for _, sub := range c.allOf {
			walk(sub)
		}
		walk(c.items)
		walk(c.additional)
	}
	walk(c)
	return out
}

// valid reports whether v, a value decoded by encoding/json with UseNumber, matches.
func (c *checker) valid(v any) bool {
	if v == nil {
		if c.nullable {
			return true
		}
		// A null passes where every allOf member takes it; otherwise it is refused.
		if len(c.allOf) == 0 {
			return false
		}
		for _, sub := range c.allOf {
			if !sub.valid(nil) {
				return false
			}
		}
		return true
	}
	for _, sub := range c.allOf {
		if !sub.valid(v) {
			return false
		}
	}
	if !c.inEnum(v) {
		return false
	}
	switch x := v.(type) {
	case bool:
		return c.types.Permits(openapi3.TypeBoolean)
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return false
		}
		return c.number(f)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
		return c.number(x)
	case string:
		return c.string(x)
	case []any:
		return c.array(x)
	case map[string]any:
		return c.object(x)
	}
	return false
}

func (c *checker) inEnum(v any) bool {
	if c.enum == nil {
		return true
	}
	if c.enumStr != nil {
		s, ok := v.(string)
		if !ok {
			return false
		}
		_, ok = c.enumStr[s]
		return ok
	}
	for _, e := range c.enum {
		if equalJSON(e, v) {
			return true
		}
	}
	return false
}

func (c *checker) number(f float64) bool {
	if c.requireInt {
		if f != math.Trunc(f) {
			return false
		}
		if c.intFormat != nil {
			switch {
			case f == float64(math.MaxInt64):
				if c.intFormat.Validate(math.MaxInt64) != nil {
					return false
				}
			case f >= float64(math.MinInt64) && f < float64(math.MaxInt64):
				if c.intFormat.Validate(int64(f)) != nil {
					return false
				}
			default:
				return false
			}
		}
	} else if !c.types.Permits(openapi3.TypeInteger) && !c.types.Permits(openapi3.TypeNumber) {
		return false
	} else if c.numFormat != nil && c.numFormat.Validate(f) != nil {
		return false
	}
	switch {
	case c.exclMin != nil && !(f > *c.exclMin),
		c.exclMax != nil && !(f < *c.exclMax),
		c.min != nil && !(*c.min <= f),
		c.max != nil && !(*c.max >= f):
		return false
	}
	return true
}

func (c *checker) string(s string) bool {
	if !c.types.Permits(openapi3.TypeString) {
		return false
	}
	if c.minLen != 0 || c.maxLen != nil {
		// kin-openapi counts runes (its UTF-16 surrogate test never matches a decoded rune).
		n := uint64(utf8.RuneCountInString(s))
		if n < c.minLen || (c.maxLen != nil && n > *c.maxLen) {
			return false
		}
	}
	if c.pattern != nil && c.pattern.VisitJSONString(s) != nil {
		return false
	}
	if c.strFormat != nil && c.strFormat.Validate(s) != nil {
		return false
	}
	return true
}

func (c *checker) array(a []any) bool {
	if !c.types.Permits(openapi3.TypeArray) {
		return false
	}
	n := uint64(len(a))
	if n < c.minItems || (c.maxItems != nil && n > *c.maxItems) {
		return false
	}
	if c.items != nil {
		for _, x := range a {
			if !c.items.valid(x) {
				return false
			}
		}
	}
	return true
}

func (c *checker) object(m map[string]any) bool {
	if !c.types.Permits(openapi3.TypeObject) {
		return false
	}
	n := uint64(len(m))
	if n < c.minProps || (c.hasMaxProps && n > c.maxProps) {
		return false
	}
	for k, x := range m {
		if p, ok := c.props[k]; ok {
			if !p.valid(x) {
				return false
			}
			continue
		}
		if c.closed {
			return false
		}
		if c.additional != nil && !c.additional.valid(x) {
			return false
		}
	}
	for _, k := range c.required {
		if _, ok := m[k]; !ok {
			return false
		}
	}
	return true
}

// equalJSON compares an enum value from a spec with a decoded value as kin-openapi does:
// numbers by value, whatever their Go type.
func equalJSON(a, b any) bool {
	if x, ok := jsonFloat(a); ok {
		y, ok := jsonFloat(b)
		return ok && x == y
	}
	switch a := a.(type) {
	case []any:
		b, ok := b.([]any)
		return ok && slices.EqualFunc(a, b, equalJSON)
	case map[string]any:
		b, ok := b.(map[string]any)
		return ok && maps.EqualFunc(a, b, equalJSON)
	}
	return reflect.DeepEqual(a, b)
}

func jsonFloat(v any) (float64, bool) {
	switch v := v.(type) {
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	case float64:
		return v, true
	case float32:
		return float64(v), true
	case int:
		return float64(v), true
	case int8:
		return float64(v), true
	case int16:
		return float64(v), true
	case int32:
		return float64(v), true
	case int64:
		return float64(v), true
	case uint:
		return float64(v), true
	case uint8:
		return float64(v), true
	case uint16:
		return float64(v), true
	case uint32:
		return float64(v), true
	case uint64:
		return float64(v), true
	}
	return 0, false
}
