package commands

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/relaykit/sinch-go/gen/conversation"
	"github.com/relaykit/sinch-go/hmac/callback"
)

// eventSummary is what `sinch listen` and `sinch demo` show of one callback.
type eventSummary struct {
	Time      time.Time `json:"time"`
	Trigger   string    `json:"trigger"`
	AppID     string    `json:"app_id,omitempty"`
	MessageID string    `json:"message_id,omitempty"`
	EventID   string    `json:"event_id,omitempty"`
	ContactID string    `json:"contact_id,omitempty"`
	BatchID   string    `json:"batch_id,omitempty"`
	Status    string    `json:"status,omitempty"`
	Channel   string    `json:"channel,omitempty"`
	Identity  string    `json:"identity,omitempty"`
	Reason    string    `json:"reason,omitempty"`
	Text      string    `json:"text,omitempty"`
	Metadata  string    `json:"metadata,omitempty"`
	// Event is the callback's body as received (only with --json).
	Event json.RawMessage `json:"event,omitempty"`
}

func summarizeEvent(ev callback.Event, now time.Time) eventSummary {
	env := ev.Envelope()
	s := eventSummary{Time: now.UTC(), Trigger: string(ev.Trigger()), AppID: env.AppID, Metadata: env.MessageMetadata}
	ident := func(ci *conversation.ChannelIdentity) {
		if ci != nil {
			s.Channel, s.Identity = string(ci.Channel), ci.Identity
		}
	}
	switch e := ev.(type) {
	case *callback.MessageDeliveryEvent:
		if r := e.MessageDeliveryReport; r != nil {
			s.MessageID, s.Status, s.ContactID = deref(r.MessageID), deref(r.Status), deref(r.ContactID)
			s.BatchID = deref(r.BatchID)
			ident(r.ChannelIdentity)
			if r.Reason != nil {
				s.Reason = deref(r.Reason.Code)
				if d := deref(r.Reason.Description); d != "" {
					s.Reason += ": " + d
				}
			}
		}
	case *callback.MessageSubmitEvent:
		if n := e.MessageSubmitNotification; n != nil {
			s.MessageID, s.ContactID = deref(n.MessageID), deref(n.ContactID)
			ident(n.ChannelIdentity)
			if n.SubmittedMessage != nil {
				s.Text = summarizeApp(*n.SubmittedMessage)
			}
		}
	case *callback.MessageInboundEvent:
		if m := e.Message; m != nil {
			s.MessageID, s.ContactID = deref(m.ID), deref(m.ContactID)
			ident(m.ChannelIdentity)
			if m.ContactMessage != nil {
				s.Text = summarize(conversation.ConversationMessage{ContactMessage: m.ContactMessage})
			}
		}
	case *callback.BatchStatusUpdateEvent:
		if n := e.BatchStatusUpdateNotification; n != nil {
			s.BatchID, s.Status = deref(n.BatchID), deref(n.Status)
			if n.Reason != nil {
				s.Reason = deref(n.Reason.Code)
			}
		}
	case *callback.ContactCreateEvent:
		if n := e.ContactCreateNotification; n != nil && n.Contact != nil {
			s.ContactID = deref(n.Contact.ID)
		}
	case *callback.ConversationStartEvent:
		if n := e.ConversationStartNotification; n != nil && n.Conversation != nil {
			s.ContactID = deref(n.Conversation.ContactID)
			s.Text = "conversation " + deref(n.Conversation.ID)
		}
	case *callback.EventInboundEvent:
		if it := e.Event; it != nil {
			s.EventID, s.ContactID = deref(it.ID), deref(it.ContactID)
			ident(it.ChannelIdentity)
		}
	}
	return s
}

func deref[S ~string](p *S) string {
	if p == nil {
		return ""
	}
	return string(*p)
}

// line is the human form: time, trigger, then the fields that are set.
func (s eventSummary) line() string {
	var b strings.Builder
	b.WriteString(s.Time.Format("15:04:05.000") + " " + s.Trigger)
	add := func(k, v string) {
		if v != "" {
			b.WriteString(" " + k + "=" + quoteIfSpace(v))
		}
	}
	add("status", s.Status)
	add("message", s.MessageID)
	add("event", s.EventID)
	add("batch", s.BatchID)
	add("contact", s.ContactID)
	add("channel", s.Channel)
	add("identity", s.Identity)
	add("reason", s.Reason)
	add("text", s.Text)
	add("app", s.AppID)
	return b.String()
}

func quoteIfSpace(v string) string {
	if strings.ContainsAny(v, " \t\"") {
		b, _ := json.Marshal(v)
		return string(b)
	}
	return v
}
