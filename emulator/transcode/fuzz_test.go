package transcode

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/relaykit/sinch-go/gen/conversation"
)

// FuzzTranscode feeds arbitrary app messages (as a request body carries them) and channel
// properties to Transcode on every channel: it never panics, an error always wraps ErrInvalid,
// and a result always has a JSON payload and, on SMS, SMS facts that match its text.
func FuzzTranscode(f *testing.F) {
	files, _ := filepath.Glob("testdata/messages/*.json")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, "2", "HORIZONTAL")
	}
	f.Add([]byte(`{"choice_message":{"choices":[{}]}}`), "x", "")
	f.Add([]byte(`{"explicit_channel_message":{"SMS":"not json"}}`), "", "")
	f.Fuzz(func(t *testing.T, body []byte, maxParts, orientation string) {
		var msg conversation.AppMessage
		if json.Unmarshal(body, &msg) != nil {
			return
		}
		opts := Options{ChannelProperties: map[string]string{SMSMaxPartsProperty: maxParts, "RCS_CARD_ORIENTATION": orientation}, To: "+15550100001"}
		for _, ch := range Channels() {
			r, err := Transcode(ch, msg, opts)
			if err != nil {
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("%s: error %v does not wrap ErrInvalid", ch, err)
				}
				continue
			}
			if r.Kind == "" || r.Form == "" {
				t.Fatalf("%s: result without kind or form: %+v", ch, r)
			}
			if r.Kind != KindExplicit && !json.Valid([]byte(r.JSON)) {
				t.Fatalf("%s: payload is not JSON: %q", ch, r.JSON)
			}
			if ch == SMS {
				if r.SMS == nil || r.SMS.Parts < 1 || (utf8.ValidString(r.Text) && r.SMS.Units < utf8.RuneCountInString(r.Text)) {
					t.Fatalf("SMS facts %+v for text %q", r.SMS, r.Text)
				}
			} else if r.SMS != nil {
				t.Fatalf("%s: SMS facts on another channel", ch)
			}
		}
	})
}

// FuzzCountSMS: the part count is consistent with the length and the per-part capacities.
func FuzzCountSMS(f *testing.F) {
	for _, s := range []string{"", "hello", "€€€", "😀ж", string(make([]byte, 200))} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		info := CountSMS(s)
		single, per := gsmSingle, gsmPart
		if info.Encoding == UCS2 {
			single, per = ucs2Single, ucs2Part
		} else if !IsGSM7(s) {
			t.Fatalf("GSM-7 chosen for %q", s)
		}
		switch {
		case info.Units <= single && info.Parts != 1:
			t.Fatalf("%d units in %d parts", info.Units, info.Parts)
		case info.Units > single && (info.Parts < (info.Units+per-1)/per || info.Parts > info.Units):
			t.Fatalf("%d units in %d parts of %d", info.Units, info.Parts, per)
		}
	})
}
