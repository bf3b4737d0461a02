// Package phone checks the phone numbers the sinch CLI sends to: the identities of the channels
// that address people by number, in international (E.164) form.
package phone

import (
	"regexp"
	"strings"
)

// channels address recipients by phone number: SMS, MMS, WhatsApp, RCS and Viber Business
// Messages take an MSISDN in E.164 form
// (https://developers.sinch.com/docs/conversation/channel-support/).
var channels = map[string]bool{"SMS": true, "MMS": true, "WHATSAPP": true, "RCS": true, "VIBERBM": true}

// Channel reports whether the channel (upper case, as the API names it) addresses recipients by
// phone number.
func Channel(ch string) bool { return channels[ch] }

// e164 is an E.164 number: up to 15 digits, no leading zero, the + optional as the API accepts.
var e164 = regexp.MustCompile(`^\+?[1-9][0-9]{6,14}$`)

// Normalize removes the spaces, dashes, dots and parentheses people write in numbers.
func Normalize(s string) string {
	return strings.NewReplacer(" ", "", "-", "", "(", "", ")", "", ".", "").Replace(strings.TrimSpace(s))
}

// Valid reports whether s, normalized, is a phone number in E.164 form.
func Valid(s string) bool { return e164.MatchString(Normalize(s)) }
