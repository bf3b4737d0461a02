package transcode

import (
	"strings"
	"testing"
)

func TestCountSMS(t *testing.T) {
	cases := []struct {
		name  string
		text  string
		enc   Encoding
		units int
		parts int
	}{
		{"empty", "", GSM7, 0, 1},
		{"ascii", "Your code is 1234", GSM7, 17, 1},
		{"gsm 160 fits one", strings.Repeat("a", 160), GSM7, 160, 1},
		{"gsm 161 needs two", strings.Repeat("a", 161), GSM7, 161, 2},
		{"gsm 306 is two parts of 153", strings.Repeat("a", 306), GSM7, 306, 2},
		{"gsm 307 is three", strings.Repeat("a", 307), GSM7, 307, 3},
		{"gsm accented basic letters", "Café à Zürich, ñ", GSM7, 16, 1},
		{"greek capitals are gsm", "ΔΦΓΛΩΠΨΣΘΞ", GSM7, 10, 1},
		{"extension chars count double", "{[€]}", GSM7, 10, 1},
		{"80 euro signs fill one sms", strings.Repeat("€", 80), GSM7, 160, 1},
		{"81 euro signs need two", strings.Repeat("€", 81), GSM7, 162, 2},
		// 152 'a' then '€': the euro's two septets do not fit the 153rd septet of part 1.
		{"escape never split across parts", strings.Repeat("a", 152) + "€" + strings.Repeat("a", 10), GSM7, 164, 2},
		// 306 septets would fill two parts exactly, but the euro cannot straddle them.
		{"escape pushed to the next part", strings.Repeat("a", 152) + "€" + strings.Repeat("a", 152), GSM7, 306, 3},
		{"one emoji makes ucs2", "Hi 👋", UCS2, 5, 1},
		{"lowercase accented outside gsm", "ç", UCS2, 1, 1},
		{"ucs2 70 fits one", strings.Repeat("ж", 70), UCS2, 70, 1},
		{"ucs2 71 needs two", strings.Repeat("ж", 71), UCS2, 71, 2},
		{"ucs2 134 is two parts of 67", strings.Repeat("ж", 134), UCS2, 134, 2},
		{"ucs2 135 is three", strings.Repeat("ж", 135), UCS2, 135, 3},
		{"surrogate pair never split", strings.Repeat("ж", 66) + "😀" + strings.Repeat("ж", 66), UCS2, 134, 3},
		{"cjk", "你好世界", UCS2, 4, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := CountSMS(c.text)
			if got.Encoding != c.enc || got.Units != c.units || got.Parts != c.parts {
				t.Fatalf("CountSMS = %+v, want %s units=%d parts=%d", got, c.enc, c.units, c.parts)
			}
		})
	}
}

func TestIsGSM7(t *testing.T) {
	if !IsGSM7("@£$¥ \n\r^{}\\[~]|€\f") {
		t.Error("GSM basic and extension characters reported outside GSM-7")
	}
	for _, s := range []string{"`", "ç", "á", "—", "“quoted”", "\t", "😀"} {
		if IsGSM7(s) {
			t.Errorf("IsGSM7(%q) = true, want false", s)
		}
	}
}
