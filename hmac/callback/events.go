package callback

import "github.com/relaykit/sinch-go/gen/conversation"

// The typed events, one per trigger. Each embeds the generated payload type of the same name.

// MessageDeliveryEvent is a callback of the MESSAGE_DELIVERY trigger: a status change (queued on channel, delivered, read, failed, switching channel) of an app message sent earlier.
// The payload is under the `message_delivery_report` key; the embedded conversation.MessageDeliveryEvent holds every field.
type MessageDeliveryEvent struct {
	conversation.MessageDeliveryEvent
	rawBody
}

// Trigger returns TriggerMessageDelivery.
func (e *MessageDeliveryEvent) Trigger() Trigger { return TriggerMessageDelivery }

// Envelope returns the fields common to every callback.
func (e *MessageDeliveryEvent) Envelope() Envelope {
	p := &e.MessageDeliveryEvent
	return envelope(p.AppID, p.ProjectID, p.AcceptedTime, p.EventTime, p.MessageMetadata, p.CorrelationID)
}

// DedupKey identifies the callback by the message id, the status and the channel.
func (e *MessageDeliveryEvent) DedupKey() string {
	r := e.MessageDeliveryReport
	return dedupKey(e.Trigger(), e.raw, r.MessageID, string(r.Status), channelOf(r.ChannelIdentity))
}

func (e *MessageDeliveryEvent) payload() any { return &e.MessageDeliveryEvent }

// MessageSubmitEvent is a callback of the MESSAGE_SUBMIT trigger: an app message was handed to a channel, before any delivery report.
// The payload is under the `message_submit_notification` key; the embedded conversation.MessageSubmitEvent holds every field.
type MessageSubmitEvent struct {
	conversation.MessageSubmitEvent
	rawBody
}

// Trigger returns TriggerMessageSubmit.
func (e *MessageSubmitEvent) Trigger() Trigger { return TriggerMessageSubmit }

// Envelope returns the fields common to every callback.
func (e *MessageSubmitEvent) Envelope() Envelope {
	p := &e.MessageSubmitEvent
	return envelope(p.AppID, p.ProjectID, p.AcceptedTime, p.EventTime, p.MessageMetadata, p.CorrelationID)
}

// DedupKey identifies the callback by the message id and the channel.
func (e *MessageSubmitEvent) DedupKey() string {
	n := e.MessageSubmitNotification
	return dedupKey(e.Trigger(), e.raw, n.MessageID, channelOf(n.ChannelIdentity))
}

func (e *MessageSubmitEvent) payload() any { return &e.MessageSubmitEvent }

// MessageInboundEvent is a callback of the MESSAGE_INBOUND trigger: a message from a contact to the app. Its content is user-generated and untrusted.
// The payload is under the `message` key; the embedded conversation.MessageInboundEvent holds every field.
type MessageInboundEvent struct {
	conversation.MessageInboundEvent
	rawBody
}

// Trigger returns TriggerMessageInbound.
func (e *MessageInboundEvent) Trigger() Trigger { return TriggerMessageInbound }

// Envelope returns the fields common to every callback.
func (e *MessageInboundEvent) Envelope() Envelope {
	p := &e.MessageInboundEvent
	return envelope(p.AppID, p.ProjectID, p.AcceptedTime, p.EventTime, p.MessageMetadata, p.CorrelationID)
}

// DedupKey identifies the callback by the message id.
func (e *MessageInboundEvent) DedupKey() string {
	return dedupKey(e.Trigger(), e.raw, e.Message.ID)
}

func (e *MessageInboundEvent) payload() any { return &e.MessageInboundEvent }

// MessageInboundSmartConversationRedactionEvent is a callback of the MESSAGE_INBOUND_SMART_CONVERSATION_REDACTION trigger: an inbound contact message after Smart Conversations analysis, with sensitive parts masked.
// The payload is under the `message_redaction` key; the embedded conversation.MessageInboundSmartConversationRedactionEvent holds every field.
type MessageInboundSmartConversationRedactionEvent struct {
	conversation.MessageInboundSmartConversationRedactionEvent
	rawBody
}

// Trigger returns TriggerMessageInboundSmartConversationRedaction.
func (e *MessageInboundSmartConversationRedactionEvent) Trigger() Trigger {
	return TriggerMessageInboundSmartConversationRedaction
}

// Envelope returns the fields common to every callback.
func (e *MessageInboundSmartConversationRedactionEvent) Envelope() Envelope {
	p := &e.MessageInboundSmartConversationRedactionEvent
	return envelope(p.AppID, p.ProjectID, p.AcceptedTime, p.EventTime, p.MessageMetadata, p.CorrelationID)
}

// DedupKey identifies the callback by the message id.
func (e *MessageInboundSmartConversationRedactionEvent) DedupKey() string {
	return dedupKey(e.Trigger(), e.raw, e.MessageRedaction.ID)
}

func (e *MessageInboundSmartConversationRedactionEvent) payload() any {
	return &e.MessageInboundSmartConversationRedactionEvent
}

// EventDeliveryEvent is a callback of the EVENT_DELIVERY trigger: a status change of an app event (composing indicator, ...) sent earlier.
// The payload is under the `event_delivery_report` key; the embedded conversation.EventDeliveryEvent holds every field.
type EventDeliveryEvent struct {
	conversation.EventDeliveryEvent
	rawBody
}

// Trigger returns TriggerEventDelivery.
func (e *EventDeliveryEvent) Trigger() Trigger { return TriggerEventDelivery }

// Envelope returns the fields common to every callback.
func (e *EventDeliveryEvent) Envelope() Envelope {
	p := &e.EventDeliveryEvent
	return envelope(p.AppID, p.ProjectID, p.AcceptedTime, p.EventTime, p.MessageMetadata, p.CorrelationID)
}

// DedupKey identifies the callback by the event id, the status and the channel.
func (e *EventDeliveryEvent) DedupKey() string {
	r := e.EventDeliveryReport
	return dedupKey(e.Trigger(), e.raw, r.EventID, string(r.Status), channelOf(r.ChannelIdentity))
}

func (e *EventDeliveryEvent) payload() any { return &e.EventDeliveryEvent }

// EventInboundEvent is a callback of the EVENT_INBOUND trigger: an event from a contact (composing, reaction, comment, ...).
// The payload is under the `event` key; the embedded conversation.EventInboundEvent holds every field.
type EventInboundEvent struct {
	conversation.EventInboundEvent
	rawBody
}

// Trigger returns TriggerEventInbound.
func (e *EventInboundEvent) Trigger() Trigger { return TriggerEventInbound }

// Envelope returns the fields common to every callback.
func (e *EventInboundEvent) Envelope() Envelope {
	p := &e.EventInboundEvent
	return envelope(p.AppID, p.ProjectID, p.AcceptedTime, p.EventTime, p.MessageMetadata, p.CorrelationID)
}

// DedupKey identifies the callback by the event id.
func (e *EventInboundEvent) DedupKey() string {
	return dedupKey(e.Trigger(), e.raw, e.Event.ID)
}

func (e *EventInboundEvent) payload() any { return &e.EventInboundEvent }

// SmartConversationsEvent is a callback of the SMART_CONVERSATION trigger: the Smart Conversations analysis (sentiment, intent, PII, ...) of a contact message.
// The payload is under the `smart_conversation_notification` key; the embedded conversation.SmartConversationsEvent holds every field.
type SmartConversationsEvent struct {
	conversation.SmartConversationsEvent
	rawBody
}

// Trigger returns TriggerSmartConversation.
func (e *SmartConversationsEvent) Trigger() Trigger { return TriggerSmartConversation }

// Envelope returns the fields common to every callback.
func (e *SmartConversationsEvent) Envelope() Envelope {
	p := &e.SmartConversationsEvent
	return envelope(p.AppID, p.ProjectID, p.AcceptedTime, p.EventTime, p.MessageMetadata, p.CorrelationID)
}

// DedupKey identifies the callback by the analysed message id.
func (e *SmartConversationsEvent) DedupKey() string {
	n := e.SmartConversationNotification
	return dedupKey(e.Trigger(), e.raw, n.MessageID)
}

func (e *SmartConversationsEvent) payload() any { return &e.SmartConversationsEvent }

// ConversationStartEvent is a callback of the CONVERSATION_START trigger: a conversation between the app and a contact started.
// The payload is under the `conversation_start_notification` key; the embedded conversation.ConversationStartEvent holds every field.
type ConversationStartEvent struct {
	conversation.ConversationStartEvent
	rawBody
}

// Trigger returns TriggerConversationStart.
func (e *ConversationStartEvent) Trigger() Trigger { return TriggerConversationStart }

// Envelope returns the fields common to every callback.
func (e *ConversationStartEvent) Envelope() Envelope {
	p := &e.ConversationStartEvent
	return envelope(p.AppID, p.ProjectID, p.AcceptedTime, p.EventTime, p.MessageMetadata, p.CorrelationID)
}

// DedupKey identifies the callback by the conversation id.
func (e *ConversationStartEvent) DedupKey() string {
	return conversationKey(e.Trigger(), e.raw, e.ConversationStartNotification)
}

func (e *ConversationStartEvent) payload() any { return &e.ConversationStartEvent }

// ConversationStopEvent is a callback of the CONVERSATION_STOP trigger: a conversation was stopped.
// The payload is under the `conversation_stop_notification` key; the embedded conversation.ConversationStopEvent holds every field.
type ConversationStopEvent struct {
	conversation.ConversationStopEvent
	rawBody
}

// Trigger returns TriggerConversationStop.
func (e *ConversationStopEvent) Trigger() Trigger { return TriggerConversationStop }

// Envelope returns the fields common to every callback.
func (e *ConversationStopEvent) Envelope() Envelope {
	p := &e.ConversationStopEvent
	return envelope(p.AppID, p.ProjectID, p.AcceptedTime, p.EventTime, p.MessageMetadata, p.CorrelationID)
}

// DedupKey identifies the callback by the conversation id.
func (e *ConversationStopEvent) DedupKey() string {
	return conversationKey(e.Trigger(), e.raw, e.ConversationStopNotification)
}

func (e *ConversationStopEvent) payload() any { return &e.ConversationStopEvent }

// ConversationDeleteEvent is a callback of the CONVERSATION_DELETE trigger: a conversation was deleted.
// The payload is under the `conversation_delete_notification` key; the embedded conversation.ConversationDeleteEvent holds every field.
type ConversationDeleteEvent struct {
	conversation.ConversationDeleteEvent
	rawBody
}

// Trigger returns TriggerConversationDelete.
func (e *ConversationDeleteEvent) Trigger() Trigger { return TriggerConversationDelete }

// Envelope returns the fields common to every callback.
func (e *ConversationDeleteEvent) Envelope() Envelope {
	p := &e.ConversationDeleteEvent
	return envelope(p.AppID, p.ProjectID, p.AcceptedTime, p.EventTime, p.MessageMetadata, p.CorrelationID)
}

// DedupKey identifies the callback by the conversation id.
func (e *ConversationDeleteEvent) DedupKey() string {
	return conversationKey(e.Trigger(), e.raw, e.ConversationDeleteNotification)
}

func (e *ConversationDeleteEvent) payload() any { return &e.ConversationDeleteEvent }

// ContactCreateEvent is a callback of the CONTACT_CREATE trigger: a contact was created.
// The payload is under the `contact_create_notification` key; the embedded conversation.ContactCreateEvent holds every field.
type ContactCreateEvent struct {
	conversation.ContactCreateEvent
	rawBody
}

// Trigger returns TriggerContactCreate.
func (e *ContactCreateEvent) Trigger() Trigger { return TriggerContactCreate }

// Envelope returns the fields common to every callback.
func (e *ContactCreateEvent) Envelope() Envelope {
	p := &e.ContactCreateEvent
	return envelope(p.AppID, p.ProjectID, p.AcceptedTime, p.EventTime, p.MessageMetadata, p.CorrelationID)
}

// DedupKey identifies the callback by the contact id.
func (e *ContactCreateEvent) DedupKey() string {
	return contactKey(e.Trigger(), e.raw, e.ContactCreateNotification)
}

func (e *ContactCreateEvent) payload() any { return &e.ContactCreateEvent }

// ContactDeleteEvent is a callback of the CONTACT_DELETE trigger: a contact was deleted.
// The payload is under the `contact_delete_notification` key; the embedded conversation.ContactDeleteEvent holds every field.
type ContactDeleteEvent struct {
	conversation.ContactDeleteEvent
	rawBody
}

// Trigger returns TriggerContactDelete.
func (e *ContactDeleteEvent) Trigger() Trigger { return TriggerContactDelete }

// Envelope returns the fields common to every callback.
func (e *ContactDeleteEvent) Envelope() Envelope {
	p := &e.ContactDeleteEvent
	return envelope(p.AppID, p.ProjectID, p.AcceptedTime, p.EventTime, p.MessageMetadata, p.CorrelationID)
}

// DedupKey identifies the callback by the contact id.
func (e *ContactDeleteEvent) DedupKey() string {
	return contactKey(e.Trigger(), e.raw, e.ContactDeleteNotification)
}

func (e *ContactDeleteEvent) payload() any { return &e.ContactDeleteEvent }

// ContactMergeEvent is a callback of the CONTACT_MERGE trigger: two contacts were merged into one.
// The payload is under the `contact_merge_notification` key; the embedded conversation.ContactMergeEvent holds every field.
type ContactMergeEvent struct {
	conversation.ContactMergeEvent
	rawBody
}

// Trigger returns TriggerContactMerge.
func (e *ContactMergeEvent) Trigger() Trigger { return TriggerContactMerge }

// Envelope returns the fields common to every callback.
func (e *ContactMergeEvent) Envelope() Envelope {
	p := &e.ContactMergeEvent
	return envelope(p.AppID, p.ProjectID, p.AcceptedTime, p.EventTime, p.MessageMetadata, p.CorrelationID)
}

// DedupKey identifies the callback by the ids of the preserved and the deleted contact.
func (e *ContactMergeEvent) DedupKey() string {
	n := e.ContactMergeNotification
	return dedupKey(e.Trigger(), e.raw, n.PreservedContact.ID, n.DeletedContact.ID)
}

func (e *ContactMergeEvent) payload() any { return &e.ContactMergeEvent }

// ContactUpdateEvent is a callback of the CONTACT_UPDATE trigger: a contact was updated.
// The payload is under the `contact_update_notification` key; the embedded conversation.ContactUpdateEvent holds every field.
type ContactUpdateEvent struct {
	conversation.ContactUpdateEvent
	rawBody
}

// Trigger returns TriggerContactUpdate.
func (e *ContactUpdateEvent) Trigger() Trigger { return TriggerContactUpdate }

// Envelope returns the fields common to every callback.
func (e *ContactUpdateEvent) Envelope() Envelope {
	p := &e.ContactUpdateEvent
	return envelope(p.AppID, p.ProjectID, p.AcceptedTime, p.EventTime, p.MessageMetadata, p.CorrelationID)
}

// DedupKey identifies the callback by a digest of the body (a contact changes many times, and no update id is sent).
func (e *ContactUpdateEvent) DedupKey() string {
	// A contact is updated many times and the payload has no update id: the body digest is the identity.
	return bodyKey(e.Trigger(), e.raw)
}

func (e *ContactUpdateEvent) payload() any { return &e.ContactUpdateEvent }

// ContactIdentitiesDuplicationEvent is a callback of the CONTACT_IDENTITIES_DUPLICATION trigger: the same channel identity was found on several contacts.
// The payload is under the `duplicated_contact_identities_notification` key; the embedded conversation.ContactIdentitiesDuplicationEvent holds every field.
type ContactIdentitiesDuplicationEvent struct {
	conversation.ContactIdentitiesDuplicationEvent
	rawBody
}

// Trigger returns TriggerContactIdentitiesDuplication.
func (e *ContactIdentitiesDuplicationEvent) Trigger() Trigger {
	return TriggerContactIdentitiesDuplication
}

// Envelope returns the fields common to every callback.
func (e *ContactIdentitiesDuplicationEvent) Envelope() Envelope {
	p := &e.ContactIdentitiesDuplicationEvent
	return envelope(p.AppID, p.ProjectID, p.AcceptedTime, p.EventTime, p.MessageMetadata, p.CorrelationID)
}

// DedupKey identifies the callback by a digest of the body.
func (e *ContactIdentitiesDuplicationEvent) DedupKey() string {
	return bodyKey(e.Trigger(), e.raw)
}

func (e *ContactIdentitiesDuplicationEvent) payload() any {
	return &e.ContactIdentitiesDuplicationEvent
}

// UnsupportedCallbackEvent is a callback of the UNSUPPORTED trigger: a channel callback the Conversation API does not map to any other kind, passed on as is.
// The payload is under the `unsupported_callback` key; the embedded conversation.UnsupportedCallbackEvent holds every field.
type UnsupportedCallbackEvent struct {
	conversation.UnsupportedCallbackEvent
	rawBody
}

// Trigger returns TriggerUnsupported.
func (e *UnsupportedCallbackEvent) Trigger() Trigger { return TriggerUnsupported }

// Envelope returns the fields common to every callback.
func (e *UnsupportedCallbackEvent) Envelope() Envelope {
	p := &e.UnsupportedCallbackEvent
	return envelope(p.AppID, p.ProjectID, p.AcceptedTime, p.EventTime, p.MessageMetadata, p.CorrelationID)
}

// DedupKey identifies the callback by its id (a digest of the body when it has none).
func (e *UnsupportedCallbackEvent) DedupKey() string {
	return dedupKey(e.Trigger(), e.raw, e.UnsupportedCallback.ID)
}

func (e *UnsupportedCallbackEvent) payload() any { return &e.UnsupportedCallbackEvent }

// OptInEvent is a callback of the OPT_IN trigger: the outcome of an opt-in registration, or an opt-in reported by a channel.
// The payload is under the `opt_in_notification` key; the embedded conversation.OptInEvent holds every field.
type OptInEvent struct {
	conversation.OptInEvent
	rawBody
}

// Trigger returns TriggerOptIn.
func (e *OptInEvent) Trigger() Trigger { return TriggerOptIn }

// Envelope returns the fields common to every callback.
func (e *OptInEvent) Envelope() Envelope {
	p := &e.OptInEvent
	return envelope(p.AppID, p.ProjectID, p.AcceptedTime, p.EventTime, p.MessageMetadata, p.CorrelationID)
}

// DedupKey identifies the callback by the request id (a digest of the body when it has none).
func (e *OptInEvent) DedupKey() string {
	return dedupKey(e.Trigger(), e.raw, e.OptInNotification.RequestID)
}

func (e *OptInEvent) payload() any { return &e.OptInEvent }

// OptOutEvent is a callback of the OPT_OUT trigger: the outcome of an opt-out registration, or an opt-out reported by a channel.
// The payload is under the `opt_out_notification` key; the embedded conversation.OptOutEvent holds every field.
type OptOutEvent struct {
	conversation.OptOutEvent
	rawBody
}

// Trigger returns TriggerOptOut.
func (e *OptOutEvent) Trigger() Trigger { return TriggerOptOut }

// Envelope returns the fields common to every callback.
func (e *OptOutEvent) Envelope() Envelope {
	p := &e.OptOutEvent
	return envelope(p.AppID, p.ProjectID, p.AcceptedTime, p.EventTime, p.MessageMetadata, p.CorrelationID)
}

// DedupKey identifies the callback by the request id (a digest of the body when it has none).
func (e *OptOutEvent) DedupKey() string {
	return dedupKey(e.Trigger(), e.raw, e.OptOutNotification.RequestID)
}

func (e *OptOutEvent) payload() any { return &e.OptOutEvent }

// ChannelEvent is a callback of the CHANNEL_EVENT trigger: a channel-level event (for example a change to the sender's quality rating).
// The payload is under the `channel_event_notification` key; the embedded conversation.ChannelEvent holds every field.
type ChannelEvent struct {
	conversation.ChannelEvent
	rawBody
}

// Trigger returns TriggerChannelEvent.
func (e *ChannelEvent) Trigger() Trigger { return TriggerChannelEvent }

// Envelope returns the fields common to every callback.
func (e *ChannelEvent) Envelope() Envelope {
	p := &e.ChannelEvent
	return envelope(p.AppID, p.ProjectID, p.AcceptedTime, p.EventTime, p.MessageMetadata, p.CorrelationID)
}

// DedupKey identifies the callback by a digest of the body.
func (e *ChannelEvent) DedupKey() string {
	return bodyKey(e.Trigger(), e.raw)
}

func (e *ChannelEvent) payload() any { return &e.ChannelEvent }

// CapabilityEvent is a callback of the CAPABILITY trigger: the result of an asynchronous capability query.
// The payload is under the `capability_notification` key; the embedded conversation.CapabilityEvent holds every field.
type CapabilityEvent struct {
	conversation.CapabilityEvent
	rawBody
}

// Trigger returns TriggerCapability.
func (e *CapabilityEvent) Trigger() Trigger { return TriggerCapability }

// Envelope returns the fields common to every callback.
func (e *CapabilityEvent) Envelope() Envelope {
	p := &e.CapabilityEvent
	return envelope(p.AppID, p.ProjectID, p.AcceptedTime, p.EventTime, p.MessageMetadata, p.CorrelationID)
}

// DedupKey identifies the callback by the request id.
func (e *CapabilityEvent) DedupKey() string {
	return dedupKey(e.Trigger(), e.raw, e.CapabilityNotification.RequestID)
}

func (e *CapabilityEvent) payload() any { return &e.CapabilityEvent }

// RecordNotificationEvent is a callback of the RECORD_NOTIFICATION trigger: a record (for example an injected event) was stored.
// The payload is under the `record_notification` key; the embedded conversation.RecordNotificationEvent holds every field.
type RecordNotificationEvent struct {
	conversation.RecordNotificationEvent
	rawBody
}

// Trigger returns TriggerRecordNotification.
func (e *RecordNotificationEvent) Trigger() Trigger { return TriggerRecordNotification }

// Envelope returns the fields common to every callback.
func (e *RecordNotificationEvent) Envelope() Envelope {
	p := &e.RecordNotificationEvent
	return envelope(p.AppID, p.ProjectID, p.AcceptedTime, p.EventTime, p.MessageMetadata, p.CorrelationID)
}

// DedupKey identifies the callback by the entity id and the record status.
func (e *RecordNotificationEvent) DedupKey() string {
	n := e.RecordNotification
	return dedupKey(e.Trigger(), e.raw, n.EntityID, string(n.RecordStatus))
}

func (e *RecordNotificationEvent) payload() any { return &e.RecordNotificationEvent }
