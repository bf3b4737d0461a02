// Package phone checks the phone numbers the sinch CLI sends to: the identities of the channels
// that address people by number, in international (E.164) form.
package phone

import "strings"

// channels address recipients by phone number: SMS, MMS, WhatsApp, RCS and Viber Business
// Messages take an MSISDN in E.164 form
// (https://developers.sinch.com/docs/conversation/channel-support/).
var channels = map[string]bool{"SMS": true, "MMS": true, "WHATSAPP": true, "RCS": true, "VIBERBM": true}

// Channel reports whether the channel (upper case, as the API names it) addresses recipients by
// phone number.
func Channel(ch string) bool { return channels[ch] }

// separators are what people write between digits.
var separators = strings.NewReplacer(" ", "", "-", "", "(", "", ")", "", ".", "")

// Normalize removes the spaces, dashes, dots and parentheses people write in numbers.
func Normalize(s string) string { return separators.Replace(strings.TrimSpace(s)) }

// Valid reports whether s, normalized, is a phone number in E.164 form: 7 to 15 digits, the
// first not 0, the + optional as the API accepts.
func Valid(s string) bool {
	n := Normalize(s)
	if len(n) > 0 && n[0] == '+' {
		n = n[1:]
	}
	if len(n) < 7 || len(n) > 15 || n[0] == '0' {
		return false
	}
	for i := 0; i < len(n); i++ {
		if n[i] < '0' || n[i] > '9' {
			return false
		}
	}
	return true
}
