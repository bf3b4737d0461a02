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
// name keeping its last value.
//
// It reads the body's tokens with jsontext, which costs a fraction of encoding/json's
// reflection and scanner, and it is stricter: it refuses invalid UTF-8, escapes that are not
// valid UTF-16, and a value nested deeper than maxBodyDepth. Such a refusal is never a verdict: the caller
// (requestValidator.validate) then validates the request with kin-openapi, which decodes with
// encoding/json and gives the exact answer. Whatever decodeBody accepts, it decodes to the
// value encoding/json gives; FuzzDecodeBodyAgreesWithEncodingJSON holds the two equal.
func decodeBody(raw []byte) (any, error) {
	d := bodyDecoders.Get().(*bodyDecoder)
	d.in.Reset()
	d.in.Write(raw) // a copy: nothing decoded refers to raw or to the pooled buffer
	d.dec.Reset(&d.in, bodyDecoderOptions...)
	v, err := d.value(0)
	d.dec.Reset(&emptyBuffer) // drop the reference to d.in's bytes held by the decoder
	if d.in.Cap() <= maxPooledBody {
		bodyDecoders.Put(d)
	}
	return v, err
}

// maxBodyDepth bounds the nesting of a body decodeBody decodes itself (the deepest body the
// specs describe nests about ten levels); deeper ones are left to encoding/json.
const maxBodyDepth = 256

// maxPooledBody is the largest input buffer kept for reuse, so that one large body does not
// pin its memory in the pool.
const maxPooledBody = 64 << 10

// bodyDecoderOptions are jsontext's defaults (valid UTF-8 only) with duplicate names allowed,
// so that a repeated name keeps its last value as with encoding/json rather than costing a
// slow validation.
var bodyDecoderOptions = []jsontext.Options{jsontext.AllowDuplicateNames(true)}

// bodyDecoder is a reusable jsontext decoder with its input buffer.
type bodyDecoder struct {
	in  bytes.Buffer
	dec jsontext.Decoder
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
	tok, err := d.dec.ReadToken()
	if err != nil {
		return nil, err
	}
	switch tok.Kind() {
	case 'n':
		return nil, nil
	case 'f':
		return false, nil
	case 't':
		return true, nil
	case '"':
		return tok.String(), nil
	case '0':
		return json.Number(tok.String()), nil
	case '{':
		m := make(map[string]any)
		for d.dec.PeekKind() == '"' {
			name, err := d.dec.ReadToken()
			if err != nil {
				return nil, err
			}
			key := name.String()
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
		a := make([]any, 0)
		for k := d.dec.PeekKind(); k != ']' && k != 0; k = d.dec.PeekKind() {
			v, err := d.value(depth + 1)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		if _, err := d.dec.ReadToken(); err != nil { // ']', or the error PeekKind met
			return nil, err
		}
		return a, nil
	}
	return nil, errNotJSONValue
}
