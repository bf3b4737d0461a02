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

func TestLoadCopyIsPrivate(t *testing.T) {
	shared, err := Load(Conversation)
	if err != nil {
		t.Fatal(err)
	}
	a, err := LoadCopy(Conversation)
	if err != nil {
		t.Fatal(err)
	}
	b, err := LoadCopy(Conversation)
	if err != nil {
		t.Fatal(err)
	}
	if a == b || a == shared {
		t.Fatal("LoadCopy returned a shared document")
	}
	a.Components.Schemas["AppMessage"].Value.OneOf = nil
	if len(shared.Components.Schemas["AppMessage"].Value.OneOf) == 0 || len(b.Components.Schemas["AppMessage"].Value.OneOf) == 0 {
		t.Fatal("changing one copy changed another")
	}
}
