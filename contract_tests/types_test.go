package contracttests

// The generated Go types of every operation and callback, keyed by operationId and trigger.
// The names derive from the operationIds and callback keys, which the specs fix; a missing or
// renamed operation fails to compile here, and TestSpecsAreValid checks that this table and the
// specs list the same operations.

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/relaykit/sinch-go/gen/batch"
	"github.com/relaykit/sinch-go/gen/conversation"
	"github.com/relaykit/sinch-go/gen/templates"
)

// opTypes holds the generated model types of one operation.
type opTypes struct {
	request  func() any // a new pointer to the request body type; nil when none
	response func() any // a new pointer to the type of the 200 answer
}

func withBody[Req, Resp any]() opTypes {
	return opTypes{request: func() any { return new(Req) }, response: func() any { return new(Resp) }}
}

func noBody[Resp any]() opTypes {
	return opTypes{response: func() any { return new(Resp) }}
}

// assertResponseRoundTrip decodes a 200 body into the operation's generated answer type, as the
// SDK does, and requires it to encode back to the same JSON.
func assertResponseRoundTrip(t *testing.T, types opTypes, body []byte) {
	t.Helper()
	v := types.response()
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		t.Errorf("the answer does not decode into %T: %v", v, err)
		return
	}
	again, err := json.Marshal(v)
	if err != nil {
		t.Errorf("%T does not encode: %v", v, err)
		return
	}
	assertSameJSON(t, "response", body, again)
}

var conversationOps = map[string]opTypes{
	"createApp":               withBody[conversation.CreateAppJSONRequestBody, conversation.App](),
	"createContact":           withBody[conversation.CreateContactJSONRequestBody, conversation.Contact](),
	"createConversation":      withBody[conversation.CreateConversationJSONRequestBody, conversation.Conversation](),
	"createProjectSettings":   withBody[conversation.CreateProjectSettingsJSONRequestBody, conversation.ProjectSettings](),
	"createWebhook":           withBody[conversation.CreateWebhookJSONRequestBody, conversation.Webhook](),
	"deleteApp":               noBody[conversation.Empty](),
	"deleteContact":           noBody[conversation.Empty](),
	"deleteConversation":      noBody[conversation.Empty](),
	"deleteEvent":             noBody[conversation.Empty](),
	"deleteMessage":           noBody[conversation.Empty](),
	"deleteProjectSettings":   noBody[conversation.Empty](),
	"deleteWebhook":           noBody[conversation.Empty](),
	"fetchLastMessage":        withBody[conversation.FetchLastMessageJSONRequestBody, conversation.ListMessagesResponse](),
	"getApp":                  noBody[conversation.App](),
	"getChannelProfile":       withBody[conversation.GetChannelProfileJSONRequestBody, conversation.GetChannelProfileResponse](),
	"getContact":              noBody[conversation.Contact](),
	"getConversation":         noBody[conversation.Conversation](),
	"getEvent":                noBody[conversation.ConversationEvent](),
	"getMessage":              noBody[conversation.ConversationMessage](),
	"getProjectSettings":      noBody[conversation.ProjectSettings](),
	"getWebhook":              noBody[conversation.Webhook](),
	"injectEvent":             withBody[conversation.InjectEventJSONRequestBody, conversation.InjectEventResponse](),
	"injectMessage":           withBody[conversation.InjectMessageJSONRequestBody, conversation.Empty](),
	"listApps":                noBody[conversation.ListAppsResponse](),
	"listConsentAuditRecords": noBody[conversation.ListConsentAuditRecordsResponse](),
	"listConsents":            noBody[conversation.ListConsentsResponse](),
	"listContacts":            noBody[conversation.ListContactsResponse](),
	"listConversations":       noBody[conversation.ListConversationsResponse](),
	"listEvents":              noBody[conversation.ListEventsResponse](),
	"listIdentityConflicts":   noBody[conversation.ListIdentityConflictsResponse](),
	"listMessages":            noBody[conversation.ListMessagesResponse](),
	"listRecentConversations": noBody[conversation.ListRecentConversationsResponse](),
	"listWebhooks":            noBody[conversation.ListWebhooksResponse](),
	"mergeContact":            withBody[conversation.MergeContactJSONRequestBody, conversation.Contact](),
	"queryCapability":         withBody[conversation.QueryCapabilityJSONRequestBody, conversation.QueryCapabilityResponse](),
	"sendEvent":               withBody[conversation.SendEventJSONRequestBody, conversation.SendEventResponse](),
	"sendMessage":             withBody[conversation.SendMessageJSONRequestBody, conversation.SendMessageResponse](),
	"stopConversation":        noBody[conversation.Empty](),
	"transcodeMessage":        withBody[conversation.TranscodeMessageJSONRequestBody, conversation.TranscodeMessageResponse](),
	"updateApp":               withBody[conversation.UpdateAppJSONRequestBody, conversation.App](),
	"updateContact":           withBody[conversation.UpdateContactJSONRequestBody, conversation.Contact](),
	"updateConversation":      withBody[conversation.UpdateConversationJSONRequestBody, conversation.Conversation](),
	"updateMessageMetadata":   withBody[conversation.UpdateMessageMetadataJSONRequestBody, conversation.ConversationMessage](),
	"updateProjectSettings":   withBody[conversation.UpdateProjectSettingsJSONRequestBody, conversation.ProjectSettings](),
	"updateWebhook":           withBody[conversation.UpdateWebhookJSONRequestBody, conversation.Webhook](),
}

var templatesOps = map[string]opTypes{
	"createTemplate":           withBody[templates.CreateTemplateJSONRequestBody, templates.Template](),
	"deleteTemplate":           noBody[conversation.Empty](),
	"getTemplate":              noBody[templates.Template](),
	"listTemplateTranslations": noBody[templates.ListTemplateTranslationsResponse](),
	"listTemplates":            noBody[templates.ListTemplatesResponse](),
	"updateTemplate":           withBody[templates.UpdateTemplateJSONRequestBody, templates.Template](),
}

var batchOps = map[string]opTypes{
	"cancelBatchMessages": withBody[batch.CancelBatchMessagesJSONRequestBody, conversation.Empty](),
	"createBatchConsents": withBody[batch.CreateBatchConsentsJSONRequestBody, batch.CreateBatchConsentsResponse](),
	"createBatchContacts": withBody[batch.CreateBatchContactsJSONRequestBody, conversation.Empty](),
	"deleteBatchContacts": withBody[batch.DeleteBatchContactsJSONRequestBody, conversation.Empty](),
	"getBatchMessage":     noBody[batch.Batch](),
	"listBatchMessages":   noBody[batch.ListBatchMessagesResponse](),
	"sendBatchMessage":    withBody[batch.SendBatchMessageJSONRequestBody, batch.SendBatchMessageResponse](),
}

var callbackTypes = map[string]func() any{
	"MESSAGE_DELIVERY":   func() any { return new(conversation.MESSAGEDELIVERYJSONRequestBody) },
	"MESSAGE_SUBMIT":     func() any { return new(conversation.MESSAGESUBMITJSONRequestBody) },
	"MESSAGE_INBOUND":    func() any { return new(conversation.MESSAGEINBOUNDJSONRequestBody) },
	"EVENT_DELIVERY":     func() any { return new(conversation.EVENTDELIVERYJSONRequestBody) },
	"EVENT_INBOUND":      func() any { return new(conversation.EVENTINBOUNDJSONRequestBody) },
	"SMART_CONVERSATION": func() any { return new(conversation.SMARTCONVERSATIONJSONRequestBody) },
	"MESSAGE_INBOUND_SMART_CONVERSATION_REDACTION": func() any { return new(conversation.MESSAGEINBOUNDSMARTCONVERSATIONREDACTIONJSONRequestBody) },
	"CONVERSATION_START":                           func() any { return new(conversation.CONVERSATIONSTARTJSONRequestBody) },
	"CONVERSATION_STOP":                            func() any { return new(conversation.CONVERSATIONSTOPJSONRequestBody) },
	"CONVERSATION_DELETE":                          func() any { return new(conversation.CONVERSATIONDELETEJSONRequestBody) },
	"CONTACT_CREATE":                               func() any { return new(conversation.CONTACTCREATEJSONRequestBody) },
	"CONTACT_DELETE":                               func() any { return new(conversation.CONTACTDELETEJSONRequestBody) },
	"CONTACT_MERGE":                                func() any { return new(conversation.CONTACTMERGEJSONRequestBody) },
	"CONTACT_UPDATE":                               func() any { return new(conversation.CONTACTUPDATEJSONRequestBody) },
	"CONTACT_IDENTITIES_DUPLICATION":               func() any { return new(conversation.CONTACTIDENTITIESDUPLICATIONJSONRequestBody) },
	"UNSUPPORTED":                                  func() any { return new(conversation.UNSUPPORTEDJSONRequestBody) },
	"OPT_IN":                                       func() any { return new(conversation.OPTINJSONRequestBody) },
	"OPT_OUT":                                      func() any { return new(conversation.OPTOUTJSONRequestBody) },
	"CHANNEL_EVENT":                                func() any { return new(conversation.CHANNELEVENTJSONRequestBody) },
	"CAPABILITY":                                   func() any { return new(conversation.CAPABILITYJSONRequestBody) },
	"RECORD_NOTIFICATION":                          func() any { return new(conversation.RECORDNOTIFICATIONJSONRequestBody) },
}

var batchCallbackTypes = map[string]func() any{
	"BATCH_STATUS_UPDATE": func() any { return new(batch.BATCHSTATUSUPDATEJSONRequestBody) },
}
