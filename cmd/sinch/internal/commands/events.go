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
	ident := func(ci conversation.ChannelIdentity) {
		s.Channel, s.Identity = string(ci.Channel), ci.Identity
	}
	switch e := ev.(type) {
	case *callback.MessageDeliveryEvent:
		r := e.MessageDeliveryReport
		s.MessageID, s.Status, s.ContactID = r.MessageID, string(r.Status), r.ContactID
		s.BatchID = r.BatchID
		ident(r.ChannelIdentity)
		s.Reason = string(r.Reason.Code)
		if d := r.Reason.Description; d != "" {
			s.Reason += ": " + d
		}
	case *callback.MessageSubmitEvent:
		n := e.MessageSubmitNotification
		s.MessageID, s.ContactID = n.MessageID, n.ContactID
		ident(n.ChannelIdentity)
		s.Text = summarizeApp(n.SubmittedMessage)
	case *callback.MessageInboundEvent:
		m := e.Message
		s.MessageID, s.ContactID = m.ID, m.ContactID
		ident(m.ChannelIdentity)
		s.Text = summarize(conversation.ConversationMessage{ContactMessage: m.ContactMessage})
	case *callback.BatchStatusUpdateEvent:
		n := e.BatchStatusUpdateNotification
		s.BatchID, s.Status = n.BatchID, n.Status
		s.Reason = string(n.Reason.Code)
	case *callback.ContactCreateEvent:
		s.ContactID = e.ContactCreateNotification.Contact.ID
	case *callback.ConversationStartEvent:
		n := e.ConversationStartNotification
		s.ContactID = n.Conversation.ContactID
		if n.Conversation.ID != "" {
			s.Text = "conversation " + n.Conversation.ID
		}
	case *callback.EventInboundEvent:
		it := e.Event
		s.EventID, s.ContactID = it.ID, it.ContactID
		ident(it.ChannelIdentity)
	}
	return s
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
