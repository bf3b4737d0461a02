package emulator

import (
	"encoding/json"
	"strings"
	"testing"
)

// A stored message or event answers exactly the bytes its JSON document did when messages
// were stored as documents: same keys, same order, same escaping.
func TestStoredMessageJSONMatchesDocument(t *testing.T) {
	docs := []doc{
		{"id": "01K9ZD6M1XG3P4T2W8Y6N5QJ7B", "direction": "TO_CONTACT", "accept_time": "2026-01-02T03:04:05.123456789Z",
			"app_message":      doc{"text_message": doc{"text": "Tom & Jerry <b>\u2028 \"quoted\" \\ tab\t"}},
			"channel_identity": doc{"channel": "SMS", "identity": "+15551234567", "app_id": "app-1"},
			"processing_mode":  "CONVERSATION", "injected": false, "metadata": "order <4711>",
			"conversation_id": "conv-1", "contact_id": "ct-1"},
		{"id": "m2", "direction": "TO_APP", "accept_time": "2026-01-02T03:04:05Z",
			"contact_message":  doc{"choice_response_message": doc{"message_id": "m1", "postback_data": "é\x01"}},
			"channel_identity": doc{"channel": "WHATSAPP", "identity": "+15551234567", "app_id": "app-1"},
			"processing_mode":  "DISPATCH", "injected": true, "sender_id": "+15550000000"},
		{"id": "e1", "direction": "TO_CONTACT", "accept_time": "2026-01-02T03:04:05Z",
			"app_event":        doc{"composing_event": doc{}},
			"channel_identity": doc{"channel": "MESSENGER", "identity": "psid-1", "app_id": "app-1"},
			"processing_mode":  "CONVERSATION", "contact_id": "ct-1"},
		{"id": "e2", "accept_time": "2026-01-02T03:04:05Z", "contact_event": doc{"composing_event": doc{}},
			"channel_identity": doc{"channel": "X-FUTURE", "identity": "id"}},
		{"id": "e3", "accept_time": "2026-01-02T03:04:05Z", "processing_mode": "CONVERSATION",
			"contact_message_event": doc{"shortlink_activated_event": doc{"payload": "p"}}, "conversation_id": "c"},
		{"id": "bad\xffutf8", "metadata": "\u2029"},
	}
	for i, d := range docs {
		want, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		m := recordFromDoc(d)
		if got := m.appendJSON(nil); string(got) != string(want) {
			t.Errorf("record %d:\n got %s\nwant %s", i, got, want)
		}
		if got, err := json.Marshal(*m); err != nil || string(got) != string(want) {
			t.Errorf("record %d through encoding/json: %v\n got %s\nwant %s", i, err, got, want)
		}
	}
}

// A request breaking an exactly-one rule deep in the body gets a 400 naming where: the path
// is written out only for the error, while the recursion unwinds.
func TestExactlyOneErrorNamesThePath(t *testing.T) {
	e := newEnv(t)
	app := e.createApp("DISPATCH")
	status, body := e.do("POST", e.conv("/messages:send"), map[string]any{
		"app_id":    app,
		"recipient": smsRecipient("SMS", "+15551234567"),
		"message": map[string]any{"choice_message": map[string]any{
			"text_message": map[string]any{"text": "Pick one"},
			"choices": []any{
				map[string]any{"text_message": map[string]any{"text": "A"}},
				map[string]any{"text_message": map[string]any{"text": "B"}, "url_message": map[string]any{"title": "B", "url": "https://example.com"}},
			},
		}},
	})
	msg := str(obj(body["error"]), "message")
	if status != 400 || !strings.Contains(msg, "at /message/choice_message/choices/1:") {
		t.Fatalf("status %d, message %q", status, msg)
	}
}

// TestAppendJSONValueMatchesMarshal: appendJSONValue writes a decoded JSON value (as the
// request decoder and encoding/json decode it) byte for byte as encoding/json.Marshal does.
func TestAppendJSONValueMatchesMarshal(t *testing.T) {
	docs := []string{
		`{"text_message":{"text":"Your code is 123456"}}`,
		`{"b":1,"a":[1,2.50,-3e-7,1E+21,"x",null,true,false,{},[]],"c":{"z":"<&>","y":"\u2028\u2029","x":"é😀\u0007\"\\"}}`,
		`{"card_message":{"title":"T","choices":[{"text_message":{"text":"a"}},{"url_message":{"title":"u","url":"https://e.com/?a=1&b=<2>"}}]},"agent":null}`,
		`{"<key>":"v","ключ":0.000001,"":[[[]]]}`,
		`[]`, `"s"`, `12345678901234567890`, `null`,
	}
	for _, raw := range docs {
		for _, number := range []bool{true, false} {
			dec := json.NewDecoder(strings.NewReader(raw))
			if number {
				dec.UseNumber()
			}
			var v any
			if err := dec.Decode(&v); err != nil {
				t.Fatalf("%s: %v", raw, err)
			}
			want, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			got, err := appendJSONValue(nil, v)
			if err != nil || string(got) != string(want) {
				t.Errorf("%s (numbers as json.Number: %v):\n got %s (%v)\nwant %s", raw, number, got, err, want)
			}
		}
	}
	// Invalid UTF-8 and values of other types, as code (not a decoder) may build them.
	v := map[string]any{"bad": "a\xffb", "n": 3, "f": 1.5, "m": map[string]string{"k": "<v>"}, "nilmap": map[string]any(nil), "nilarr": []any(nil), "num": json.Number("")}
	want, _ := json.Marshal(v)
	if got, err := appendJSONValue(nil, v); err != nil || string(got) != string(want) {
		t.Errorf("got %s (%v), want %s", got, err, want)
	}
	for _, n := range []json.Number{"1x", `"1"`, " 1", "1 ", "-", "[1]"} {
		if _, err := appendJSONValue(nil, map[string]any{"n": n}); err == nil {
			t.Errorf("json.Number(%q) encoded without error", n)
		}
	}
}

// FuzzAppendJSONValue: for any JSON document, appendJSONValue writes the decoded value as
// encoding/json.Marshal does.
func FuzzAppendJSONValue(f *testing.F) {
	f.Add(`{"text_message":{"text":"<hi> & é"}}`)
	f.Add(`{"b":[1,2.5e-9,null,true],"a":{"":"\u2028"}}`)
	f.Fuzz(func(t *testing.T, raw string) {
		dec := json.NewDecoder(strings.NewReader(raw))
		dec.UseNumber()
		var v any
		if dec.Decode(&v) != nil {
			return
		}
		want, werr := json.Marshal(v)
		got, gerr := appendJSONValue(nil, v)
		if (werr == nil) != (gerr == nil) || string(got) != string(want) {
			t.Fatalf("%q: got %s (%v), want %s (%v)", raw, got, gerr, want, werr)
		}
	})
}
