package emulator

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// decodeBodyCases are bodies fastDecode must decode itself (not leave to encoding/json), to
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

// decodeBodyRefused are bodies fastDecode leaves to encoding/json (an error, never a
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
	"{\"bad\":\"\xff\"}", // invalid UTF-8: encoding/json would replace it with U+FFFD
	`{"lone":"\ud800"}`,  // an unpaired surrogate escape: the same
	strings.Repeat(`[`, maxBodyDepth+1) + strings.Repeat(`]`, maxBodyDepth+1),
}

// testNames is an intern table as requestValidator builds one, with a name and a value of
// the cases below.
var testNames = map[string]string{"app_id": "app_id", "channel": "channel", "SMS": "SMS", "dup": "dup"}

func TestFastDecodeMatchesEncodingJSON(t *testing.T) {
	for _, names := range []map[string]string{nil, testNames} {
		for _, in := range decodeBodyCases {
			got, err := fastDecode([]byte(in), names)
			if err != nil {
				t.Errorf("fastDecode(%q): %v; want it decoded", in, err)
				continue
			}
			want, werr := stdDecode([]byte(in))
			if werr != nil {
				t.Fatalf("encoding/json refuses %q: %v", in, werr)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("fastDecode(%q) = %#v, encoding/json gives %#v", in, got, want)
			}
		}
	}
}

func TestFastDecodeLeavesToEncodingJSON(t *testing.T) {
	for _, in := range decodeBodyRefused {
		if v, err := fastDecode([]byte(in), nil); err == nil {
			t.Errorf("fastDecode(%.40q) = %#v, nil; want an error (left to encoding/json)", in, v)
		}
	}
}

// TestDecodeBodyIsEncodingJSON checks that decodeBody gives encoding/json's value and error,
// including for what fastDecode leaves to encoding/json.
func TestDecodeBodyIsEncodingJSON(t *testing.T) {
	for _, in := range append(append([]string(nil), decodeBodyCases...), decodeBodyRefused...) {
		got, err := decodeBody([]byte(in))
		want, werr := stdDecode([]byte(in))
		if !reflect.DeepEqual(got, want) || (err == nil) != (werr == nil) || err != nil && err.Error() != werr.Error() {
			t.Errorf("decodeBody(%.40q) = %#v, %v; encoding/json gives %#v, %v", in, got, err, want, werr)
		}
	}
}

// TestFastDecodeDoesNotAliasInput checks that decoded strings are copies: the request body's
// buffer may be reused once the request is answered.
func TestFastDecodeDoesNotAliasInput(t *testing.T) {
	raw := []byte(`{"k":"value","n":42,"e":"a\u0041"}`)
	v, err := fastDecode(raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range raw {
		raw[i] = 'x'
	}
	m := v.(map[string]any)
	if m["k"] != "value" || m["n"] != json.Number("42") || m["e"] != "aA" {
		t.Fatalf("decoded value changed with its input: %#v", m)
	}
}

// FuzzFastDecodeAgreesWithEncodingJSON holds fastDecode to its contract: whatever it
// decodes, encoding/json decodes too, to an equal value (it may refuse what encoding/json
// takes: decodeBody and the validator then use encoding/json). decodeBody must give
// encoding/json's value and error always.
func FuzzFastDecodeAgreesWithEncodingJSON(f *testing.F) {
	for _, in := range decodeBodyCases {
		f.Add([]byte(in))
	}
	for _, in := range decodeBodyRefused {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		want, werr := stdDecode(raw)
		if got, err := decodeBody(raw); !reflect.DeepEqual(got, want) || (err == nil) != (werr == nil) {
			t.Fatalf("decodeBody(%q) = %#v, %v; encoding/json gives %#v, %v", raw, got, err, want, werr)
		}
		got, err := fastDecode(raw, testNames)
		if err != nil {
			return
		}
		if werr != nil {
			t.Fatalf("fastDecode(%q) = %#v, but encoding/json refuses it: %v", raw, got, werr)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("fastDecode(%q) = %#v, encoding/json gives %#v", raw, got, want)
		}
	})
}

// BenchmarkDecodeBody compares fastDecode (with the send operation's intern table) and
// encoding/json on a messages:send body.
func BenchmarkDecodeBody(b *testing.B) {
	raw := []byte(decodeBodyCases[len(decodeBodyCases)-1])
	sp, _, err := loadSpecs(nil)
	if err != nil {
		b.Fatal(err)
	}
	ix := newSpecIndex(sp.Conversation)
	v := newRequestValidator(ix.find("POST", "/v1/projects/{project_id}/messages:send"), ix.checkers)
	b.Run("jsontext", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := fastDecode(raw, v.names); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := stdDecode(raw); err != nil {
				b.Fatal(err)
			}
		}
	})
}
