package sinch_test

import (
	"io"
	"os"
	"regexp"
	"testing"
)

// captureStdout runs f and returns what it printed.
func captureStdout(t *testing.T, f func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdout
	os.Stdout = w
	done := make(chan []byte)
	go func() { b, _ := io.ReadAll(r); done <- b }()
	defer func() { os.Stdout = old }()
	f()
	_ = w.Close()
	return string(<-done)
}

// TestTaskListContacts runs ExampleContactsService_List (T3), whose ids change on every run, and
// checks that it printed each contact's id and display name.
func TestTaskListContacts(t *testing.T) {
	out := captureStdout(t, ExampleContactsService_List)
	if !regexp.MustCompile(`^[0-9A-Z]{26} Ann\n[0-9A-Z]{26} Bo\n$`).MatchString(out) {
		t.Fatalf("printed %q, want each contact's id and name", out)
	}
}
