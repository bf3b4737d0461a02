package transcode

import (
	"strings"
	"testing"
)

// BenchmarkTranscode measures one message transcoded for one channel, for the kinds the
// emulator sees most (a text on SMS and WhatsApp, a choice on WhatsApp and SMS, a carousel on
// RCS), and one message for all 14 channels (what messages:transcode and the inbox do).
func BenchmarkTranscode(b *testing.B) {
	cases := []struct {
		name string
		ch   Channel
		file string
	}{
		{"text/SMS", SMS, "text"},
		{"text/WHATSAPP", WhatsApp, "text"},
		{"choice/WHATSAPP", WhatsApp, "choice_buttons"},
		{"choice/SMS", SMS, "choice_mixed"},
		{"carousel/RCS", RCS, "carousel"},
		{"card/MESSENGER", Messenger, "card"},
	}
	for _, c := range cases {
		msg := loadMessage(b, "testdata/messages/"+c.file+".json")
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Transcode(c.ch, msg, Options{To: "+15550100001"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	msg := loadMessage(b, "testdata/messages/carousel.json")
	b.Run("carousel/all-channels", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, ch := range Channels() {
				if _, err := Transcode(ch, msg, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// BenchmarkCountSMS measures the encoding and part count of a 300-character GSM-7 text and a
// 300-character UCS-2 text.
func BenchmarkCountSMS(b *testing.B) {
	for name, s := range map[string]string{"gsm7": strings.Repeat("Hello {world} ", 21), "ucs2": strings.Repeat("Привет мир 😀 ", 21)} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				CountSMS(s)
			}
		})
	}
}

// BenchmarkCheck measures the delivery check of a text on SMS (what every messages:send of
// the load tests does) beside Transcode, which also encodes the payload.
func BenchmarkCheck(b *testing.B) {
	msg := loadMessage(b, "testdata/messages/text.json")
	opts := Options{To: "+15550100001", ChannelProperties: map[string]string{"SMS_SENDER": "+15559876543"}}
	b.Run("Check", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := Check(SMS, msg, opts); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Transcode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Transcode(SMS, msg, opts); err != nil {
				b.Fatal(err)
			}
		}
	})
}
