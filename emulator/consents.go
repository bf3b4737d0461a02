package emulator

import (
	"slices"

	"github.com/relaykit/sinch-go/gen/batch"
	"github.com/relaykit/sinch-go/gen/conversation"
)

// consentLists holds the consent (opt-out) lists of one app: for each list type
// (OPT_OUT_ALL, ...) its identities, sorted.
type consentLists map[string][]string

// consentAnswer is conversation.ListConsentsResponse with the identities always present
// (an empty list answers []).
type consentAnswer struct {
	// Identities is one page of the list's identities.
	Identities []conversation.ConsentIdentity `json:"identities"`
	// NextPageToken is the next page's token, empty on the last page.
	NextPageToken string `json:"next_page_token,omitempty"`
}

// auditAnswer is conversation.ListConsentAuditRecordsResponse with the records always
// present.
type auditAnswer struct {
	// Identity is the identity whose records these are.
	Identity conversation.ConsentIdentity `json:"identity"`
	// AuditRecords is the identity's changes, oldest first.
	AuditRecords []conversation.ConsentAuditRecord `json:"audit_records"`
}

// listConsents answers one page of an app's consent list, identities sorted.
func listConsents(c *call) (any, error) {
	size, err := c.pageSize(10)
	if err != nil {
		return nil, err
	}
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	appID := c.param("app_id")
	if _, err := c.app(appID); err != nil {
		return nil, err
	}
	ids := c.proj.consents[appID][c.param("list_type")] // kept sorted
	start, end, next, err := c.offsetPage(size, len(ids))
	if err != nil {
		return nil, err
	}
	out := consentAnswer{Identities: make([]conversation.ConsentIdentity, 0, end-start), NextPageToken: next}
	for _, id := range ids[start:end] {
		out.Identities = append(out.Identities, conversation.ConsentIdentity{Identity: id})
	}
	return out, nil
}

// listConsentAuditRecords answers the consent audit trail of one identity of an app.
func listConsentAuditRecords(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	appID := c.param("app_id")
	if _, err := c.app(appID); err != nil {
		return nil, err
	}
	identity := c.param("identity")
	recs := c.proj.audits[appID][identity]
	return auditAnswer{
		Identity:     conversation.ConsentIdentity{Identity: identity},
		AuditRecords: append(make([]conversation.ConsentAuditRecord, 0, len(recs)), recs...),
	}, nil
}

// createBatchConsents adds identities to an app's consent lists (the Batch API's consents
// operation), with an audit record for each.
func createBatchConsents(c *call) (any, error) {
	req, err := decodeRequest[batch.CreateBatchConsentsRequest](c)
	if err != nil {
		return nil, err
	}
	if len(req.ConsentRecords) == 0 {
		return nil, errInvalid("consent_records must not be empty")
	}
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	if _, err := c.app(req.AppID); err != nil {
		return nil, err
	}
	for _, r := range req.ConsentRecords {
		if r.Identification == "" {
			return nil, errInvalid("every consent record needs an identification")
		}
	}
	lists := c.proj.consents[req.AppID]
	if lists == nil {
		lists = consentLists{}
		c.proj.consents[req.AppID] = lists
	}
	audits := c.proj.audits[req.AppID]
	if audits == nil {
		audits = map[string][]conversation.ConsentAuditRecord{}
		c.proj.audits[req.AppID] = audits
	}
	now := c.s.now().UTC()
	for _, r := range req.ConsentRecords {
		ident, typ := r.Identification, string(r.ConsentType)
		if typ == "" {
			typ = string(conversation.ConsentListTypeOptOutAll)
		}
		op := conversation.ConsentOperationUpdate
		if i, found := slices.BinarySearch(lists[typ], ident); !found {
			lists[typ] = slices.Insert(lists[typ], i, ident)
			op = conversation.ConsentOperationInsert
		}
		audits[ident] = append(audits[ident], conversation.ConsentAuditRecord{
			Origin: conversation.ConsentOriginAPI, Operation: op, ListType: conversation.ConsentListType(typ),
			ProjectID: c.projectID, AppID: req.AppID, Datetime: now,
		})
	}
	return batch.CreateBatchConsentsResponse{BatchID: c.s.newID()}, nil
}
