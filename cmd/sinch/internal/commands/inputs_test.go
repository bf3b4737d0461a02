package commands

import (
	"errors"
	"strings"
	"testing"
)

func TestPostbackOf(t *testing.T) {
	for in, want := range map[string]string{"Shop Now": "shop_now", "Call Us": "call_us", "Yes": "yes", "Learn  More": "learn__more"} {
		if got := postbackOf(in); got != want {
			t.Errorf("postbackOf(%q) = %q, want %q", in, got, want)
		}
	}
}

// checkFlagError fails unless err is a one-line usage error without the JSON parser's own text.
func checkFlagError(t *testing.T, err error) {
	t.Helper()
	var u *usageError
	if !errors.As(err, &u) {
		t.Fatalf("not a usage error: %T %v", err, err)
	}
	if msg := err.Error(); strings.Contains(msg, "\n") || strings.Contains(msg, "json: ") || strings.Contains(msg, "invalid character") {
		t.Fatalf("error %q", msg)
	}
}

// The flags' parsers never panic, and refuse with a usage error in words.
func FuzzParseCards(f *testing.F) {
	f.Add(`[{"title":"A","image":"https://example.com/a.jpg","choices":["Buy","Call|tel:+15551234567"]},{"title":"B"}]`)
	f.Add(`[{"title":"A",}]`)
	f.Add(`[{"media_message":{"url":"https://x"}},{"title":"B","choices":[{"text_message":{"text":"x"}}]}]`)
	f.Add(`[1,2]`)
	f.Fuzz(func(t *testing.T, s string) {
		cards, err := parseCards(s)
		if err != nil {
			checkFlagError(t, err)
			return
		}
		if len(cards) < 2 || len(cards) > 10 {
			t.Fatalf("%d cards accepted", len(cards))
		}
	})
}

func FuzzParseChoices(f *testing.F) {
	f.Add("Yes,No,Call Us|tel:+15551234567,Visit|https://example.com")
	f.Add(`["Buy",{"url_message":{"title":"t","url":"https://x"}}]`)
	f.Add("|,a|b")
	f.Fuzz(func(t *testing.T, s string) {
		cs, err := parseChoices("choices", s)
		if err != nil {
			checkFlagError(t, err)
			return
		}
		if strings.HasPrefix(strings.TrimSpace(s), "[") {
			return // the API's own choice objects pass through as given
		}
		// Each script item is exactly one kind, titled by its label, with the script's postback.
		for _, c := range cs {
			kinds, label := 0, ""
			if set(c.TextMessage) {
				kinds, label = kinds+1, c.TextMessage.Text
			}
			if set(c.CallMessage) {
				kinds, label = kinds+1, c.CallMessage.Title
			}
			if set(c.URLMessage) {
				kinds, label = kinds+1, c.URLMessage.Title
			}
			if kinds != 1 || label == "" || c.PostbackData != postbackOf(label) {
				t.Fatalf("%q: choice %+v", s, c)
			}
		}
	})
}
