package emulator_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/relaykit/sinch-go/emulator"
	"github.com/relaykit/sinch-go/gen/batch"
	"github.com/relaykit/sinch-go/gen/conversation"
	"github.com/relaykit/sinch-go/gen/templates"
	"github.com/relaykit/sinch-go/hmac"
	"github.com/relaykit/sinch-go/wrappers/message"
	"github.com/relaykit/sinch-go/wrappers/recipient"
	"github.com/relaykit/sinch-go/wrappers/sinch"
)

func ptr[T any](v T) *T { return &v }

// client returns a wrappers client pointed at the emulator, with OAuth2 through the
// emulator's token endpoint.
func client(t *testing.T, srv *emulator.Server) *sinch.Client {
	t.Helper()
	c, err := sinch.NewClient(
		sinch.WithProjectID("e2e-project"),
		sinch.WithOAuth2("key-id", "key-secret"),
		sinch.WithConversationURL(srv.ConversationURL()),
		sinch.WithTemplateURL(srv.TemplateURL()),
		sinch.WithBatchURL(srv.BatchURL()),
		sinch.WithAuthURL(srv.TokenURL()),
		sinch.WithMaxRetries(0),
	)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func start(t *testing.T, cfg emulator.Config) *emulator.Server {
	t.Helper()
	srv, err := emulator.Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// TestEndToEndEveryOperation drives all 58 operations of the three APIs through the
// wrappers client, against an emulator with pinned credentials.
func TestEndToEndEveryOperation(t *testing.T) {
	srv := start(t, emulator.Config{
		RateLimit:   emulator.RateLimitOff,
		Credentials: []emulator.Credential{{KeyID: "key-id", KeySecret: "key-secret"}},
		Callbacks:   emulator.CallbackConfig{StepDelay: time.Millisecond},
	})
	c := client(t, srv)
	ctx := context.Background()
	must := func(step string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	cv := c.Conversation

	// Apps and webhooks.
	app, err := cv.Apps.Create(ctx, conversation.CreateAppRequest{
		DisplayName:    "e2e",
		ProcessingMode: conversation.ProcessingModeConversation,
		ChannelCredentials: []conversation.ChannelCredentials{{
			Channel:      conversation.ConversationChannel("SMS"),
			StaticBearer: conversation.StaticBearerCredential{ClaimedIdentity: "plan", Token: "tok"},
		}},
	})
	must("createApp", err)
	appID := app.ID
	_, err = cv.Apps.Get(ctx, appID)
	must("getApp", err)
	up, err := cv.Apps.Update(ctx, appID, conversation.UpdateAppParams{UpdateMask: []string{"display_name"}}, conversation.UpdateAppRequest{DisplayName: ptr("e2e renamed")})
	must("updateApp", err)
	if up.DisplayName != "e2e renamed" {
		t.Fatalf("updateApp: %+v", up)
	}
	apps, err := cv.Apps.List(ctx)
	must("listApps", err)
	if len(apps.Apps) != 1 {
		t.Fatalf("listApps: %+v", apps)
	}
	hook, err := cv.Webhooks.Create(ctx, conversation.CreateWebhookRequest{AppID: appID, Target: "http://127.0.0.1:1/hook", TargetType: conversation.WebhookTargetType("HTTP"), Triggers: []conversation.WebhookTrigger{conversation.WebhookTriggerMessageDelivery}})
	must("createWebhook", err)
	_, err = cv.Webhooks.Get(ctx, hook.ID)
	must("getWebhook", err)
	_, err = cv.Webhooks.Update(ctx, hook.ID, conversation.UpdateWebhookParams{UpdateMask: []string{"target"}}, conversation.UpdateWebhookRequest{Target: "http://127.0.0.1:2/hook"})
	must("updateWebhook", err)
	hooks, err := cv.Webhooks.List(ctx, appID)
	must("listWebhooks", err)
	if len(hooks.Webhooks) != 1 || hooks.Webhooks[0].Target != "http://127.0.0.1:2/hook" {
		t.Fatalf("listWebhooks: %+v", hooks)
	}
	err = cv.Webhooks.Delete(ctx, hook.ID)
	must("deleteWebhook", err)

	// Contacts.
	newContact := func(identity string) string {
		ct, err := cv.Contacts.Create(ctx, conversation.ContactCreateRequest{
			ChannelIdentities: []conversation.ChannelIdentity{{Channel: "SMS", Identity: identity}},
			Language:          conversation.ContactLanguageENUS,
		})
		must("createContact", err)
		return ct.ID
	}
	a, b := newContact("+15557000001"), newContact("+15557000002")
	_, err = cv.Contacts.Get(ctx, a)
	must("getContact", err)
	_, err = cv.Contacts.Update(ctx, a, conversation.UpdateContactParams{UpdateMask: []string{"display_name"}}, conversation.UpdateContactRequest{DisplayName: ptr("Ann")})
	must("updateContact", err)
	n := 0
	for _, err := range cv.Contacts.List(ctx, conversation.ListContactsParams{PageSize: ptr(int32(1))}) {
		must("listContacts", err)
		n++
	}
	if n != 2 {
		t.Fatalf("listContacts iterated %d contacts, want 2", n)
	}
	_, err = cv.Contacts.Merge(ctx, a, conversation.MergeContactRequest{SourceID: b})
	must("mergeContact", err)
	_, err = cv.Contacts.GetChannelProfile(ctx, conversation.GetChannelProfileRequest{AppID: appID, Channel: conversation.GetChannelProfileChannelMESSENGER, Recipient: recipient.Identity("MESSENGER", "1234")})
	must("getChannelProfile", err)
	for _, err := range cv.Contacts.ListIdentityConflicts(ctx, conversation.ListIdentityConflictsParams{}) {
		must("listIdentityConflicts", err)
	}

	// Messages, with fallback helpers.
	rcp := recipient.Fallback(recipient.SMS("+15557000000"), recipient.WhatsApp("+15557000003"))
	sent, err := cv.Messages.Send(ctx, conversation.SendMessageRequest{AppID: appID, Recipient: rcp, Message: message.Text("hello")})
	must("sendMessage", err)
	msgID := sent.MessageID
	got, err := cv.Messages.Get(ctx, msgID, conversation.GetMessageParams{MessagesSource: ptr(conversation.MessageSource("CONVERSATION_SOURCE"))})
	must("getMessage", err)
	if got.ConversationID == "" {
		t.Fatalf("CONVERSATION mode message without conversation: %+v", got)
	}
	_, err = cv.Messages.UpdateMetadata(ctx, msgID, conversation.UpdateMessageMetadataParams{MessagesSource: ptr(conversation.MessageSource("CONVERSATION_SOURCE"))}, conversation.UpdateMessageMetadataRequest{Metadata: "m"})
	must("updateMessageMetadata", err)
	n = 0
	for _, err := range cv.Messages.List(ctx, conversation.ListMessagesParams{}) {
		must("listMessages", err)
		n++
	}
	if n != 1 {
		t.Fatalf("listMessages: %d", n)
	}
	_, err = cv.Messages.FetchLast(ctx, conversation.FetchLastMessageRequest{ChannelIdentities: []string{"+15557000003"}})
	must("fetchLastMessage", err)
	tr, err := cv.Messages.Transcode(ctx, conversation.TranscodeMessageRequest{AppID: appID, AppMessage: message.Text("hi"), Channels: []conversation.ConversationChannel{"SMS"}})
	must("transcodeMessage", err)
	if tr.TranscodedMessage["SMS"] == "" {
		t.Fatalf("transcode: %+v", tr)
	}

	// Conversations.
	var convID string
	for cvs, err := range cv.Conversations.List(ctx, conversation.ListConversationsParams{AppID: &appID}) {
		must("listConversations", err)
		convID = cvs.ID
	}
	_, err = cv.Conversations.Get(ctx, convID)
	must("getConversation", err)
	_, err = cv.Conversations.Update(ctx, convID, conversation.UpdateConversationParams{UpdateMask: []string{"metadata"}}, conversation.UpdateConversationRequest{Metadata: ptr("x")})
	must("updateConversation", err)
	for _, err := range cv.Conversations.ListRecent(ctx, conversation.ListRecentConversationsParams{AppID: appID}) {
		must("listRecentConversations", err)
	}
	err = cv.Conversations.InjectMessage(ctx, convID, conversation.InjectMessageRequest{
		AcceptTime: time.Now().UTC(), ChannelIdentity: conversation.ChannelIdentity{Channel: "SMS", Identity: "+15557000001"},
		ContactID: a, Direction: conversation.ConversationDirectionToApp, ContactMessage: conversation.ContactMessage{TextMessage: conversation.TextMessage{Text: "earlier"}},
	})
	must("injectMessage", err)
	ie, err := cv.Conversations.InjectEvent(ctx, convID, conversation.InjectEventRequest{AcceptTime: time.Now().UTC(), AppEvent: conversation.AppEvent{ComposingEvent: conversation.ComposingEvent{}}})
	must("injectEvent", err)
	err = cv.Conversations.Stop(ctx, convID)
	must("stopConversation", err)

	// Events and capability.
	ev, err := cv.Events.Send(ctx, conversation.SendEventRequest{AppID: appID, Recipient: recipient.Contact(a), Event: conversation.AppEvent{ComposingEvent: conversation.ComposingEvent{}}})
	must("sendEvent", err)
	_, err = cv.Events.Get(ctx, ev.EventID)
	must("getEvent", err)
	for _, err := range cv.Events.List(ctx, conversation.ListEventsParams{}) {
		must("listEvents", err)
	}
	err = cv.Events.Delete(ctx, ie.EventID)
	must("deleteEvent", err)
	_, err = cv.Capability.Query(ctx, conversation.QueryCapabilityRequest{AppID: appID, Recipient: recipient.Contact(a)})
	must("queryCapability", err)

	// Project settings.
	_, err = cv.ProjectSettings.Create(ctx, conversation.CreateProjectSettingsRequest{})
	must("createProjectSettings", err)
	_, err = cv.ProjectSettings.Get(ctx)
	must("getProjectSettings", err)
	_, err = cv.ProjectSettings.Update(ctx, conversation.UpdateProjectSettingsRequest{})
	must("updateProjectSettings", err)
	err = cv.ProjectSettings.Delete(ctx)
	must("deleteProjectSettings", err)

	// Batch API, consents.
	bs, err := c.Batch.Send(ctx, batch.SendBatchMessageRequest{
		AppID: appID, Message: message.Text("Hi ${name}"), BatchMetadata: map[string]any{"wave": "1"},
		SendAfter:          time.Now().Add(time.Hour),
		RecipientAndParams: []batch.BatchRecipient{{Recipient: recipient.Identity("SMS", "+15557000010"), Parameters: map[string]string{"name": "Ann"}}},
	})
	must("sendBatchMessage", err)
	bm, err := c.Batch.Get(ctx, bs.BatchID)
	must("getBatchMessage", err)
	if string(bm.Status) != "SCHEDULED" {
		t.Fatalf("batch status %v", bm.Status)
	}
	list, err := c.Batch.List(ctx, batch.ListBatchMessagesParams{MetadataKey: "wave", MetadataValue: "1"})
	must("listBatchMessages", err)
	if len(*list) != 1 {
		t.Fatalf("listBatchMessages: %+v", list)
	}
	err = c.Batch.Cancel(ctx, batch.CancelBatchMessagesRequest{BatchID: bs.BatchID})
	must("cancelBatchMessages", err)
	err = c.Batch.Contacts.Create(ctx, batch.CreateBatchContactsRequest{Contacts: []conversation.ContactCreateRequest{{ChannelIdentities: []conversation.ChannelIdentity{{Channel: "SMS", Identity: "+15557000020"}}, Language: conversation.ContactLanguageENUS}}})
	must("createBatchContacts", err)
	err = c.Batch.Contacts.Delete(ctx, batch.DeleteBatchContactsRequest{ContactIds: []string{a}})
	must("deleteBatchContacts", err)
	_, err = c.Batch.Consents.Create(ctx, batch.CreateBatchConsentsRequest{AppID: appID, ConsentRecords: []batch.ConsentRecord{{Identification: "+15557000030"}}})
	must("createBatchConsents", err)
	for _, err := range cv.Consents.List(ctx, appID, conversation.ConsentListTypeOptOutAll, conversation.ListConsentsParams{}) {
		must("listConsents", err)
	}
	audit, err := cv.Consents.ListAuditRecords(ctx, appID, "+15557000030")
	must("listConsentAuditRecords", err)
	if len(audit.AuditRecords) != 1 {
		t.Fatalf("audit: %+v", audit)
	}

	// Templates.
	tp, err := c.Templates.Create(ctx, templates.CreateTemplateRequest{DefaultTranslation: "en", Translations: []templates.TemplateTranslation{{LanguageCode: "en", TextMessage: conversation.TextMessage{Text: "Hi ${name}"}}}})
	must("createTemplate", err)
	_, err = c.Templates.Get(ctx, tp.ID)
	must("getTemplate", err)
	_, err = c.Templates.Update(ctx, tp.ID, templates.UpdateTemplateRequest{ID: tp.ID, Version: tp.Version, DefaultTranslation: "en", Translations: tp.Translations})
	must("updateTemplate", err)
	_, err = c.Templates.List(ctx)
	must("listTemplates", err)
	_, err = c.Templates.ListTranslations(ctx, tp.ID, templates.ListTemplateTranslationsParams{})
	must("listTemplateTranslations", err)
	err = c.Templates.Delete(ctx, tp.ID)
	must("deleteTemplate", err)

	// Deletes really delete, and the error is the wrappers' typed 404.
	err = cv.Messages.Delete(ctx, msgID, conversation.DeleteMessageParams{MessagesSource: ptr(conversation.MessageSource("CONVERSATION_SOURCE"))})
	must("deleteMessage", err)
	err = cv.Conversations.Delete(ctx, convID)
	must("deleteConversation", err)
	err = cv.Contacts.Delete(ctx, newContact("+15557000040"))
	must("deleteContact", err)
	err = cv.Apps.Delete(ctx, appID)
	must("deleteApp", err)
	_, err = cv.Apps.Get(ctx, appID)
	var apiErr *sinch.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound {
		t.Fatalf("getApp after delete: %v", err)
	}
}

// TestEndToEndSignedCallbacks sends through the wrappers client and verifies every callback
// with the hmac package's Verifier.
func TestEndToEndSignedCallbacks(t *testing.T) {
	srv := start(t, emulator.Config{Callbacks: emulator.CallbackConfig{StepDelay: time.Millisecond}})
	c := client(t, srv)
	ctx := context.Background()
	const secret = "webhook-secret"
	v, err := hmac.NewVerifier([]string{secret})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var statuses []string
	done := make(chan struct{}, 10)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := v.Verify(r.Header, body); err != nil {
			t.Errorf("callback does not verify: %v", err)
			w.WriteHeader(401)
			return
		}
		var cb struct {
			Report *struct {
				Status  string `json:"status"`
				Channel struct {
					Channel string `json:"channel"`
				} `json:"channel_identity"`
			} `json:"message_delivery_report"`
		}
		_ = json.Unmarshal(body, &cb)
		if cb.Report != nil {
			mu.Lock()
			statuses = append(statuses, cb.Report.Channel.Channel+":"+cb.Report.Status)
			mu.Unlock()
			done <- struct{}{}
		}
	}))
	defer recv.Close()
	app, err := c.Conversation.Apps.Create(ctx, conversation.CreateAppRequest{DisplayName: "cb", ChannelCredentials: []conversation.ChannelCredentials{
		{Channel: conversation.ConversationChannel("SMS"), StaticBearer: conversation.StaticBearerCredential{ClaimedIdentity: "plan", Token: "tok"}},
		{Channel: conversation.ConversationChannel("WHATSAPP"), StaticBearer: conversation.StaticBearerCredential{ClaimedIdentity: "waba", Token: "tok"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	// The customer writes on WhatsApp first: free-form WhatsApp messages are allowed for 24
	// hours after that.
	if _, err := srv.InjectInbound(ctx, emulator.InboundMessage{ProjectID: "e2e-project", AppID: app.ID, Channel: "WHATSAPP", Identity: "+15558000000", ContactMessage: []byte(`{"text_message":{"text":"hi"}}`)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.Conversation.Webhooks.Create(ctx, conversation.CreateWebhookRequest{AppID: app.ID, Target: recv.URL, Secret: secret, Triggers: []conversation.WebhookTrigger{conversation.WebhookTriggerMessageDelivery}})
	if err != nil {
		t.Fatal(err)
	}
	rcp := recipient.Fallback(recipient.SMS("+15558000000"), recipient.WhatsApp("+15558000000"))
	if _, err := c.Conversation.Messages.Send(ctx, conversation.SendMessageRequest{AppID: app.ID, Recipient: rcp, Message: message.Text("hi")}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("callbacks so far: %v", statuses)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{"SMS:QUEUED_ON_CHANNEL", "SMS:SWITCHING_CHANNEL", "WHATSAPP:QUEUED_ON_CHANNEL", "WHATSAPP:DELIVERED", "WHATSAPP:READ"}
	for i := range want {
		if statuses[i] != want[i] {
			t.Fatalf("statuses %v, want %v", statuses, want)
		}
	}
}
