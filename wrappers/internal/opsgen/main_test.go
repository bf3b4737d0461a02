package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// TestCheckedInOutputIsCurrent regenerates the three files in memory and compares them with
// the checked-in copies in wrappers/sinch (run `go generate ./wrappers/sinch` when it fails).
func TestCheckedInOutputIsCurrent(t *testing.T) {
	cases := []struct{ gen, spec, pkg, svc, out, skip string }{
		{"../../../gen/conversation/conversation.gen.go", "conversation.yaml", "conversation", "ConversationService", "conversation_ops.go", "SendMessage,SendEvent"},
		{"../../../gen/templates/templates.gen.go", "templates.yaml", "templates", "TemplatesService", "templates_ops.go", "UpdateTemplate"},
		{"../../../gen/batch/batch.gen.go", "batch.yaml", "batch", "BatchService", "batch_ops.go", ""},
	}
	for _, c := range cases {
		got, err := generate(c.gen, c.spec, c.pkg, c.svc, strings.Split(c.skip, ","))
		if err != nil {
			t.Fatalf("%s: %v", c.out, err)
		}
		want, err := os.ReadFile("../../sinch/" + c.out)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("wrappers/sinch/%s is stale: run go generate ./wrappers/sinch", c.out)
		}
		if !bytes.Contains(got, []byte("DO NOT EDIT")) || !bytes.Contains(got, []byte("func (s *"+c.svc+")")) {
			t.Errorf("%s: unexpected output", c.out)
		}
	}
}
