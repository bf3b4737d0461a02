package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"sync"

	"github.com/go-json-experiment/json/jsontext"
)

// decodeBody decodes a JSON request body as kin-openapi does (encoding/json's Decoder with
// UseNumber): the first value, objects as map[string]any, arrays as []any (empty, not nil,
// for []), numbers as json.Number so that a number keeps its text, and a repeated object
// name keeping its last value. Its value and its errors are encoding/json's.
func decodeBody(raw []byte) (any, error) {
	return decodeBodyInterned(raw, nil)
}

// decodeBodyInterned is decodeBody whose strings equal to a key of names are names' value,
// so that the object names and enumerated values a schema declares are not allocated per
// request (see checker.names).
//
// The body is read with jsontext tokens (fastDecode), at a fraction of the cost of
// encoding/json's reflection and scanner; what fastDecode does not take on is decoded by
// encoding/json, which then gives the value or the error.
func decodeBodyInterned(raw []byte, names map[string]string) (any, error) {
	if v, err := fastDecode(raw, names); err == nil {
		return v, nil
	}
	return stdDecode(raw)
}

// stdDecode is what kin-openapi does with a JSON body: encoding/json's Decoder with
// UseNumber, first value only.
func stdDecode(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

// fastDecode decodes raw as stdDecode does, or fails. It is stricter than encoding/json: it
// refuses invalid UTF-8, escapes that are not valid UTF-16 (encoding/json replaces both with
// U+FFFD) and a value nested deeper than maxBodyDepth. Whatever it decodes, it decodes to the
// value encoding/json gives; FuzzFastDecodeAgreesWithEncodingJSON holds the two equal.
func fastDecode(raw []byte, names map[string]string) (any, error) {
	d := bodyDecoders.Get().(*bodyDecoder)
	d.in.Reset()
	d.in.Write(raw) // a copy: nothing decoded refers to raw or to the pooled buffer
	d.dec.Reset(&d.in, bodyDecoderOptions...)
	d.names = names
	v, err := d.value(0)
	d.dec.Reset(&emptyBuffer) // drop the reference to d.in's bytes held by the decoder
	d.names = nil
	if d.in.Cap() <= maxPooledBody && cap(d.scratch) <= maxPooledBody && cap(d.items) <= maxPooledBody/16 {
		bodyDecoders.Put(d)
	}
	return v, err
}

// maxBodyDepth bounds the nesting of a body fastDecode decodes (the deepest body the specs
// describe nests about ten levels); deeper ones are left to encoding/json.
const maxBodyDepth = 256

// maxPooledBody is the largest buffer kept for reuse, so that one large body does not pin its
// memory in the pool.
const maxPooledBody = 64 << 10

// bodyDecoderOptions are jsontext's defaults (valid UTF-8 only) with duplicate names allowed,
// so that a repeated name keeps its last value as with encoding/json rather than costing a
// decode by encoding/json.
var bodyDecoderOptions = []jsontext.Options{jsontext.AllowDuplicateNames(true)}

// bodyDecoder is a reusable jsontext decoder with its input buffer.
type bodyDecoder struct {
	in      bytes.Buffer
	dec     jsontext.Decoder
	scratch []byte            // unescaped strings
	items   []any             // the elements of the arrays being read
	names   map[string]string // the strings not to allocate, or nil
}

// bodyDecoders pools bodyDecoders: a jsontext.Decoder is a few hundred bytes of state.
var bodyDecoders = sync.Pool{New: func() any { return new(bodyDecoder) }}

// emptyBuffer is the input a pooled decoder is left reading. It is never written to.
var emptyBuffer bytes.Buffer

// errNotJSONValue reports a token that cannot start a value (a stray closing delimiter).
var errNotJSONValue = errors.New("emulator: unexpected JSON token")

// errTooDeep reports a body nested deeper than maxBodyDepth.
var errTooDeep = errors.New("emulator: JSON body nested too deeply for the fast decoder")

// value reads the next value; depth is the number of objects and arrays around it.
func (d *bodyDecoder) value(depth int) (any, error) {
	if depth >= maxBodyDepth {
		return nil, errTooDeep
	}
	switch d.dec.PeekKind() {
	case '{':
		if _, err := d.dec.ReadToken(); err != nil {
			return nil, err
		}
		m := make(map[string]any)
		for d.dec.PeekKind() == '"' {
			key, err := d.str()
			if err != nil {
				return nil, err
			}
			v, err := d.value(depth + 1)
			if err != nil {
				return nil, err
			}
			m[key] = v
		}
		if _, err := d.dec.ReadToken(); err != nil { // '}', or the error PeekKind met
			return nil, err
		}
		return m, nil
	case '[':
		if _, err := d.dec.ReadToken(); err != nil {
			return nil, err
		}
		// The elements gather on d.items, so that the array is allocated once, at its size.
		base := len(d.items)
		defer func() {
			clear(d.items[base:]) // the pool must not keep decoded values alive
			d.items = d.items[:base]
		}()
		for k := d.dec.PeekKind(); k != ']' && k != 0; k = d.dec.PeekKind() {
			v, err := d.value(depth + 1)
			if err != nil {
				return nil, err
			}
			d.items = append(d.items, v)
		}
		if _, err := d.dec.ReadToken(); err != nil { // ']', or the error PeekKind met
			return nil, err
		}
		return append(make([]any, 0, len(d.items)-base), d.items[base:]...), nil
	case '"':
		return d.str()
	}
	raw, err := d.dec.ReadValue() // a literal or a number; an error for anything else
	if err != nil {
		return nil, err
	}
	switch raw.Kind() {
	case 'n':
		return nil, nil
	case 'f':
		return false, nil
	case 't':
		return true, nil
	case '0':
		return json.Number(raw), nil
	}
	return nil, errNotJSONValue
}

// str reads the next value, a string (or an object name), unescaped.
func (d *bodyDecoder) str() (string, error) {
	raw, err := d.dec.ReadValue()
	if err != nil {
		return "", err
	}
	if len(raw) < 2 || raw[0] != '"' {
		return "", errNotJSONValue
	}
	s := raw[1 : len(raw)-1] // the decoder has checked the string: valid UTF-8, valid escapes
	if bytes.IndexByte(s, '\\') >= 0 {
		if d.scratch, err = jsontext.AppendUnquote(d.scratch[:0], raw); err != nil {
			return "", err
		}
		s = d.scratch
	}
	if v, ok := d.names[string(s)]; ok {
		return v, nil
	}
	return string(s), nil
}
