package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/relaykit/sinch-go/gen/batch"
)

// batchOps lists the seven operations of the Batch API.
func (s *Server) batchOps() []op {
	return []op{
		{"POST", v1 + "/messages", "sendBatchMessage", sendBatchMessage, nil},
		{"DELETE", v1 + "/messages", "cancelBatchMessages", cancelBatchMessages, nil},
		{"GET", v1 + "/messages", "listBatchMessages", listBatchMessages, nil},
		{"GET", v1 + "/messages/{batch_id}", "getBatchMessage", getBatchMessage, nil},
		{"POST", v1 + "/contacts", "createBatchContacts", createBatchContacts, nil},
		{"DELETE", v1 + "/contacts", "deleteBatchContacts", deleteBatchContacts, nil},
		{"POST", v1 + "/consents", "createBatchConsents", createBatchConsents, nil},
	}
}

// Batch limits from the API reference.
const (
	maxBatchRecipients = 1000
	maxSendAfter       = 7 * 24 * time.Hour
)

// batchRecord is a batch as the emulator keeps it: its public form (batch.Batch, as
// getBatchMessage answers it), the app it sends for, and its request until it is processed.
type batchRecord struct {
	batch.Batch
	appID         string
	correlationID string
	request       *batchRequest // nil once the batch is processed or cancelled
}

// batchRequest is a sendBatchMessage body: the generated request, with the message and each
// recipient also kept as JSON documents, which is what ${key} substitution walks and what
// the send path (sendInput) takes.
type batchRequest struct {
	batch.SendBatchMessageRequest
	// Message is the message every recipient gets, before substitution.
	Message json.RawMessage `json:"message"`
	// RecipientAndParams is the recipients, each with its parameters.
	RecipientAndParams []batchRecipient `json:"recipient_and_params"`
}

// batchRecipient is one recipient of a batch: batch.BatchRecipient with the recipient kept
// as JSON.
type batchRecipient struct {
	batch.BatchRecipient
	// Recipient is the recipient, as sendInput takes it.
	Recipient json.RawMessage `json:"recipient"`
}

// roundSendAfter applies the API's rule: a time more than one minute away is rounded up to
// the next multiple of five minutes.
func roundSendAfter(t, now time.Time) time.Time {
	if t.Sub(now) <= time.Minute {
		return t
	}
	r := t.Truncate(5 * time.Minute)
	if r.Before(t) {
		r = r.Add(5 * time.Minute)
	}
	return r
}

// sendBatchMessage accepts a batch of 1 to 1000 recipients, sent at once (READY) or at
// send_after (SCHEDULED).
func sendBatchMessage(c *call) (any, error) {
	req, err := decodeRequest[batchRequest](c)
	if err != nil {
		return nil, err
	}
	if len(req.RecipientAndParams) == 0 || len(req.RecipientAndParams) > maxBatchRecipients {
		return nil, errInvalid("recipient_and_params must hold 1 to %d recipients", maxBatchRecipients)
	}
	if m := bytes.TrimSpace(req.Message); len(m) == 0 || m[0] != '{' {
		return nil, errInvalid("message is required")
	}
	now := c.s.now()
	sendAfter := now
	scheduled := false
	if t := req.SendAfter; !t.IsZero() {
		if t.Before(now.Add(-time.Second)) {
			return nil, errInvalid("send_after is in the past")
		}
		if t.Sub(now) > maxSendAfter {
			return nil, errInvalid("send_after is more than 7 days ahead")
		}
		sendAfter = roundSendAfter(t.UTC(), now)
		scheduled = sendAfter.After(now)
	}
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	if _, err := c.app(req.AppID); err != nil {
		return nil, err
	}
	rec := &batchRecord{
		Batch:         batch.Batch{BatchID: c.s.newID(), Status: batch.BatchStatusREADY, SendAfter: sendAfter.UTC(), MetaData: req.BatchMetadata},
		appID:         req.AppID,
		correlationID: req.CorrelationID,
		request:       &req,
	}
	if scheduled {
		rec.Status = batch.BatchStatusSCHEDULED
	}
	id := rec.BatchID
	c.proj.batches.put(id, rec)
	c.queueBatchStatus(rec, req.CorrelationID)
	if scheduled {
		c.s.sched.add(c.proj, id, sendAfter)
	} else {
		proj := c.proj
		c.after = append(c.after, func() { c.s.background(func() { c.s.processBatch(proj, id) }) })
	}
	return batch.SendBatchMessageResponse{BatchID: id, SendAfter: rec.SendAfter}, nil
}

// queueBatchStatus queues a BATCH_STATUS_UPDATE for the batch's app.
func (o *outbox) queueBatchStatus(rec *batchRecord, correlationID string) {
	o.queue(rec.appID, "BATCH_STATUS_UPDATE", "batch_status_update_notification", rec.Batch, "", correlationID)
}

// processBatch sends every message of a batch: one message per recipient with its own
// parameters substituted, `_batch_id` in its metadata, and its own delivery reports.
func (s *Server) processBatch(p *project, batchID string) {
	ob := &outbox{s: s, projectID: p.id, proj: p}
	p.mu.Lock()
	rec, ok := p.batches.get(batchID)
	if !ok || rec.request == nil || (rec.Status != batch.BatchStatusREADY && rec.Status != batch.BatchStatusSCHEDULED) {
		p.mu.Unlock()
		return
	}
	req := rec.request
	appID := rec.appID
	var priority []string
	for _, ch := range req.ChannelPriorityOrder {
		priority = append(priority, string(ch))
	}
	message, _ := decodeBody(req.Message)
	for i, rp := range req.RecipientAndParams {
		md := merged(req.MessageMetadata, rp.MessageMetadata)
		md["_batch_id"] = batchID
		mdJSON, _ := json.Marshal(md)
		convMD := merged(req.ConversationMetadata, rp.ConversationMetadata)
		recipient, _ := decodeBody(rp.Recipient)
		in := sendInput{
			appID: appID, recipient: asObject(recipient),
			message:  asObject(substitute(message, rp.Parameters)),
			priority: priority, metadata: string(mdJSON), correlationID: req.CorrelationID,
			dispatchOnly: req.ProcessingStrategy == "DISPATCH_ONLY", batchID: batchID, messageIndex: i,
			callbackURL: req.CallbackURL,
		}
		if len(convMD) > 0 {
			in.conversationMD = convMD
		}
		if _, err := s.sendLocked(ob, in); err != nil {
			// The recipient cannot be sent to: report the failure as the API does, with the
			// batch id and the recipient's index.
			msg := "the recipient could not be resolved"
			if ae, ok := err.(*apiError); ok {
				msg = ae.Message
			}
			report := doc{
				"message_id": s.newID(), "status": "FAILED", "batch_id": batchID, "message_index": i,
				"reason":   doc{"code": "BAD_REQUEST", "description": msg, "sub_code": "UNSPECIFIED_SUB_CODE"},
				"metadata": string(mdJSON),
			}
			ob.queue(appID, "MESSAGE_DELIVERY", "message_delivery_report", report, string(mdJSON), req.CorrelationID)
		}
	}
	rec.Status = batch.BatchStatusPROCESSED
	rec.request = nil
	ob.queueBatchStatus(rec, req.CorrelationID)
	p.mu.Unlock()
	ob.flush()
}

// asObject is v when it is a JSON object, else nil.
func asObject(v any) doc {
	m, _ := v.(map[string]any)
	return m
}

// merged returns a new object with the fields of base, overridden by those of over (a
// recipient's own metadata over the batch's).
func merged(base, over map[string]any) map[string]any {
	out := make(map[string]any, len(base)+len(over))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		out[k] = v
	}
	return out
}

// substitute replaces ${key} in every string of v with params[key]; unknown keys are left
// as they are.
func substitute(v any, params map[string]string) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[k] = substitute(x, params)
		}
		return m
	case []any:
		a := make([]any, len(t))
		for i, x := range t {
			a[i] = substitute(x, params)
		}
		return a
	case string:
		if !strings.Contains(t, "${") {
			return t
		}
		var sb strings.Builder
		rest := t
		for {
			i := strings.Index(rest, "${")
			if i < 0 {
				sb.WriteString(rest)
				break
			}
			j := strings.IndexByte(rest[i:], '}')
			if j < 0 {
				sb.WriteString(rest)
				break
			}
			key := rest[i+2 : i+j]
			sb.WriteString(rest[:i])
			if val, ok := params[key]; ok {
				sb.WriteString(val)
			} else {
				sb.WriteString(rest[i : i+j+1])
			}
			rest = rest[i+j+1:]
		}
		return sb.String()
	}
	return v
}

// getBatchMessage answers one batch.
func getBatchMessage(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	rec, ok := c.proj.batches.get(c.param("batch_id"))
	if !ok {
		return nil, errNotFound("batch %s not found", quoteID(c.param("batch_id")))
	}
	return rec.Batch, nil
}

// listBatchMessages answers the project's batches, filtered by a metadata key and value.
func listBatchMessages(c *call) (any, error) {
	q := c.r.URL.Query()
	key, val := q.Get("metadataKey"), q.Get("metadataValue")
	if key == "" {
		key, val = q.Get("metadata_key"), q.Get("metadata_value")
	}
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	out := batch.ListBatchMessagesResponse{}
	for rec := range c.proj.batches.records() {
		if key != "" {
			v, ok := rec.MetaData[key]
			if !ok || (val != "" && v != any(val)) {
				continue
			}
		}
		out = append(out, rec.Batch)
	}
	return out, nil
}

// cancelBatchMessages cancels the scheduled batches named by id or by a metadata key and
// value.
func cancelBatchMessages(c *call) (any, error) {
	req, err := decodeRequest[batch.CancelBatchMessagesRequest](c)
	if err != nil && len(c.raw) > 0 {
		return nil, err
	}
	id, key, val := req.BatchID, req.MetadataKey, req.MetadataValue
	if id == "" && key == "" {
		return nil, errInvalid("batch_id or metadata_key and metadata_value are required")
	}
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	for rec := range c.proj.batches.records() {
		if id != "" && rec.BatchID != id {
			continue
		}
		if key != "" {
			if v, ok := rec.MetaData[key]; !ok || v != any(val) {
				continue
			}
		}
		// Only a scheduled batch that has not started can be cancelled; the answer is 200
		// either way, as cancellation is asynchronous in the API.
		if rec.Status != batch.BatchStatusSCHEDULED {
			continue
		}
		rec.Status = batch.BatchStatusCANCELLED
		rec.request = nil
		c.s.sched.remove(c.proj, rec.BatchID)
		c.queueBatchStatus(rec, "")
	}
	return struct{}{}, nil
}

// createBatchContacts stores up to 1000 contacts, each with its CONTACT_CREATE.
func createBatchContacts(c *call) (any, error) {
	req, err := decodeRequest[batch.CreateBatchContactsRequest](c)
	if err != nil && len(c.raw) > 0 {
		return nil, err
	}
	if len(req.Contacts) == 0 || len(req.Contacts) > maxBatchRecipients {
		return nil, errInvalid("contacts must hold 1 to %d contacts", maxBatchRecipients)
	}
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	for _, r := range req.Contacts {
		ct := newContact(c.s, r)
		c.proj.contacts.put(ct.ID, ct)
		c.queueContactEvent("CONTACT_CREATE", "contact_create_notification", contactOf{*ct})
	}
	return struct{}{}, nil
}

// deleteBatchContacts removes up to 1000 contacts, each with its CONTACT_DELETE; unknown
// ids are skipped.
func deleteBatchContacts(c *call) (any, error) {
	req, err := decodeRequest[batch.DeleteBatchContactsRequest](c)
	if err != nil && len(c.raw) > 0 {
		return nil, err
	}
	if len(req.ContactIds) == 0 || len(req.ContactIds) > maxBatchRecipients {
		return nil, errInvalid("contact_ids must hold 1 to %d ids", maxBatchRecipients)
	}
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	// Deletion is asynchronous in the API: unknown ids are skipped, not an error.
	for _, id := range req.ContactIds {
		if ct, ok := c.proj.contacts.get(id); ok {
			c.proj.contacts.remove(id)
			c.queueContactEvent("CONTACT_DELETE", "contact_delete_notification", contactOf{*ct})
		}
	}
	return struct{}{}, nil
}

// scheduler starts scheduled batches when the emulator's clock passes their send_after. It
// polls, so that a fake Clock moved forward by a test also releases them.
type scheduler struct {
	s    *Server
	mu   sync.Mutex
	due  map[string]time.Time // "project/batch" → send_after
	tick time.Duration
}

// newScheduler returns a scheduler polling the emulator clock every 50 ms.
func newScheduler(s *Server) *scheduler {
	return &scheduler{s: s, due: map[string]time.Time{}, tick: 50 * time.Millisecond}
}

// add schedules a batch of p for at.
func (sc *scheduler) add(p *project, batchID string, at time.Time) {
	sc.mu.Lock()
	sc.due[dueKey(p, batchID)] = at
	sc.mu.Unlock()
}

// remove forgets a batch that will not be sent (cancelled), so that a scheduler whose
// batches are cancelled does not keep them until their time.
func (sc *scheduler) remove(p *project, batchID string) {
	sc.mu.Lock()
	delete(sc.due, dueKey(p, batchID))
	sc.mu.Unlock()
}

// dueKey names a batch of a project in a region (the project's state is per region).
func dueKey(p *project, batchID string) string {
	return p.region + "\x00" + p.id + "\x00" + batchID
}

// run processes due batches until ctx is done.
func (sc *scheduler) run(ctx context.Context) {
	t := time.NewTicker(sc.tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			sc.runDue()
		}
	}
}

// runDue processes every batch whose time has come.
func (sc *scheduler) runDue() {
	now := sc.s.now()
	sc.mu.Lock()
	var ready []string
	for k, at := range sc.due {
		if !now.Before(at) {
			ready = append(ready, k)
			delete(sc.due, k)
		}
	}
	sc.mu.Unlock()
	sort.Strings(ready)
	for _, k := range ready {
		parts := strings.SplitN(k, "\x00", 3) // region, project, batch (see dueKey)
		p, batchID := sc.s.store.in(parts[0], parts[1]), parts[2]
		sc.s.background(func() { sc.s.processBatch(p, batchID) })
	}
}
