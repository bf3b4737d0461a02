package emulator

import "github.com/relaykit/sinch-go/gen/conversation"

// conversationIndexes are the indexes of the conversations collection: by app and by
// contact, for the list filters and for finding the active conversation of a send. A
// conversation's app and contact change only through put.
var conversationIndexes = map[string]func(*conversation.Conversation) string{
	"app":     func(c *conversation.Conversation) string { return c.AppID },
	"contact": func(c *conversation.Conversation) string { return c.ContactID },
}

// conversation returns the project's conversation id, or a 404 naming it. The caller holds
// the project lock.
func (c *call) conversation(id string) (*conversation.Conversation, error) {
	conv, ok := c.proj.conversations.get(id)
	if !ok {
		return nil, errNotFound("conversation %s not found", quoteID(id))
	}
	return conv, nil
}

// conversationJSON is a conversation as the emulator answers it: the generated type with
// active always present. conversation.Conversation leaves out a false active, and clients
// read "active": false after a stop, as the emulator has always answered it.
type conversationJSON struct {
	conversation.Conversation
	// Active is whether the conversation is the active one between its app and contact.
	Active bool `json:"active"`
}

// conversationOut is the answer form of a conversation.
func conversationOut(conv conversation.Conversation) conversationJSON {
	return conversationJSON{Conversation: conv, Active: conv.Active}
}

// conversationOf is the payload of the CONVERSATION_* callbacks.
type conversationOf struct {
	// Conversation is the conversation started, stopped or deleted.
	Conversation conversationJSON `json:"conversation"`
}

// conversationCreate is the body of createConversation: conversation.CreateConversationRequest
// with active by pointer, since a conversation created without it is active.
type conversationCreate struct {
	conversation.CreateConversationRequest
	// Active is whether the new conversation is the active one; true when absent.
	Active *bool `json:"active"`
}

// createConversation stores a conversation between an existing app and contact and sends
// CONVERSATION_START.
func createConversation(c *call) (any, error) {
	req, err := decodeRequest[conversationCreate](c)
	if err != nil && len(c.raw) > 0 {
		return nil, err
	}
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	if req.AppID == "" || req.ContactID == "" {
		return nil, errInvalid("app_id and contact_id are required")
	}
	if _, err := c.app(req.AppID); err != nil {
		return nil, err
	}
	if _, err := c.contact(req.ContactID); err != nil {
		return nil, err
	}
	conv := &conversation.Conversation{
		ID:            c.s.newID(),
		Active:        req.Active == nil || *req.Active,
		ActiveChannel: req.ActiveChannel,
		AppID:         req.AppID,
		ContactID:     req.ContactID,
		CorrelationID: req.CorrelationID,
		Metadata:      req.Metadata,
		MetadataJSON:  req.MetadataJSON,
	}
	c.proj.conversations.put(conv.ID, conv)
	c.queue(conv.AppID, "CONVERSATION_START", "conversation_start_notification", conversationOf{conversationOut(*conv)}, "", "")
	return conversationOut(*conv), nil
}

// getConversation answers one conversation.
func getConversation(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	conv, err := c.conversation(c.param("conversation_id"))
	if err != nil {
		return nil, err
	}
	return conversationOut(*conv), nil
}

// updateConversation applies a PATCH to a conversation; its id, app and contact stay.
func updateConversation(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	conv, err := c.conversation(c.param("conversation_id"))
	if err != nil {
		return nil, err
	}
	next, err := patchRecord(c, *conv, "id", "app_id", "contact_id")
	if err != nil {
		return nil, err
	}
	c.proj.conversations.put(conv.ID, &next)
	return conversationOut(next), nil
}

// deleteConversation removes a conversation and sends CONVERSATION_DELETE.
func deleteConversation(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	id := c.param("conversation_id")
	conv, err := c.conversation(id)
	if err != nil {
		return nil, err
	}
	c.proj.conversations.remove(id)
	c.queue(conv.AppID, "CONVERSATION_DELETE", "conversation_delete_notification", conversationOf{conversationOut(*conv)}, "", "")
	return struct{}{}, nil
}

// stopConversation makes a conversation inactive and sends CONVERSATION_STOP.
func stopConversation(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	conv, err := c.conversation(c.param("conversation_id"))
	if err != nil {
		return nil, err
	}
	conv.Active = false
	c.queue(conv.AppID, "CONVERSATION_STOP", "conversation_stop_notification", conversationOf{conversationOut(*conv)}, "", "")
	return struct{}{}, nil
}

// injected builds the stored form of a message or event injected into the path's conversation:
// the request body with a new id, the conversation's ids and an accept time. The caller holds
// the project lock.
func injected(c *call) (item doc, conv *conversation.Conversation, err error) {
	conv, err = c.conversation(c.param("conversation_id"))
	if err != nil {
		return nil, nil, err
	}
	if c.body == nil {
		return nil, nil, errInvalid("request body is required")
	}
	item = c.body // this request's own document, turned into a record at once
	item["id"] = c.s.newID()
	item["conversation_id"] = conv.ID
	item["contact_id"] = conv.ContactID
	item["processing_mode"] = "CONVERSATION"
	if str(item, "accept_time") == "" {
		item["accept_time"] = rfc3339(c.s.now())
	}
	return item, conv, nil
}

// injectMessage stores a message in a conversation's history without sending it.
func injectMessage(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	m, conv, err := injected(c)
	if err != nil {
		return nil, err
	}
	m["injected"] = true
	if ci := obj(m["channel_identity"]); ci != nil && str(ci, "app_id") == "" {
		ci["app_id"] = conv.AppID // so that listing by app finds it
	}
	if str(m, "direction") == "" {
		if m["contact_message"] != nil {
			m["direction"] = "TO_APP"
		} else {
			m["direction"] = "TO_CONTACT"
		}
	}
	c.s.keep(c.proj.messages, recordFromDoc(m))
	return doc{}, nil
}

// injectEvent stores an event in a conversation's history without sending it.
func injectEvent(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	e, _, err := injected(c)
	if err != nil {
		return nil, err
	}
	rec := recordFromDoc(e)
	c.s.keep(c.proj.events, rec)
	// The accept time is echoed as given (conversation.InjectEventResponse would re-encode it).
	return doc{"event_id": rec.id, "accepted_time": rec.acceptTime}, nil
}

// conversationPage is one page of listConversations: conversation.ListConversationsResponse
// with the list, the token and the total always present.
type conversationPage struct {
	// Conversations is the page's conversations.
	Conversations []conversationJSON `json:"conversations"`
	// NextPageToken is the next page's token, empty on the last page.
	NextPageToken string `json:"next_page_token"`
	// TotalSize is the number of conversations the filter keeps, over every page.
	TotalSize int `json:"total_size"`
}

// listConversations answers one page of conversations, filtered by app, contact, active
// channel and only_active.
func listConversations(c *call) (any, error) {
	size, err := c.pageSize(10)
	if err != nil {
		return nil, err
	}
	appID, contactID, channel := c.query("app_id"), c.query("contact_id"), c.query("active_channel")
	onlyActive := c.query("only_active") == "true"
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	keep := func(conv *conversation.Conversation) bool {
		return (appID == "" || conv.AppID == appID) && (contactID == "" || conv.ContactID == contactID) &&
			(channel == "" || string(conv.ActiveChannel) == channel) && (!onlyActive || conv.Active)
	}
	ids := c.proj.conversations.narrowest(filter{"contact", contactID}, filter{"app", appID})
	p, err := c.proj.conversations.listIn(ids, keep, false, size, c.query("page_token"), false)
	if err != nil {
		return nil, err
	}
	out := conversationPage{Conversations: make([]conversationJSON, 0, len(p.items)), NextPageToken: p.nextToken, TotalSize: p.total}
	for _, conv := range p.items {
		out.Conversations = append(out.Conversations, conversationOut(*conv))
	}
	return out, nil
}

// recentConversation is one item of listRecentConversations: a conversation and its newest
// message.
type recentConversation struct {
	// Conversation is the conversation.
	Conversation conversationJSON `json:"conversation"`
	// LastMessage is a copy of its newest message; nil when it has none.
	LastMessage *storedMessage `json:"last_message,omitempty"`
}

// recentPage is one page of listRecentConversations.
type recentPage struct {
	// Conversations is the page's conversations with their last messages.
	Conversations []recentConversation `json:"conversations"`
	// NextPageToken is the next page's token, empty on the last page.
	NextPageToken string `json:"next_page_token"`
	// TotalSize is the number of conversations the filter keeps, over every page.
	TotalSize int `json:"total_size"`
}

// listRecentConversations answers one page of conversations, newest first unless
// order=ASC, each with its last message.
func listRecentConversations(c *call) (any, error) {
	size, err := c.pageSize(10)
	if err != nil {
		return nil, err
	}
	appID := c.query("app_id")
	onlyActive := c.query("only_active") == "true"
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	mc := c.proj.messages
	keep := func(conv *conversation.Conversation) bool {
		return (appID == "" || conv.AppID == appID) && (!onlyActive || conv.Active)
	}
	// Newest first (order=DESC, the default) or oldest first (ASC).
	desc := c.query("order") != "ASC"
	ids := c.proj.conversations.narrowest(filter{"app", appID})
	p, err := c.proj.conversations.listIn(ids, keep, false, size, c.query("page_token"), desc)
	if err != nil {
		return nil, err
	}
	out := recentPage{Conversations: make([]recentConversation, 0, len(p.items)), NextPageToken: p.nextToken, TotalSize: p.total}
	for _, conv := range p.items {
		item := recentConversation{Conversation: conversationOut(*conv)}
		// The conversation's last message: the newest id of its index entry.
		if ids, _ := mc.candidates("conversation", conv.ID); len(ids) > 0 {
			m := *mc.rec(ids[len(ids)-1])
			item.LastMessage = &m
		}
		out.Conversations = append(out.Conversations, item)
	}
	return out, nil
}
