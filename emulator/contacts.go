package emulator

import (
	"slices"
	"sort"

	"github.com/relaykit/sinch-go/gen/conversation"
)

// newContactCollection returns the collection of a project's contacts, indexed by identity
// (every identity of a contact) and by external_id, so that a send in CONVERSATION mode
// finds the recipient's contact, and listContacts its candidates, without reading every
// contact. A contact's identities and external_id change only through put.
func newContactCollection() *collection[*conversation.Contact] {
	c := newIndexedCollection(map[string]func(*conversation.Contact) string{
		"external_id": func(ct *conversation.Contact) string { return ct.ExternalID },
	})
	return c.withListIndex("identity", func(ct *conversation.Contact) []string {
		out := make([]string, len(ct.ChannelIdentities))
		for i, ci := range ct.ChannelIdentities {
			out[i] = ci.Identity
		}
		return out
	})
}

// contact returns the project's contact id, or a 404 naming it. The caller holds the
// project lock.
func (c *call) contact(id string) (*conversation.Contact, error) {
	ct, ok := c.proj.contacts.get(id)
	if !ok {
		return nil, errNotFound("contact %s not found", quoteID(id))
	}
	return ct, nil
}

// newContact builds a contact from a create request, with a new id and the API's default
// language (EN_US).
func newContact(s *Server, req conversation.ContactCreateRequest) *conversation.Contact {
	ct := &conversation.Contact{
		ID:                s.newID(),
		ChannelIdentities: req.ChannelIdentities,
		ChannelPriority:   req.ChannelPriority,
		DisplayName:       req.DisplayName,
		Email:             req.Email,
		ExternalID:        req.ExternalID,
		Language:          req.Language,
		Metadata:          req.Metadata,
	}
	if ct.Language == "" {
		ct.Language = conversation.ContactLanguage("EN_US")
	}
	return ct
}

// contactOf is the contact payload of the CONTACT_* callbacks.
type contactOf struct {
	// Contact is the contact created, updated or deleted.
	Contact conversation.Contact `json:"contact"`
}

// createContact stores a new contact and sends CONTACT_CREATE to every app's webhooks.
func createContact(c *call) (any, error) {
	req, err := decodeRequest[conversation.ContactCreateRequest](c)
	if err != nil {
		return nil, err
	}
	ct := newContact(c.s, req)
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	c.proj.contacts.put(ct.ID, ct)
	c.queueContactEvent("CONTACT_CREATE", "contact_create_notification", contactOf{*ct})
	return *ct, nil
}

// queueContactEvent sends a contact-level callback to the webhooks of every app.
func (c *call) queueContactEvent(trigger, key string, payload any) {
	for _, appID := range c.proj.apps.ids {
		c.queue(appID, trigger, key, payload, "", "")
	}
}

// getContact answers one contact.
func getContact(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	ct, err := c.contact(c.param("contact_id"))
	if err != nil {
		return nil, err
	}
	return *ct, nil
}

// updateContact applies a PATCH to a contact and sends CONTACT_UPDATE.
func updateContact(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	ct, err := c.contact(c.param("contact_id"))
	if err != nil {
		return nil, err
	}
	next, err := patchRecord(c, *ct, "id")
	if err != nil {
		return nil, err
	}
	c.proj.contacts.put(ct.ID, &next)
	c.queueContactEvent("CONTACT_UPDATE", "contact_update_notification", contactOf{next})
	return next, nil
}

// deleteContact removes a contact with its conversations and sends CONTACT_DELETE.
func deleteContact(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	id := c.param("contact_id")
	ct, err := c.contact(id)
	if err != nil {
		return nil, err
	}
	c.proj.contacts.remove(id)
	for _, conv := range c.proj.conversations.snapshot() {
		if conv.ContactID == id {
			c.proj.conversations.remove(conv.ID)
		}
	}
	c.queueContactEvent("CONTACT_DELETE", "contact_delete_notification", contactOf{*ct})
	return struct{}{}, nil
}

// contactMerge is the payload of CONTACT_MERGE.
type contactMerge struct {
	// PreservedContact is the destination contact, after the merge.
	PreservedContact conversation.Contact `json:"preserved_contact"`
	// DeletedContact is the source contact, as it was.
	DeletedContact conversation.Contact `json:"deleted_contact"`
}

// mergeContact merges the source contact into the destination: identities the destination
// lacks and its empty fields come from the source, whose conversations, messages and events
// move over; the source goes, and CONTACT_MERGE is sent.
func mergeContact(c *call) (any, error) {
	req, err := decodeRequest[conversation.MergeContactRequest](c)
	if err != nil && len(c.raw) > 0 {
		return nil, err
	}
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	dst, err := c.contact(c.param("destination_id"))
	if err != nil {
		return nil, err
	}
	srcID := req.SourceID
	if srcID == "" {
		return nil, errInvalid("source_id is required")
	}
	if srcID == dst.ID {
		return nil, errInvalid("a contact cannot be merged into itself")
	}
	src, err := c.contact(srcID)
	if err != nil {
		return nil, err
	}
	merged := *dst
	merged.ChannelIdentities = slices.Clip(merged.ChannelIdentities)
	for _, ci := range src.ChannelIdentities {
		if !slices.Contains(merged.ChannelIdentities, ci) {
			merged.ChannelIdentities = append(merged.ChannelIdentities, ci)
		}
	}
	for _, f := range []struct{ dst, src *string }{
		{&merged.DisplayName, &src.DisplayName}, {&merged.Email, &src.Email},
		{&merged.ExternalID, &src.ExternalID}, {&merged.Metadata, &src.Metadata},
	} {
		if *f.dst == "" {
			*f.dst = *f.src
		}
	}
	c.proj.contacts.put(merged.ID, &merged)
	for _, conv := range c.proj.conversations.snapshot() {
		if conv.ContactID == srcID {
			moved := *conv
			moved.ContactID = merged.ID
			c.proj.conversations.put(moved.ID, &moved)
		}
	}
	for _, col := range []*collection[*storedMessage]{c.proj.messages, c.proj.events} {
		for _, m := range col.snapshot() { // update reindexes: not while ranging over col
			if m.contactID == srcID {
				col.update(m.id, func(m *storedMessage) { m.contactID = merged.ID })
			}
		}
	}
	c.proj.contacts.remove(srcID)
	c.queueContactEvent("CONTACT_MERGE", "contact_merge_notification", contactMerge{PreservedContact: merged, DeletedContact: *src})
	return merged, nil
}

// getChannelProfile answers the recipient's profile name: a contact's display name, or a
// fixed emulated name.
func getChannelProfile(c *call) (any, error) {
	req, err := decodeRequest[conversation.GetChannelProfileRequest](c)
	if err != nil && len(c.raw) > 0 {
		return nil, err
	}
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	if _, err := c.app(req.AppID); err != nil {
		return nil, err
	}
	if id := req.Recipient.ContactID; id != "" {
		ct, err := c.contact(id)
		if err != nil {
			return nil, err
		}
		if ct.DisplayName != "" {
			return conversation.GetChannelProfileResponse{ProfileName: ct.DisplayName}, nil
		}
	}
	return conversation.GetChannelProfileResponse{ProfileName: "Emulated User"}, nil
}

// conflictPage is conversation.ListIdentityConflictsResponse with the list always present.
type conflictPage struct {
	// Conflicts is one page of the identities held by more than one contact.
	Conflicts []conversation.IdentityConflict `json:"conflicts"`
	// NextPageToken is the next page's token, empty on the last page.
	NextPageToken string `json:"next_page_token,omitempty"`
}

// listIdentityConflicts answers one page of the identities held by more than one contact.
func listIdentityConflicts(c *call) (any, error) {
	size, err := c.pageSize(10)
	if err != nil {
		return nil, err
	}
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	owners := map[string][]string{}
	channels := map[string][]conversation.ConversationChannel{}
	for ct := range c.proj.contacts.records() {
		for _, ci := range ct.ChannelIdentities {
			if ci.Identity == "" {
				continue
			}
			if !contains(owners[ci.Identity], ct.ID) {
				owners[ci.Identity] = append(owners[ci.Identity], ct.ID)
			}
			if !slices.Contains(channels[ci.Identity], ci.Channel) {
				channels[ci.Identity] = append(channels[ci.Identity], ci.Channel)
			}
		}
	}
	var idents []string
	for ident, ids := range owners {
		if len(ids) > 1 {
			idents = append(idents, ident)
		}
	}
	sort.Strings(idents)
	start, end, next, err := c.offsetPage(size, len(idents))
	if err != nil {
		return nil, err
	}
	out := conflictPage{Conflicts: make([]conversation.IdentityConflict, 0, end-start), NextPageToken: next}
	for _, ident := range idents[start:end] {
		chs := channels[ident]
		slices.Sort(chs)
		out.Conflicts = append(out.Conflicts, conversation.IdentityConflict{Identity: ident, Channels: chs, ContactIds: owners[ident]})
	}
	return out, nil
}

// contactPage is one page of listContacts: conversation.ListContactsResponse with the list,
// the token and the total always present.
type contactPage struct {
	// Contacts is the page's contacts.
	Contacts []conversation.Contact `json:"contacts"`
	// NextPageToken is the next page's token, empty on the last page.
	NextPageToken string `json:"next_page_token"`
	// TotalSize is the number of contacts the filter keeps, over every page.
	TotalSize int `json:"total_size"`
}

// listContacts answers one page of contacts, filtered by external_id, channel and identity.
func listContacts(c *call) (any, error) {
	size, err := c.pageSize(10)
	if err != nil {
		return nil, err
	}
	extID, channel, identity := c.query("external_id"), c.query("channel"), identityQuery(c.r, "identity")
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	keep := func(ct *conversation.Contact) bool {
		if extID != "" && ct.ExternalID != extID {
			return false
		}
		if channel != "" || identity != "" {
			for _, ci := range ct.ChannelIdentities {
				if (channel == "" || string(ci.Channel) == channel) && (identity == "" || ci.Identity == identity) {
					return true
				}
			}
			return false
		}
		return true
	}
	// Only the candidates of the most selective index the filter names are read.
	ids := c.proj.contacts.narrowest(filter{"identity", identity}, filter{"external_id", extID})
	p, err := c.proj.contacts.listIn(ids, keep, false, size, c.query("page_token"), false)
	if err != nil {
		return nil, err
	}
	out := contactPage{Contacts: make([]conversation.Contact, 0, len(p.items)), NextPageToken: p.nextToken, TotalSize: p.total}
	for _, ct := range p.items {
		out.Contacts = append(out.Contacts, *ct)
	}
	return out, nil
}
