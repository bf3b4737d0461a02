// The methods in this file are thin, regular wrappers over the generated client, one per
// operation, written with a script from the generated code and the spec's summaries.

package sinch

import (
	"context"
	"iter"

	"github.com/relaykit/sinch-go/gen/conversation"
	"github.com/relaykit/sinch-go/wrappers/internal/paging"
)

// ListApps calls GET /v1/projects/{project_id}/apps (listApps): List the project's apps.
func (s *ConversationService) ListApps(ctx context.Context, opts ...CallOption) (*conversation.ListAppsResponse, error) {
	return call[conversation.ListAppsResponse](ctx, s.c, opts, func(ctx context.Context) (*conversation.ListAppsHTTPResponse, error) {
		return s.gen.ListAppsWithResponse(ctx, s.c.cfg.projectID)
	})
}

// CreateApp calls POST /v1/projects/{project_id}/apps (createApp): Create an app.
func (s *ConversationService) CreateApp(ctx context.Context, req conversation.CreateAppRequest, opts ...CallOption) (*conversation.App, error) {
	return call[conversation.App](ctx, s.c, opts, func(ctx context.Context) (*conversation.CreateAppHTTPResponse, error) {
		return s.gen.CreateAppWithResponse(ctx, s.c.cfg.projectID, req)
	})
}

// DeleteApp calls DELETE /v1/projects/{project_id}/apps/{app_id} (deleteApp): Delete an app.
func (s *ConversationService) DeleteApp(ctx context.Context, appID string, opts ...CallOption) (*conversation.Empty, error) {
	return call[conversation.Empty](ctx, s.c, opts, func(ctx context.Context) (*conversation.DeleteAppHTTPResponse, error) {
		return s.gen.DeleteAppWithResponse(ctx, s.c.cfg.projectID, appID)
	})
}

// GetApp calls GET /v1/projects/{project_id}/apps/{app_id} (getApp): Get an app.
func (s *ConversationService) GetApp(ctx context.Context, appID string, opts ...CallOption) (*conversation.App, error) {
	return call[conversation.App](ctx, s.c, opts, func(ctx context.Context) (*conversation.GetAppHTTPResponse, error) {
		return s.gen.GetAppWithResponse(ctx, s.c.cfg.projectID, appID)
	})
}

// UpdateApp calls PATCH /v1/projects/{project_id}/apps/{app_id} (updateApp): Update an app.
func (s *ConversationService) UpdateApp(ctx context.Context, appID string, params *conversation.UpdateAppParams, req conversation.UpdateAppRequest, opts ...CallOption) (*conversation.App, error) {
	return call[conversation.App](ctx, s.c, opts, func(ctx context.Context) (*conversation.UpdateAppHTTPResponse, error) {
		return s.gen.UpdateAppWithResponse(ctx, s.c.cfg.projectID, appID, params, req)
	})
}

// ListConsentAuditRecords calls GET /v1/projects/{project_id}/apps/{app_id}/consents/identities/{identity} (listConsentAuditRecords): List an identity's consent audit records.
func (s *ConversationService) ListConsentAuditRecords(ctx context.Context, appID string, identity string, opts ...CallOption) (*conversation.ListConsentAuditRecordsResponse, error) {
	return call[conversation.ListConsentAuditRecordsResponse](ctx, s.c, opts, func(ctx context.Context) (*conversation.ListConsentAuditRecordsHTTPResponse, error) {
		return s.gen.ListConsentAuditRecordsWithResponse(ctx, s.c.cfg.projectID, appID, identity)
	})
}

// ListConsentsPage calls GET /v1/projects/{project_id}/apps/{app_id}/consents/{list_type} (listConsents): List the identities in a consent list.
// It returns one page; ListConsents iterates over every page.
func (s *ConversationService) ListConsentsPage(ctx context.Context, appID string, listType conversation.ConsentListType, params *conversation.ListConsentsParams, opts ...CallOption) (*conversation.ListConsentsResponse, error) {
	return call[conversation.ListConsentsResponse](ctx, s.c, opts, func(ctx context.Context) (*conversation.ListConsentsHTTPResponse, error) {
		return s.gen.ListConsentsWithResponse(ctx, s.c.cfg.projectID, appID, listType, params)
	})
}

// ListConsents iterates over every item of every page, fetching pages lazily with page_token as the
// loop advances; breaking out of the loop stops it. params may be nil; its PageToken, if set,
// is where the walk starts. An error is yielded once, and ends the walk.
func (s *ConversationService) ListConsents(ctx context.Context, appID string, listType conversation.ConsentListType, params *conversation.ListConsentsParams, opts ...CallOption) iter.Seq2[conversation.ConsentIdentity, error] {
	var p conversation.ListConsentsParams
	if params != nil {
		p = *params
	}
	return paging.All(func(token string) ([]conversation.ConsentIdentity, string, error) {
		q := p
		if token != "" {
			q.PageToken = &token
		}
		page, err := s.ListConsentsPage(ctx, appID, listType, &q, opts...)
		if err != nil {
			return nil, "", err
		}
		return page.Identities, deref(page.NextPageToken), nil
	})
}

// ListWebhooks calls GET /v1/projects/{project_id}/apps/{app_id}/webhooks (listWebhooks): List an app's webhooks.
func (s *ConversationService) ListWebhooks(ctx context.Context, appID string, opts ...CallOption) (*conversation.ListWebhooksResponse, error) {
	return call[conversation.ListWebhooksResponse](ctx, s.c, opts, func(ctx context.Context) (*conversation.ListWebhooksHTTPResponse, error) {
		return s.gen.ListWebhooksWithResponse(ctx, s.c.cfg.projectID, appID)
	})
}

// QueryCapability calls POST /v1/projects/{project_id}/capability:query (queryCapability): Look up channel capabilities.
func (s *ConversationService) QueryCapability(ctx context.Context, req conversation.QueryCapabilityRequest, opts ...CallOption) (*conversation.QueryCapabilityResponse, error) {
	return call[conversation.QueryCapabilityResponse](ctx, s.c, opts, func(ctx context.Context) (*conversation.QueryCapabilityHTTPResponse, error) {
		return s.gen.QueryCapabilityWithResponse(ctx, s.c.cfg.projectID, req)
	})
}

// ListContactsPage calls GET /v1/projects/{project_id}/contacts (listContacts): List contacts.
// It returns one page; ListContacts iterates over every page.
func (s *ConversationService) ListContactsPage(ctx context.Context, params *conversation.ListContactsParams, opts ...CallOption) (*conversation.ListContactsResponse, error) {
	return call[conversation.ListContactsResponse](ctx, s.c, opts, func(ctx context.Context) (*conversation.ListContactsHTTPResponse, error) {
		return s.gen.ListContactsWithResponse(ctx, s.c.cfg.projectID, params)
	})
}

// ListContacts iterates over every item of every page, fetching pages lazily with page_token as the
// loop advances; breaking out of the loop stops it. params may be nil; its PageToken, if set,
// is where the walk starts. An error is yielded once, and ends the walk.
func (s *ConversationService) ListContacts(ctx context.Context, params *conversation.ListContactsParams, opts ...CallOption) iter.Seq2[conversation.Contact, error] {
	var p conversation.ListContactsParams
	if params != nil {
		p = *params
	}
	return paging.All(func(token string) ([]conversation.Contact, string, error) {
		q := p
		if token != "" {
			q.PageToken = &token
		}
		page, err := s.ListContactsPage(ctx, &q, opts...)
		if err != nil {
			return nil, "", err
		}
		return page.Contacts, deref(page.NextPageToken), nil
	})
}

// CreateContact calls POST /v1/projects/{project_id}/contacts (createContact): Create a contact.
func (s *ConversationService) CreateContact(ctx context.Context, req conversation.ContactCreateRequest, opts ...CallOption) (*conversation.Contact, error) {
	return call[conversation.Contact](ctx, s.c, opts, func(ctx context.Context) (*conversation.CreateContactHTTPResponse, error) {
		return s.gen.CreateContactWithResponse(ctx, s.c.cfg.projectID, req)
	})
}

// DeleteContact calls DELETE /v1/projects/{project_id}/contacts/{contact_id} (deleteContact): Delete a contact.
func (s *ConversationService) DeleteContact(ctx context.Context, contactID string, opts ...CallOption) (*conversation.Empty, error) {
	return call[conversation.Empty](ctx, s.c, opts, func(ctx context.Context) (*conversation.DeleteContactHTTPResponse, error) {
		return s.gen.DeleteContactWithResponse(ctx, s.c.cfg.projectID, contactID)
	})
}

// GetContact calls GET /v1/projects/{project_id}/contacts/{contact_id} (getContact): Get a contact.
func (s *ConversationService) GetContact(ctx context.Context, contactID string, opts ...CallOption) (*conversation.Contact, error) {
	return call[conversation.Contact](ctx, s.c, opts, func(ctx context.Context) (*conversation.GetContactHTTPResponse, error) {
		return s.gen.GetContactWithResponse(ctx, s.c.cfg.projectID, contactID)
	})
}

// UpdateContact calls PATCH /v1/projects/{project_id}/contacts/{contact_id} (updateContact): Update a contact.
func (s *ConversationService) UpdateContact(ctx context.Context, contactID string, params *conversation.UpdateContactParams, req conversation.UpdateContactRequest, opts ...CallOption) (*conversation.Contact, error) {
	return call[conversation.Contact](ctx, s.c, opts, func(ctx context.Context) (*conversation.UpdateContactHTTPResponse, error) {
		return s.gen.UpdateContactWithResponse(ctx, s.c.cfg.projectID, contactID, params, req)
	})
}

// MergeContact calls POST /v1/projects/{project_id}/contacts/{destination_id}:merge (mergeContact): Merge two contacts.
func (s *ConversationService) MergeContact(ctx context.Context, destinationID string, req conversation.MergeContactRequest, opts ...CallOption) (*conversation.Contact, error) {
	return call[conversation.Contact](ctx, s.c, opts, func(ctx context.Context) (*conversation.MergeContactHTTPResponse, error) {
		return s.gen.MergeContactWithResponse(ctx, s.c.cfg.projectID, destinationID, req)
	})
}

// GetChannelProfile calls POST /v1/projects/{project_id}/contacts:getChannelProfile (getChannelProfile): Get a contact's channel profile.
func (s *ConversationService) GetChannelProfile(ctx context.Context, req conversation.GetChannelProfileRequest, opts ...CallOption) (*conversation.GetChannelProfileResponse, error) {
	return call[conversation.GetChannelProfileResponse](ctx, s.c, opts, func(ctx context.Context) (*conversation.GetChannelProfileHTTPResponse, error) {
		return s.gen.GetChannelProfileWithResponse(ctx, s.c.cfg.projectID, req)
	})
}

// ListIdentityConflictsPage calls GET /v1/projects/{project_id}/contacts:identityConflicts (listIdentityConflicts): List contact identity conflicts.
// It returns one page; ListIdentityConflicts iterates over every page.
func (s *ConversationService) ListIdentityConflictsPage(ctx context.Context, params *conversation.ListIdentityConflictsParams, opts ...CallOption) (*conversation.ListIdentityConflictsResponse, error) {
	return call[conversation.ListIdentityConflictsResponse](ctx, s.c, opts, func(ctx context.Context) (*conversation.ListIdentityConflictsHTTPResponse, error) {
		return s.gen.ListIdentityConflictsWithResponse(ctx, s.c.cfg.projectID, params)
	})
}

// ListIdentityConflicts iterates over every item of every page, fetching pages lazily with page_token as the
// loop advances; breaking out of the loop stops it. params may be nil; its PageToken, if set,
// is where the walk starts. An error is yielded once, and ends the walk.
func (s *ConversationService) ListIdentityConflicts(ctx context.Context, params *conversation.ListIdentityConflictsParams, opts ...CallOption) iter.Seq2[conversation.IdentityConflict, error] {
	var p conversation.ListIdentityConflictsParams
	if params != nil {
		p = *params
	}
	return paging.All(func(token string) ([]conversation.IdentityConflict, string, error) {
		q := p
		if token != "" {
			q.PageToken = &token
		}
		page, err := s.ListIdentityConflictsPage(ctx, &q, opts...)
		if err != nil {
			return nil, "", err
		}
		return page.Conflicts, deref(page.NextPageToken), nil
	})
}

// ListConversationsPage calls GET /v1/projects/{project_id}/conversations (listConversations): List conversations.
// It returns one page; ListConversations iterates over every page.
func (s *ConversationService) ListConversationsPage(ctx context.Context, params *conversation.ListConversationsParams, opts ...CallOption) (*conversation.ListConversationsResponse, error) {
	return call[conversation.ListConversationsResponse](ctx, s.c, opts, func(ctx context.Context) (*conversation.ListConversationsHTTPResponse, error) {
		return s.gen.ListConversationsWithResponse(ctx, s.c.cfg.projectID, params)
	})
}

// ListConversations iterates over every item of every page, fetching pages lazily with page_token as the
// loop advances; breaking out of the loop stops it. params may be nil; its PageToken, if set,
// is where the walk starts. An error is yielded once, and ends the walk.
func (s *ConversationService) ListConversations(ctx context.Context, params *conversation.ListConversationsParams, opts ...CallOption) iter.Seq2[conversation.Conversation, error] {
	var p conversation.ListConversationsParams
	if params != nil {
		p = *params
	}
	return paging.All(func(token string) ([]conversation.Conversation, string, error) {
		q := p
		if token != "" {
			q.PageToken = &token
		}
		page, err := s.ListConversationsPage(ctx, &q, opts...)
		if err != nil {
			return nil, "", err
		}
		return page.Conversations, deref(page.NextPageToken), nil
	})
}

// CreateConversation calls POST /v1/projects/{project_id}/conversations (createConversation): Create a conversation.
func (s *ConversationService) CreateConversation(ctx context.Context, req conversation.CreateConversationRequest, opts ...CallOption) (*conversation.Conversation, error) {
	return call[conversation.Conversation](ctx, s.c, opts, func(ctx context.Context) (*conversation.CreateConversationHTTPResponse, error) {
		return s.gen.CreateConversationWithResponse(ctx, s.c.cfg.projectID, req)
	})
}

// DeleteConversation calls DELETE /v1/projects/{project_id}/conversations/{conversation_id} (deleteConversation): Delete a conversation.
func (s *ConversationService) DeleteConversation(ctx context.Context, conversationID string, opts ...CallOption) (*conversation.Empty, error) {
	return call[conversation.Empty](ctx, s.c, opts, func(ctx context.Context) (*conversation.DeleteConversationHTTPResponse, error) {
		return s.gen.DeleteConversationWithResponse(ctx, s.c.cfg.projectID, conversationID)
	})
}

// GetConversation calls GET /v1/projects/{project_id}/conversations/{conversation_id} (getConversation): Get a conversation.
func (s *ConversationService) GetConversation(ctx context.Context, conversationID string, opts ...CallOption) (*conversation.Conversation, error) {
	return call[conversation.Conversation](ctx, s.c, opts, func(ctx context.Context) (*conversation.GetConversationHTTPResponse, error) {
		return s.gen.GetConversationWithResponse(ctx, s.c.cfg.projectID, conversationID)
	})
}

// UpdateConversation calls PATCH /v1/projects/{project_id}/conversations/{conversation_id} (updateConversation): Update a conversation.
func (s *ConversationService) UpdateConversation(ctx context.Context, conversationID string, params *conversation.UpdateConversationParams, req conversation.UpdateConversationRequest, opts ...CallOption) (*conversation.Conversation, error) {
	return call[conversation.Conversation](ctx, s.c, opts, func(ctx context.Context) (*conversation.UpdateConversationHTTPResponse, error) {
		return s.gen.UpdateConversationWithResponse(ctx, s.c.cfg.projectID, conversationID, params, req)
	})
}

// InjectEvent calls POST /v1/projects/{project_id}/conversations/{conversation_id}:inject-event (injectEvent): Inject an event into a conversation.
func (s *ConversationService) InjectEvent(ctx context.Context, conversationID string, req conversation.InjectEventRequest, opts ...CallOption) (*conversation.InjectEventResponse, error) {
	return call[conversation.InjectEventResponse](ctx, s.c, opts, func(ctx context.Context) (*conversation.InjectEventHTTPResponse, error) {
		return s.gen.InjectEventWithResponse(ctx, s.c.cfg.projectID, conversationID, req)
	})
}

// InjectMessage calls POST /v1/projects/{project_id}/conversations/{conversation_id}:inject-message (injectMessage): Inject a message into a conversation.
func (s *ConversationService) InjectMessage(ctx context.Context, conversationID string, req conversation.InjectMessageRequest, opts ...CallOption) (*conversation.Empty, error) {
	return call[conversation.Empty](ctx, s.c, opts, func(ctx context.Context) (*conversation.InjectMessageHTTPResponse, error) {
		return s.gen.InjectMessageWithResponse(ctx, s.c.cfg.projectID, conversationID, req)
	})
}

// StopConversation calls POST /v1/projects/{project_id}/conversations/{conversation_id}:stop (stopConversation): Stop an active conversation.
func (s *ConversationService) StopConversation(ctx context.Context, conversationID string, opts ...CallOption) (*conversation.Empty, error) {
	return call[conversation.Empty](ctx, s.c, opts, func(ctx context.Context) (*conversation.StopConversationHTTPResponse, error) {
		return s.gen.StopConversationWithResponse(ctx, s.c.cfg.projectID, conversationID)
	})
}

// ListRecentConversationsPage calls GET /v1/projects/{project_id}/conversations:recent (listRecentConversations): List recent conversations.
// It returns one page; ListRecentConversations iterates over every page.
func (s *ConversationService) ListRecentConversationsPage(ctx context.Context, params *conversation.ListRecentConversationsParams, opts ...CallOption) (*conversation.ListRecentConversationsResponse, error) {
	return call[conversation.ListRecentConversationsResponse](ctx, s.c, opts, func(ctx context.Context) (*conversation.ListRecentConversationsHTTPResponse, error) {
		return s.gen.ListRecentConversationsWithResponse(ctx, s.c.cfg.projectID, params)
	})
}

// ListRecentConversations iterates over every item of every page, fetching pages lazily with page_token as the
// loop advances; breaking out of the loop stops it. params may be nil; its PageToken, if set,
// is where the walk starts. An error is yielded once, and ends the walk.
func (s *ConversationService) ListRecentConversations(ctx context.Context, params *conversation.ListRecentConversationsParams, opts ...CallOption) iter.Seq2[conversation.ConversationRecentMessage, error] {
	var p conversation.ListRecentConversationsParams
	if params != nil {
		p = *params
	}
	return paging.All(func(token string) ([]conversation.ConversationRecentMessage, string, error) {
		q := p
		if token != "" {
			q.PageToken = &token
		}
		page, err := s.ListRecentConversationsPage(ctx, &q, opts...)
		if err != nil {
			return nil, "", err
		}
		return page.Conversations, deref(page.NextPageToken), nil
	})
}

// ListEventsPage calls GET /v1/projects/{project_id}/events (listEvents): List events.
// It returns one page; ListEvents iterates over every page.
func (s *ConversationService) ListEventsPage(ctx context.Context, params *conversation.ListEventsParams, opts ...CallOption) (*conversation.ListEventsResponse, error) {
	return call[conversation.ListEventsResponse](ctx, s.c, opts, func(ctx context.Context) (*conversation.ListEventsHTTPResponse, error) {
		return s.gen.ListEventsWithResponse(ctx, s.c.cfg.projectID, params)
	})
}

// ListEvents iterates over every item of every page, fetching pages lazily with page_token as the
// loop advances; breaking out of the loop stops it. params may be nil; its PageToken, if set,
// is where the walk starts. An error is yielded once, and ends the walk.
func (s *ConversationService) ListEvents(ctx context.Context, params *conversation.ListEventsParams, opts ...CallOption) iter.Seq2[conversation.ConversationEvent, error] {
	var p conversation.ListEventsParams
	if params != nil {
		p = *params
	}
	return paging.All(func(token string) ([]conversation.ConversationEvent, string, error) {
		q := p
		if token != "" {
			q.PageToken = &token
		}
		page, err := s.ListEventsPage(ctx, &q, opts...)
		if err != nil {
			return nil, "", err
		}
		return page.Events, deref(page.NextPageToken), nil
	})
}

// DeleteEvent calls DELETE /v1/projects/{project_id}/events/{event_id} (deleteEvent): Delete an event.
func (s *ConversationService) DeleteEvent(ctx context.Context, eventID string, opts ...CallOption) (*conversation.Empty, error) {
	return call[conversation.Empty](ctx, s.c, opts, func(ctx context.Context) (*conversation.DeleteEventHTTPResponse, error) {
		return s.gen.DeleteEventWithResponse(ctx, s.c.cfg.projectID, eventID)
	})
}

// GetEvent calls GET /v1/projects/{project_id}/events/{event_id} (getEvent): Get an event.
func (s *ConversationService) GetEvent(ctx context.Context, eventID string, opts ...CallOption) (*conversation.ConversationEvent, error) {
	return call[conversation.ConversationEvent](ctx, s.c, opts, func(ctx context.Context) (*conversation.GetEventHTTPResponse, error) {
		return s.gen.GetEventWithResponse(ctx, s.c.cfg.projectID, eventID)
	})
}

// ListMessagesPage calls GET /v1/projects/{project_id}/messages (listMessages): List messages.
// It returns one page; ListMessages iterates over every page.
func (s *ConversationService) ListMessagesPage(ctx context.Context, params *conversation.ListMessagesParams, opts ...CallOption) (*conversation.ListMessagesResponse, error) {
	return call[conversation.ListMessagesResponse](ctx, s.c, opts, func(ctx context.Context) (*conversation.ListMessagesHTTPResponse, error) {
		return s.gen.ListMessagesWithResponse(ctx, s.c.cfg.projectID, params)
	})
}

// ListMessages iterates over every item of every page, fetching pages lazily with page_token as the
// loop advances; breaking out of the loop stops it. params may be nil; its PageToken, if set,
// is where the walk starts. An error is yielded once, and ends the walk.
func (s *ConversationService) ListMessages(ctx context.Context, params *conversation.ListMessagesParams, opts ...CallOption) iter.Seq2[conversation.ConversationMessage, error] {
	var p conversation.ListMessagesParams
	if params != nil {
		p = *params
	}
	return paging.All(func(token string) ([]conversation.ConversationMessage, string, error) {
		q := p
		if token != "" {
			q.PageToken = &token
		}
		page, err := s.ListMessagesPage(ctx, &q, opts...)
		if err != nil {
			return nil, "", err
		}
		return page.Messages, deref(page.NextPageToken), nil
	})
}

// DeleteMessage calls DELETE /v1/projects/{project_id}/messages/{message_id} (deleteMessage): Delete a message.
func (s *ConversationService) DeleteMessage(ctx context.Context, messageID string, params *conversation.DeleteMessageParams, opts ...CallOption) (*conversation.Empty, error) {
	return call[conversation.Empty](ctx, s.c, opts, func(ctx context.Context) (*conversation.DeleteMessageHTTPResponse, error) {
		return s.gen.DeleteMessageWithResponse(ctx, s.c.cfg.projectID, messageID, params)
	})
}

// GetMessage calls GET /v1/projects/{project_id}/messages/{message_id} (getMessage): Get a message.
func (s *ConversationService) GetMessage(ctx context.Context, messageID string, params *conversation.GetMessageParams, opts ...CallOption) (*conversation.ConversationMessage, error) {
	return call[conversation.ConversationMessage](ctx, s.c, opts, func(ctx context.Context) (*conversation.GetMessageHTTPResponse, error) {
		return s.gen.GetMessageWithResponse(ctx, s.c.cfg.projectID, messageID, params)
	})
}

// UpdateMessageMetadata calls PATCH /v1/projects/{project_id}/messages/{message_id} (updateMessageMetadata): Update a message's metadata.
func (s *ConversationService) UpdateMessageMetadata(ctx context.Context, messageID string, params *conversation.UpdateMessageMetadataParams, req conversation.UpdateMessageMetadataRequest, opts ...CallOption) (*conversation.ConversationMessage, error) {
	return call[conversation.ConversationMessage](ctx, s.c, opts, func(ctx context.Context) (*conversation.UpdateMessageMetadataHTTPResponse, error) {
		return s.gen.UpdateMessageMetadataWithResponse(ctx, s.c.cfg.projectID, messageID, params, req)
	})
}

// FetchLastMessage calls POST /v1/projects/{project_id}/messages:fetch-last-message (fetchLastMessage): List the last message per identity.
func (s *ConversationService) FetchLastMessage(ctx context.Context, req conversation.FetchLastMessageRequest, opts ...CallOption) (*conversation.ListMessagesResponse, error) {
	return call[conversation.ListMessagesResponse](ctx, s.c, opts, func(ctx context.Context) (*conversation.FetchLastMessageHTTPResponse, error) {
		return s.gen.FetchLastMessageWithResponse(ctx, s.c.cfg.projectID, req)
	})
}

// TranscodeMessage calls POST /v1/projects/{project_id}/messages:transcode (transcodeMessage): Transcode a message.
func (s *ConversationService) TranscodeMessage(ctx context.Context, req conversation.TranscodeMessageRequest, opts ...CallOption) (*conversation.TranscodeMessageResponse, error) {
	return call[conversation.TranscodeMessageResponse](ctx, s.c, opts, func(ctx context.Context) (*conversation.TranscodeMessageHTTPResponse, error) {
		return s.gen.TranscodeMessageWithResponse(ctx, s.c.cfg.projectID, req)
	})
}

// DeleteProjectSettings calls DELETE /v1/projects/{project_id}/settings (deleteProjectSettings): Delete the project settings.
func (s *ConversationService) DeleteProjectSettings(ctx context.Context, opts ...CallOption) (*conversation.Empty, error) {
	return call[conversation.Empty](ctx, s.c, opts, func(ctx context.Context) (*conversation.DeleteProjectSettingsHTTPResponse, error) {
		return s.gen.DeleteProjectSettingsWithResponse(ctx, s.c.cfg.projectID)
	})
}

// GetProjectSettings calls GET /v1/projects/{project_id}/settings (getProjectSettings): Get the project settings.
func (s *ConversationService) GetProjectSettings(ctx context.Context, opts ...CallOption) (*conversation.ProjectSettings, error) {
	return call[conversation.ProjectSettings](ctx, s.c, opts, func(ctx context.Context) (*conversation.GetProjectSettingsHTTPResponse, error) {
		return s.gen.GetProjectSettingsWithResponse(ctx, s.c.cfg.projectID)
	})
}

// UpdateProjectSettings calls PATCH /v1/projects/{project_id}/settings (updateProjectSettings): Update the project settings.
func (s *ConversationService) UpdateProjectSettings(ctx context.Context, req conversation.UpdateProjectSettingsRequest, opts ...CallOption) (*conversation.ProjectSettings, error) {
	return call[conversation.ProjectSettings](ctx, s.c, opts, func(ctx context.Context) (*conversation.UpdateProjectSettingsHTTPResponse, error) {
		return s.gen.UpdateProjectSettingsWithResponse(ctx, s.c.cfg.projectID, req)
	})
}

// CreateProjectSettings calls POST /v1/projects/{project_id}/settings (createProjectSettings): Create the project settings.
func (s *ConversationService) CreateProjectSettings(ctx context.Context, req conversation.CreateProjectSettingsRequest, opts ...CallOption) (*conversation.ProjectSettings, error) {
	return call[conversation.ProjectSettings](ctx, s.c, opts, func(ctx context.Context) (*conversation.CreateProjectSettingsHTTPResponse, error) {
		return s.gen.CreateProjectSettingsWithResponse(ctx, s.c.cfg.projectID, req)
	})
}

// CreateWebhook calls POST /v1/projects/{project_id}/webhooks (createWebhook): Create a webhook.
func (s *ConversationService) CreateWebhook(ctx context.Context, req conversation.CreateWebhookRequest, opts ...CallOption) (*conversation.Webhook, error) {
	return call[conversation.Webhook](ctx, s.c, opts, func(ctx context.Context) (*conversation.CreateWebhookHTTPResponse, error) {
		return s.gen.CreateWebhookWithResponse(ctx, s.c.cfg.projectID, req)
	})
}

// DeleteWebhook calls DELETE /v1/projects/{project_id}/webhooks/{webhook_id} (deleteWebhook): Delete a webhook.
func (s *ConversationService) DeleteWebhook(ctx context.Context, webhookID string, opts ...CallOption) (*conversation.Empty, error) {
	return call[conversation.Empty](ctx, s.c, opts, func(ctx context.Context) (*conversation.DeleteWebhookHTTPResponse, error) {
		return s.gen.DeleteWebhookWithResponse(ctx, s.c.cfg.projectID, webhookID)
	})
}

// GetWebhook calls GET /v1/projects/{project_id}/webhooks/{webhook_id} (getWebhook): Get a webhook.
func (s *ConversationService) GetWebhook(ctx context.Context, webhookID string, opts ...CallOption) (*conversation.Webhook, error) {
	return call[conversation.Webhook](ctx, s.c, opts, func(ctx context.Context) (*conversation.GetWebhookHTTPResponse, error) {
		return s.gen.GetWebhookWithResponse(ctx, s.c.cfg.projectID, webhookID)
	})
}

// UpdateWebhook calls PATCH /v1/projects/{project_id}/webhooks/{webhook_id} (updateWebhook): Update a webhook.
func (s *ConversationService) UpdateWebhook(ctx context.Context, webhookID string, params *conversation.UpdateWebhookParams, req conversation.UpdateWebhookRequest, opts ...CallOption) (*conversation.Webhook, error) {
	return call[conversation.Webhook](ctx, s.c, opts, func(ctx context.Context) (*conversation.UpdateWebhookHTTPResponse, error) {
		return s.gen.UpdateWebhookWithResponse(ctx, s.c.cfg.projectID, webhookID, params, req)
	})
}
