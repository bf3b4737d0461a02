package phone

import "testing"

func TestValid(t *testing.T) {
	for s, want := range map[string]bool{
		"+15551234567": true, "15551234567": true, "+1 (555) 123-4567": true, "+46.70.123.4567": true,
		"": false, "abc": false, "+0123456789": false, "+1555": false, "+1234567890123456": false, "user@example.com": false,
	} {
		if got := Valid(s); got != want {
			t.Errorf("Valid(%q) = %v, want %v", s, got, want)
		}
	}
	if Normalize(" +1 (555) 123-4567 ") != "+15551234567" {
		t.Error(Normalize(" +1 (555) 123-4567 "))
	}
	if !Channel("WHATSAPP") || Channel("MESSENGER") {
		t.Error("Channel")
	}
}
