package callback

// TriggerSmartConversations is the Node SDK's spelling of the Smart Conversations trigger
// (SMART_CONVERSATIONS); the API reference and the Java and .NET SDKs say SMART_CONVERSATION
// ([TriggerSmartConversation]). Both name the callbacks keyed smart_conversation_notification,
// which Parse returns as [*SmartConversationsEvent] with Trigger() == TriggerSmartConversation.
const TriggerSmartConversations Trigger = "SMART_CONVERSATIONS"

// NormalizeTrigger returns the trigger name this package reports for name: the Node SDK's
// SMART_CONVERSATIONS becomes SMART_CONVERSATION; any other name is returned unchanged. Use it
// to compare a trigger name from configuration or from another SDK with Event.Trigger().
func NormalizeTrigger(name Trigger) Trigger {
	if name == TriggerSmartConversations {
		return TriggerSmartConversation
	}
	return name
}
