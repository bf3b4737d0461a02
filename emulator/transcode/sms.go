package transcode

import "unicode/utf8"

// Encoding is the character encoding an SMS is sent in.
type Encoding string

// The two SMS encodings the API chooses between
// (https://developers.sinch.com/docs/sms/resources/message-info/character-support/).
const (
	GSM7 Encoding = "GSM-7"
	UCS2 Encoding = "UCS-2"
)

// SMSInfo is how a text travels as SMS.
type SMSInfo struct {
	Encoding Encoding `json:"encoding"`
	// Units is the length in the encoding's units: GSM-7 septets (a character of the extension
	// table takes two) or UTF-16 code units (a character outside the Basic Multilingual Plane,
	// such as most emoji, takes two).
	Units int `json:"units"`
	// Parts is the number of SMS the text is sent as.
	Parts int `json:"parts"`
	// MaxParts is the SMS_MAX_NUMBER_OF_MESSAGE_PARTS channel property; 0 when not set.
	MaxParts int `json:"max_parts,omitempty"`
}

// Per-part capacities: a single SMS carries 140 octets, 160 septets or 70 UCS-2 units; each part
// of a concatenated message loses 6 octets to its user data header, leaving 153 septets or 67
// units (https://developers.sinch.com/docs/sms/resources/message-info/character-support/).
const (
	gsmSingle  = 160
	gsmPart    = 153
	ucs2Single = 70
	ucs2Part   = 67
)

// gsmBasic is the GSM 03.38 default alphabet; gsmExtension holds the characters reached
// through the escape code, each costing two septets.
var (
	gsmBasic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
		"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
	gsmExtension = "\f^{}\\[~]|€"
)

// gsmCost maps a rune to its septet count: 1 for the basic alphabet, 2 for the extension
// table; a rune that is absent cannot be sent in GSM-7. ASCII is looked up in a table.
var (
	gsmASCII [128]uint8
	gsmOther = map[rune]uint8{}
)

func init() {
	for _, r := range gsmBasic {
		setGSM(r, 1)
	}
	for _, r := range gsmExtension {
		setGSM(r, 2)
	}
}

func setGSM(r rune, cost uint8) {
	if r < 128 {
		gsmASCII[r] = cost
		return
	}
	gsmOther[r] = cost
}

func gsmSeptets(r rune) int {
	if r < 128 {
		return int(gsmASCII[r])
	}
	return int(gsmOther[r])
}

// IsGSM7 reports whether every character of text is in the GSM-7 alphabet or its extension.
func IsGSM7(text string) bool {
	for _, r := range text {
		if gsmSeptets(r) == 0 {
			return false
		}
	}
	return true
}

// CountSMS returns the encoding, length and number of parts of text sent as SMS. A single
// character outside GSM-7 makes the whole message UCS-2. Parts never split a character: an
// extension character's two septets, or a surrogate pair, go into the same part. An empty text
// is one (empty) part.
func CountSMS(text string) SMSInfo {
	if IsGSM7(text) {
		return count(text, GSM7, gsmSingle, gsmPart, gsmSeptets)
	}
	return count(text, UCS2, ucs2Single, ucs2Part, utf16Units)
}

func utf16Units(r rune) int {
	if r >= 0x10000 && r <= utf8.MaxRune {
		return 2
	}
	return 1
}

func count(text string, enc Encoding, single, perPart int, cost func(rune) int) SMSInfo {
	total := 0
	for _, r := range text {
		total += cost(r)
	}
	info := SMSInfo{Encoding: enc, Units: total, Parts: 1}
	if total <= single {
		return info
	}
	parts, used := 1, 0
	for _, r := range text {
		c := cost(r)
		if used+c > perPart {
			parts++
			used = 0
		}
		used += c
	}
	info.Parts = parts
	return info
}
