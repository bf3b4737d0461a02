package transcode

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relaykit/sinch-go/gen/conversation"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// goldenResult is a Result as the golden files hold it, with the payload as JSON.
type goldenResult struct {
	Kind       Kind            `json:"kind"`
	Native     bool            `json:"native"`
	Form       Form            `json:"form"`
	Payload    json.RawMessage `json:"payload"`
	Text       string          `json:"text"`
	SMS        *SMSInfo        `json:"sms,omitempty"`
	Violations []Violation     `json:"violations,omitempty"`
}

func loadMessage(t testing.TB, path string) conversation.AppMessage {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m conversation.AppMessage
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

// TestGolden transcodes every message under testdata/messages for every channel and compares
// the results with testdata/golden/<message>.json (go test -run Golden -update rewrites them).
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/messages/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no messages under testdata/messages: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			msg := loadMessage(t, f)
			got := map[Channel]goldenResult{}
			for _, ch := range Channels() {
				r, err := Transcode(ch, msg, Options{To: "+15550100001", From: "+15550100999"})
				if err != nil {
					t.Fatalf("%s: %v", ch, err)
				}
				if !json.Valid([]byte(r.JSON)) {
					t.Fatalf("%s: payload is not JSON: %s", ch, r.JSON)
				}
				// A kind is sent natively exactly where the channel-support table says so,
				// unless a limit made it text (then a violation says why).
				if r.Kind != KindTemplate && len(r.Violations) == 0 && r.Native != Native(ch, r.Kind) {
					t.Errorf("%s: Native = %v for %s without a violation, the table says %v", ch, r.Native, r.Kind, Native(ch, r.Kind))
				}
				got[ch] = goldenResult{r.Kind, r.Native, r.Form, json.RawMessage(r.JSON), r.Text, r.SMS, r.Violations}
			}
			b, err := json.MarshalIndent(got, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			b = append(b, '\n')
			golden := filepath.Join("testdata", "golden", name+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, b, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run Golden -update to create it)", err)
			}
			if !bytes.Equal(b, want) {
				t.Errorf("%s differs from the golden file; got:\n%s", golden, b)
			}
		})
	}
}
