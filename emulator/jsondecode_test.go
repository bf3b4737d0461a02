package emulator

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzDecodeBody holds decodeBody equal to encoding/json's Decoder with UseNumber: the same
// value, or an error for both.
func FuzzDecodeBody(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"a":1,"b":[true,false,null],"c":{"d":"e\n\"\\\/\t"}}`, `{"a":"é\u00e9"}`, `{"a":-0.5e+10}`,
		`{"a":01}`, `{"a":1} x`, `{"a":1}  `, `{"a":"\ud800"}`, `{"a" : [ 1 , 2 ] }`, `{"a":1,"a":2}`,
		`[1]`, `"x"`, `{"a":"` + "\x01" + `"}`, `{"a":"\xff"}`, `{"a":1.}`, `{"a":-}`, `{"a":tru}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var want any
		wantErr := dec.Decode(&want)
		got, err := decodeBody(raw)
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("%q: error %v, encoding/json says %v", raw, err, wantErr)
		}
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: %#v, encoding/json gives %#v", raw, got, want)
		}
	})
}

// TestFastDecodeTakesPlainObjects checks that the bodies clients send take the fast path.
func TestFastDecodeTakesPlainObjects(t *testing.T) {
	for _, s := range []string{`{"app_id":"A","recipient":{"contact_id":"C"},"message":{"text_message":{"text":"Hé \"there\"\n"}},"n":[1,-2.5e3]}`, `{}`} {
		if _, ok := fastDecode([]byte(s)); !ok {
			t.Errorf("%s went to encoding/json", s)
		}
	}
}

func BenchmarkDecodeBody(b *testing.B) {
	raw := []byte(`{"app_id":"01KBENCH","recipient":{"identified_by":{"channel_identities":[{"channel":"SMS","identity":"+15551230001"}]}},"message":{"text_message":{"text":"Your code is 123456"}},"channel_properties":{"SMS_SENDER":"+15559876543"}}`)
	b.Run("fast", func(b *testing.B) {
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
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.UseNumber()
			var v any
			if err := dec.Decode(&v); err != nil {
				b.Fatal(err)
			}
		}
	})
}
