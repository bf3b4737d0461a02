package contracttests

// The generated Go types of every operation and callback, keyed by operationId and trigger.
// The names derive from the operationIds and callback keys, which the specs fix; a missing or
// renamed operation fails to compile here, and TestSpecsAreValid checks that this table and the
// specs list the same operations.

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"testing"

	"github.com/relaykit/sinch-go/gen/batch"
	"github.com/relaykit/sinch-go/gen/conversation"
	"github.com/relaykit/sinch-go/gen/templates"
)

// opTypes holds what the generated client knows of one operation.
type opTypes struct {
	request func() any                        // a new pointer to the request body type; nil when none
	parse   func(*http.Response) (any, error) // the generated Parse<Op>HTTPResponse
}

func withBody[Req, Resp any](parse func(*http.Response) (*Resp, error)) opTypes {
	return opTypes{request: func() any { return new(Req) }, parse: parseAny(parse)}
}

func noBody[Resp any](parse func(*http.Response) (*Resp, error)) opTypes {
	return opTypes{parse: parseAny(parse)}
}

func parseAny[Resp any](parse func(*http.Response) (*Resp, error)) func(*http.Response) (any, error) {
	return func(r *http.Response) (any, error) { return parse(r) }
}

// assertResponseRoundTrip feeds a 200 body through the generated client's response parser and
// requires its typed JSON200 value to encode back to the same JSON.
func assertResponseRoundTrip(t *testing.T, types opTypes, body []byte) {
	t.Helper()
	resp := &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": {"application/json"}},
		Body:       io.NopCloser(bytes.NewReader(body)),
	}
	parsed, err := types.parse(resp)
	if err != nil {
		t.Errorf("the generated client cannot parse the response: %v", err)
		return
	}
	field := reflect.ValueOf(parsed).Elem().FieldByName("JSON200")
	if !field.IsValid() {
		t.Errorf("%T has no JSON200: the spec's 200 answer has no JSON schema", parsed)
		return
	}
	if field.IsNil() {
		t.Errorf("%T.JSON200 is nil after parsing a 200 JSON body", parsed)
		return
	}
	again, err := json.Marshal(field.Interface())
	if err != nil {
		t.Errorf("%s does not encode: %v", field.Type(), err)
		return
	}
	assertSameJSON(t, "response", body, again)
}

var conversationOps = map[string]opTypes{
	"createApp":               withBody[conversation.CreateAppJSONRequestBody](conversation.ParseCreateAppHTTPResponse),
	"createContact":           withBody[conversation.CreateContactJSONRequestBody](conversation.ParseCreateContactHTTPResponse),
	"createConversation":      withBody[conversation.CreateConversationJSONRequestBody](conversation.ParseCreateConversationHTTPResponse),
	"createProjectSettings":   withBody[conversation.CreateProjectSettingsJSONRequestBody](conversation.ParseCreateProjectSettingsHTTPResponse),
	"createWebhook":           withBody[conversation.CreateWebhookJSONRequestBody](conversation.ParseCreateWebhookHTTPResponse),
	"deleteApp":               noBody(conversation.ParseDeleteAppHTTPResponse),
	"deleteContact":           noBody(conversation.ParseDeleteContactHTTPResponse),
	"deleteConversation":      noBody(conversation.ParseDeleteConversationHTTPResponse),
	"deleteEvent":             noBody(conversation.ParseDeleteEventHTTPResponse),
	"deleteMessage":           noBody(conversation.ParseDeleteMessageHTTPResponse),
	"deleteProjectSettings":   noBody(conversation.ParseDeleteProjectSettingsHTTPResponse),
	"deleteWebhook":           noBody(conversation.ParseDeleteWebhookHTTPResponse),
	"fetchLastMessage":        withBody[conversation.FetchLastMessageJSONRequestBody](conversation.ParseFetchLastMessageHTTPResponse),
	"getApp":                  noBody(conversation.ParseGetAppHTTPResponse),
	"getChannelProfile":       withBody[conversation.GetChannelProfileJSONRequestBody](conversation.ParseGetChannelProfileHTTPResponse),
	"getContact":              noBody(conversation.ParseGetContactHTTPResponse),
	"getConversation":         noBody(conversation.ParseGetConversationHTTPResponse),
	"getEvent":                noBody(conversation.ParseGetEventHTTPResponse),
	"getMessage":              noBody(conversation.ParseGetMessageHTTPResponse),
	"getProjectSettings":      noBody(conversation.ParseGetProjectSettingsHTTPResponse),
	"getWebhook":              noBody(conversation.ParseGetWebhookHTTPResponse),
	"injectEvent":             withBody[conversation.InjectEventJSONRequestBody](conversation.ParseInjectEventHTTPResponse),
	"injectMessage":           withBody[conversation.InjectMessageJSONRequestBody](conversation.ParseInjectMessageHTTPResponse),
	"listApps":                noBody(conversation.ParseListAppsHTTPResponse),
	"listConsentAuditRecords": noBody(conversation.ParseListConsentAuditRecordsHTTPResponse),
	"listConsents":            noBody(conversation.ParseListConsentsHTTPResponse),
	"listContacts":            noBody(conversation.ParseListContactsHTTPResponse),
	"listConversations":       noBody(conversation.ParseListConversationsHTTPResponse),
	"listEvents":              noBody(conversation.ParseListEventsHTTPResponse),
	"listIdentityConflicts":   noBody(conversation.ParseListIdentityConflictsHTTPResponse),
	"listMessages":            noBody(conversation.ParseListMessagesHTTPResponse),
	"listRecentConversations": noBody(conversation.ParseListRecentConversationsHTTPResponse),
	"listWebhooks":            noBody(conversation.ParseListWebhooksHTTPResponse),
	"mergeContact":            withBody[conversation.MergeContactJSONRequestBody](conversation.ParseMergeContactHTTPResponse),
	"queryCapability":         withBody[conversation.QueryCapabilityJSONRequestBody](conversation.ParseQueryCapabilityHTTPResponse),
	"sendEvent":               withBody[conversation.SendEventJSONRequestBody](conversation.ParseSendEventHTTPResponse),
	"sendMessage":             withBody[conversation.SendMessageJSONRequestBody](conversation.ParseSendMessageHTTPResponse),
	"stopConversation":        noBody(conversation.ParseStopConversationHTTPResponse),
	"transcodeMessage":        withBody[conversation.TranscodeMessageJSONRequestBody](conversation.ParseTranscodeMessageHTTPResponse),
	"updateApp":               withBody[conversation.UpdateAppJSONRequestBody](conversation.ParseUpdateAppHTTPResponse),
	"updateContact":           withBody[conversation.UpdateContactJSONRequestBody](conversation.ParseUpdateContactHTTPResponse),
	"updateConversation":      withBody[conversation.UpdateConversationJSONRequestBody](conversation.ParseUpdateConversationHTTPResponse),
	"updateMessageMetadata":   withBody[conversation.UpdateMessageMetadataJSONRequestBody](conversation.ParseUpdateMessageMetadataHTTPResponse),
	"updateProjectSettings":   withBody[conversation.UpdateProjectSettingsJSONRequestBody](conversation.ParseUpdateProjectSettingsHTTPResponse),
	"updateWebhook":           withBody[conversation.UpdateWebhookJSONRequestBody](conversation.ParseUpdateWebhookHTTPResponse),
}

var templatesOps = map[string]opTypes{
	"createTemplate":           withBody[templates.CreateTemplateJSONRequestBody](templates.ParseCreateTemplateHTTPResponse),
	"deleteTemplate":           noBody(templates.ParseDeleteTemplateHTTPResponse),
	"getTemplate":              noBody(templates.ParseGetTemplateHTTPResponse),
	"listTemplateTranslations": noBody(templates.ParseListTemplateTranslationsHTTPResponse),
	"listTemplates":            noBody(templates.ParseListTemplatesHTTPResponse),
	"updateTemplate":           withBody[templates.UpdateTemplateJSONRequestBody](templates.ParseUpdateTemplateHTTPResponse),
}

var batchOps = map[string]opTypes{
	"cancelBatchMessages": withBody[batch.CancelBatchMessagesJSONRequestBody](batch.ParseCancelBatchMessagesHTTPResponse),
	"createBatchConsents": withBody[batch.CreateBatchConsentsJSONRequestBody](batch.ParseCreateBatchConsentsHTTPResponse),
	"createBatchContacts": withBody[batch.CreateBatchContactsJSONRequestBody](batch.ParseCreateBatchContactsHTTPResponse),
	"deleteBatchContacts": withBody[batch.DeleteBatchContactsJSONRequestBody](batch.ParseDeleteBatchContactsHTTPResponse),
	"getBatchMessage":     noBody(batch.ParseGetBatchMessageHTTPResponse),
	"listBatchMessages":   noBody(batch.ParseListBatchMessagesHTTPResponse),
	"sendBatchMessage":    withBody[batch.SendBatchMessageJSONRequestBody](batch.ParseSendBatchMessageHTTPResponse),
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
