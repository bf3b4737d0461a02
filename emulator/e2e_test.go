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
	app, err := cv.CreateApp(ctx, conversation.CreateAppRequest{
		DisplayName:    "e2e",
		ProcessingMode: conversation.ProcessingModeConversation,
		ChannelCredentials: []conversation.ChannelCredentials{{
			Channel:      conversation.ConversationChannel("SMS"),
			StaticBearer: conversation.StaticBearerCredential{ClaimedIdentity: "plan", Token: "tok"},
		}},
	})
	must("createApp", err)
	appID := app.ID
	_, err = cv.GetApp(ctx, appID)
	must("getApp", err)
	up, err := cv.UpdateApp(ctx, appID, &conversation.UpdateAppParams{UpdateMask: []string{"display_name"}}, conversation.UpdateAppRequest{DisplayName: ptr("e2e renamed")})
	must("updateApp", err)
	if up.DisplayName != "e2e renamed" {
		t.Fatalf("updateApp: %+v", up)
	}
	apps, err := cv.ListApps(ctx)
	must("listApps", err)
	if len(apps.Apps) != 1 {
		t.Fatalf("listApps: %+v", apps)
	}
	hook, err := cv.CreateWebhook(ctx, conversation.CreateWebhookRequest{AppID: appID, Target: "http://127.0.0.1:1/hook", TargetType: conversation.WebhookTargetType("HTTP"), Triggers: []conversation.WebhookTrigger{conversation.WebhookTriggerMessageDelivery}})
	must("createWebhook", err)
	_, err = cv.GetWebhook(ctx, hook.ID)
	must("getWebhook", err)
	_, err = cv.UpdateWebhook(ctx, hook.ID, &conversation.UpdateWebhookParams{UpdateMask: []string{"target"}}, conversation.UpdateWebhookRequest{Target: "http://127.0.0.1:2/hook"})
	must("updateWebhook", err)
	hooks, err := cv.ListWebhooks(ctx, appID)
	must("listWebhooks", err)
	if len(hooks.Webhooks) != 1 || hooks.Webhooks[0].Target != "http://127.0.0.1:2/hook" {
		t.Fatalf("listWebhooks: %+v", hooks)
	}
	_, err = cv.DeleteWebhook(ctx, hook.ID)
	must("deleteWebhook", err)

	// Contacts.
	newContact := func(identity string) string {
		ct, err := cv.CreateContact(ctx, conversation.ContactCreateRequest{
			ChannelIdentities: []conversation.ChannelIdentity{{Channel: "SMS", Identity: identity}},
			Language:          conversation.ContactLanguageENUS,
		})
		must("createContact", err)
		return ct.ID
	}
	a, b := newContact("+15557000001"), newContact("+15557000002")
	_, err = cv.GetContact(ctx, a)
	must("getContact", err)
	_, err = cv.UpdateContact(ctx, a, &conversation.UpdateContactParams{UpdateMask: []string{"display_name"}}, conversation.UpdateContactRequest{DisplayName: ptr("Ann")})
	must("updateContact", err)
	n := 0
	for _, err := range cv.ListContacts(ctx, &conversation.ListContactsParams{PageSize: ptr(int32(1))}) {
		must("listContacts", err)
		n++
	}
	if n != 2 {
		t.Fatalf("listContacts iterated %d contacts, want 2", n)
	}
	_, err = cv.MergeContact(ctx, a, conversation.MergeContactRequest{SourceID: b})
	must("mergeContact", err)
	_, err = cv.GetChannelProfile(ctx, conversation.GetChannelProfileRequest{AppID: appID, Channel: conversation.GetChannelProfileChannelMESSENGER, Recipient: recipient.Identity("MESSENGER", "1234")})
	must("getChannelProfile", err)
	for _, err := range cv.ListIdentityConflicts(ctx, nil) {
		must("listIdentityConflicts", err)
	}

	// Messages, with fallback helpers.
	rcp, order := recipient.Fallback(recipient.SMS("+15557000000"), recipient.WhatsApp("+15557000003"))
	sent, err := cv.SendMessage(ctx, conversation.SendMessageRequest{AppID: appID, Recipient: rcp, Message: message.Text("hello"), ChannelPriorityOrder: order})
	must("sendMessage", err)
	msgID := sent.MessageID
	got, err := cv.GetMessage(ctx, msgID, &conversation.GetMessageParams{MessagesSource: ptr(conversation.MessageSource("CONVERSATION_SOURCE"))})
	must("getMessage", err)
	if got.ConversationID == "" {
		t.Fatalf("CONVERSATION mode message without conversation: %+v", got)
	}
	_, err = cv.UpdateMessageMetadata(ctx, msgID, &conversation.UpdateMessageMetadataParams{MessagesSource: ptr(conversation.MessageSource("CONVERSATION_SOURCE"))}, conversation.UpdateMessageMetadataRequest{Metadata: "m"})
	must("updateMessageMetadata", err)
	n = 0
	for _, err := range cv.ListMessages(ctx, nil) {
		must("listMessages", err)
		n++
	}
	if n != 1 {
		t.Fatalf("listMessages: %d", n)
	}
	_, err = cv.FetchLastMessage(ctx, conversation.FetchLastMessageRequest{ChannelIdentities: []string{"+15557000003"}})
	must("fetchLastMessage", err)
	tr, err := cv.TranscodeMessage(ctx, conversation.TranscodeMessageRequest{AppID: appID, AppMessage: message.Text("hi"), Channels: []conversation.ConversationChannel{"SMS"}})
	must("transcodeMessage", err)
	if tr.TranscodedMessage["SMS"] == "" {
		t.Fatalf("transcode: %+v", tr)
	}

	// Conversations.
	var convID string
	for cvs, err := range cv.ListConversations(ctx, &conversation.ListConversationsParams{AppID: &appID}) {
		must("listConversations", err)
		convID = cvs.ID
	}
	_, err = cv.GetConversation(ctx, convID)
	must("getConversation", err)
	_, err = cv.UpdateConversation(ctx, convID, &conversation.UpdateConversationParams{UpdateMask: []string{"metadata"}}, conversation.UpdateConversationRequest{Metadata: ptr("x")})
	must("updateConversation", err)
	for _, err := range cv.ListRecentConversations(ctx, &conversation.ListRecentConversationsParams{AppID: appID}) {
		must("listRecentConversations", err)
	}
	_, err = cv.InjectMessage(ctx, convID, conversation.InjectMessageRequest{
		AcceptTime: time.Now().UTC(), ChannelIdentity: conversation.ChannelIdentity{Channel: "SMS", Identity: "+15557000001"},
		ContactID: a, Direction: conversation.ConversationDirectionToApp, ContactMessage: conversation.ContactMessage{TextMessage: conversation.TextMessage{Text: "earlier"}},
	})
	must("injectMessage", err)
	ie, err := cv.InjectEvent(ctx, convID, conversation.InjectEventRequest{AcceptTime: time.Now().UTC(), AppEvent: conversation.AppEvent{ComposingEvent: conversation.ComposingEvent{}}})
	must("injectEvent", err)
	_, err = cv.StopConversation(ctx, convID)
	must("stopConversation", err)

	// Events and capability.
	ev, err := cv.SendEvent(ctx, conversation.SendEventRequest{AppID: appID, Recipient: recipient.Contact(a), Event: conversation.AppEvent{ComposingEvent: conversation.ComposingEvent{}}})
	must("sendEvent", err)
	_, err = cv.GetEvent(ctx, ev.EventID)
	must("getEvent", err)
	for _, err := range cv.ListEvents(ctx, nil) {
		must("listEvents", err)
	}
	_, err = cv.DeleteEvent(ctx, ie.EventID)
	must("deleteEvent", err)
	_, err = cv.QueryCapability(ctx, conversation.QueryCapabilityRequest{AppID: appID, Recipient: recipient.Contact(a)})
	must("queryCapability", err)

	// Project settings.
	_, err = cv.CreateProjectSettings(ctx, conversation.CreateProjectSettingsRequest{})
	must("createProjectSettings", err)
	_, err = cv.GetProjectSettings(ctx)
	must("getProjectSettings", err)
	_, err = cv.UpdateProjectSettings(ctx, conversation.UpdateProjectSettingsRequest{})
	must("updateProjectSettings", err)
	_, err = cv.DeleteProjectSettings(ctx)
	must("deleteProjectSettings", err)

	// Batch API, consents.
	bs, err := c.Batch.SendBatchMessage(ctx, batch.SendBatchMessageRequest{
		AppID: appID, Message: message.Text("Hi ${name}"), BatchMetadata: map[string]any{"wave": "1"},
		SendAfter:          time.Now().Add(time.Hour),
		RecipientAndParams: []batch.BatchRecipient{{Recipient: recipient.Identity("SMS", "+15557000010"), Parameters: map[string]string{"name": "Ann"}}},
	})
	must("sendBatchMessage", err)
	bm, err := c.Batch.GetBatchMessage(ctx, bs.BatchID)
	must("getBatchMessage", err)
	if string(bm.Status) != "SCHEDULED" {
		t.Fatalf("batch status %v", bm.Status)
	}
	list, err := c.Batch.ListBatchMessages(ctx, &batch.ListBatchMessagesParams{MetadataKey: "wave", MetadataValue: "1"})
	must("listBatchMessages", err)
	if len(*list) != 1 {
		t.Fatalf("listBatchMessages: %+v", list)
	}
	_, err = c.Batch.CancelBatchMessages(ctx, batch.CancelBatchMessagesRequest{BatchID: bs.BatchID})
	must("cancelBatchMessages", err)
	_, err = c.Batch.CreateBatchContacts(ctx, batch.CreateBatchContactsRequest{Contacts: []conversation.ContactCreateRequest{{ChannelIdentities: []conversation.ChannelIdentity{{Channel: "SMS", Identity: "+15557000020"}}, Language: conversation.ContactLanguageENUS}}})
	must("createBatchContacts", err)
	_, err = c.Batch.DeleteBatchContacts(ctx, batch.DeleteBatchContactsRequest{ContactIds: []string{a}})
	must("deleteBatchContacts", err)
	_, err = c.Batch.CreateBatchConsents(ctx, batch.CreateBatchConsentsRequest{AppID: appID, ConsentRecords: []batch.ConsentRecord{{Identification: "+15557000030"}}})
	must("createBatchConsents", err)
	for _, err := range cv.ListConsents(ctx, appID, conversation.ConsentListTypeOptOutAll, nil) {
		must("listConsents", err)
	}
	audit, err := cv.ListConsentAuditRecords(ctx, appID, "+15557000030")
	must("listConsentAuditRecords", err)
	if len(audit.AuditRecords) != 1 {
		t.Fatalf("audit: %+v", audit)
	}

	// Templates.
	tp, err := c.Templates.CreateTemplate(ctx, templates.CreateTemplateRequest{DefaultTranslation: "en", Translations: []templates.TemplateTranslation{{LanguageCode: "en", TextMessage: conversation.TextMessage{Text: "Hi ${name}"}}}})
	must("createTemplate", err)
	_, err = c.Templates.GetTemplate(ctx, tp.ID)
	must("getTemplate", err)
	_, err = c.Templates.UpdateTemplate(ctx, tp.ID, templates.UpdateTemplateRequest{ID: tp.ID, Version: tp.Version, DefaultTranslation: "en", Translations: tp.Translations})
	must("updateTemplate", err)
	_, err = c.Templates.ListTemplates(ctx)
	must("listTemplates", err)
	_, err = c.Templates.ListTemplateTranslations(ctx, tp.ID, nil)
	must("listTemplateTranslations", err)
	_, err = c.Templates.DeleteTemplate(ctx, tp.ID)
	must("deleteTemplate", err)

	// Deletes really delete, and the error is the wrappers' typed 404.
	_, err = cv.DeleteMessage(ctx, msgID, &conversation.DeleteMessageParams{MessagesSource: ptr(conversation.MessageSource("CONVERSATION_SOURCE"))})
	must("deleteMessage", err)
	_, err = cv.DeleteConversation(ctx, convID)
	must("deleteConversation", err)
	_, err = cv.DeleteContact(ctx, newContact("+15557000040"))
	must("deleteContact", err)
	_, err = cv.DeleteApp(ctx, appID)
	must("deleteApp", err)
	_, err = cv.GetApp(ctx, appID)
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
	app, err := c.Conversation.CreateApp(ctx, conversation.CreateAppRequest{DisplayName: "cb", ChannelCredentials: []conversation.ChannelCredentials{
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
	_, err = c.Conversation.CreateWebhook(ctx, conversation.CreateWebhookRequest{AppID: app.ID, Target: recv.URL, Secret: secret, Triggers: []conversation.WebhookTrigger{conversation.WebhookTriggerMessageDelivery}})
	if err != nil {
		t.Fatal(err)
	}
	rcp, order := recipient.Fallback(recipient.SMS("+15558000000"), recipient.WhatsApp("+15558000000"))
	if _, err := c.Conversation.SendMessage(ctx, conversation.SendMessageRequest{AppID: app.ID, Recipient: rcp, Message: message.Text("hi"), ChannelPriorityOrder: order}); err != nil {
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
