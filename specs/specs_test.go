package specs

import (
	"strings"
	"testing"
)

func TestLoadEveryDocument(t *testing.T) {
	for _, name := range Names {
		doc, err := Load(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if doc.Paths.Len() == 0 {
			t.Errorf("%s has no paths", name)
		}
		again, err := Load(name)
		if err != nil || again != doc {
			t.Errorf("%s: second Load did not return the cached document", name)
		}
	}
}

func TestLoadUnknown(t *testing.T) {
	if _, err := Load("nope.yaml"); err == nil || !strings.Contains(err.Error(), "nope.yaml") {
		t.Errorf("got %v, want an error naming the document", err)
	}
}
