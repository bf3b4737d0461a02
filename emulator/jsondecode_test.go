package emulator

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// referenceDecode is what kin-openapi does with a JSON body: encoding/json's Decoder with
// UseNumber, first value only.
func referenceDecode(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

// decodeBodyCases are bodies decodeBody must decode itself (not leave to encoding/json), with
// the value encoding/json gives.
var decodeBodyCases = []string{
	`{}`,
	`[]`,
	`{"a":[],"b":{},"c":null,"d":true,"e":false}`,
	`{"n":[0,-1,1.5,-0.25e+10,1E-7,12345678901234567890123]}`,
	` { "spaced" : [ 1 , "two" ] } `,
	`{"esc":"tab\tnew\nquote\"slash\/back\\uni\u00e9\ud83d\ude00"}`,
	`{"utf8":"héllo wörld ✓ 😀"}`,
	`{"dup":1,"dup":"last wins"}`,
	`{"a":{"b":{"c":[{"d":[[[]]]}]}}}`,
	`{"a":1} trailing bytes encoding/json leaves unread`,
	`{"a":1}{"b":2}`,
	`"a string"`,
	`null`,
	`01`,
	`true`,
	`{"":""}`,
	`{"app_id":"01KBENCHAPP0000000000000000","recipient":{"identified_by":{"channel_identities":[{"channel":"SMS","identity":"+15551230001"}]}},"message":{"text_message":{"text":"Your order has shipped."}},"channel_priority_order":["SMS"],"channel_properties":{"SMS_SENDER":"+15559876543"},"message_metadata":"order-4711"}`,
}

// decodeBodyRefused are bodies decodeBody leaves to encoding/json (an error, never a
// different value): invalid JSON, and the valid JSON it does not take on.
var decodeBodyRefused = []string{
	``,
	`   `,
	`{`,
	`{"a":}`,
	`{"a":1,}`,
	`[1,]`,
	`{a:1}`,
	`{"a" 1}`,
	`]`,
	`}`,
	`{"a":tru}`,
	"{\"bad\":\"\xff\"}",     // invalid UTF-8: encoding/json would replace it with U+FFFD
	`{"lone":"\ud800"}`,      // an unpaired surrogate escape: the same
	strings.Repeat(`[`, maxBodyDepth+1) + strings.Repeat(`]`, maxBodyDepth+1),
}

func TestDecodeBodyMatchesEncodingJSON(t *testing.T) {
	for _, in := range decodeBodyCases {
		got, err := decodeBody([]byte(in))
		if err != nil {
			t.Errorf("decodeBody(%q): %v; want it decoded", in, err)
			continue
		}
		want, werr := referenceDecode([]byte(in))
		if werr != nil {
			t.Fatalf("encoding/json refuses %q: %v", in, werr)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("decodeBody(%q) = %#v, encoding/json gives %#v", in, got, want)
		}
	}
}

func TestDecodeBodyRefusesWhatItDoesNotTake(t *testing.T) {
	for _, in := range decodeBodyRefused {
		if v, err := decodeBody([]byte(in)); err == nil {
			t.Errorf("decodeBody(%.40q) = %#v, nil; want an error (left to encoding/json)", in, v)
		}
	}
}

// TestDecodeBodyDoesNotAliasInput checks that decoded strings are copies: the request body's
// buffer may be reused once the request is answered.
func TestDecodeBodyDoesNotAliasInput(t *testing.T) {
	raw := []byte(`{"k":"value","n":42}`)
	v, err := decodeBody(raw)
	if err != nil {
		t.Fatal(err)
	}
	for i := range raw {
		raw[i] = 'x'
	}
	m := v.(map[string]any)
	if m["k"] != "value" || m["n"] != json.Number("42") {
		t.Fatalf("decoded value changed with its input: %#v", m)
	}
}

// FuzzDecodeBodyAgreesWithEncodingJSON holds decodeBody to its contract: whatever it
// decodes, encoding/json decodes too, to an equal value. (It may refuse what encoding/json
// takes: the caller then falls back to encoding/json.)
func FuzzDecodeBodyAgreesWithEncodingJSON(f *testing.F) {
	for _, in := range decodeBodyCases {
		f.Add([]byte(in))
	}
	for _, in := range decodeBodyRefused {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, err := decodeBody(raw)
		if err != nil {
			return
		}
		want, werr := referenceDecode(raw)
		if werr != nil {
			t.Fatalf("decodeBody(%q) = %#v, but encoding/json refuses it: %v", raw, got, werr)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("decodeBody(%q) = %#v, encoding/json gives %#v", raw, got, want)
		}
	})
}

// BenchmarkDecodeBody compares decodeBody with encoding/json on a messages:send body.
func BenchmarkDecodeBody(b *testing.B) {
	raw := []byte(decodeBodyCases[len(decodeBodyCases)-1])
	b.Run("jsontext", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := decodeBody(raw); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := referenceDecode(raw); err != nil {
				b.Fatal(err)
			}
		}
	})
}
