package emulator

import (
	"maps"
	"testing"
)

// TestPackPropsRoundTrip checks that a trace's packed channel_properties give back the map
// they were packed from, whatever the keys and values hold.
func TestPackPropsRoundTrip(t *testing.T) {
	for _, m := range []map[string]string{
		{"SMS_SENDER": "+15559876543"},
		{"SMS_SENDER": "", "": "x", "SMS_FLASH_MESSAGE": "true", "A\x00B": "\x80é" + string(make([]byte, 300))},
	} {
		if got := unpackProps(string(appendProps(nil, m))); !maps.Equal(got, m) {
			t.Errorf("unpackProps(appendProps(%q)) = %q", m, got)
		}
	}
	if s := appendProps(nil, nil); len(s) != 0 {
		t.Errorf("appendProps(nil, nil) = %q, want nothing", s)
	}
	if m := unpackProps(""); m != nil {
		t.Errorf("unpackProps(\"\") = %q, want nil", m)
	}
	if m := unpackProps("\x05ab"); len(m) != 0 {
		t.Errorf("unpackProps of a cut string = %q, want nothing", m)
	}
}
