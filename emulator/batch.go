package emulator

import (
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

// batchState is what the emulator keeps of a batch beyond its public status.
type batchState struct {
	request doc // the sendBatchMessage body
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

func sendBatchMessage(c *call) (any, error) {
	b := c.body
	if b == nil {
		return nil, errInvalid("request body is required")
	}
	recips := arr(b["recipient_and_params"])
	if len(recips) == 0 || len(recips) > maxBatchRecipients {
		return nil, errInvalid("recipient_and_params must hold 1 to %d recipients", maxBatchRecipients)
	}
	if obj(b["message"]) == nil {
		return nil, errInvalid("message is required")
	}
	now := c.s.now()
	sendAfter := now
	scheduled := false
	if v := str(b, "send_after"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return nil, errInvalid("send_after must be an RFC 3339 time")
		}
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
	appID := str(b, "app_id")
	if _, err := c.app(appID); err != nil {
		return nil, err
	}
	id := c.s.newID()
	status := "READY"
	if scheduled {
		status = "SCHEDULED"
	}
	bd := doc{"batch_id": id, "status": status, "send_after": rfc3339(sendAfter), "app_id": appID}
	if md := obj(b["batch_metadata"]); md != nil {
		bd["meta_data"] = clone(md)
	}
	c.proj.col(colBatches).put(id, bd)
	c.proj.batches[id] = &batchState{request: clone(b)}
	c.queueBatchStatus(bd, str(b, "correlation_id"))
	if scheduled {
		c.s.sched.add(c.proj, id, sendAfter)
	} else {
		proj := c.proj
		c.after = append(c.after, func() { c.s.background(func() { c.s.processBatch(proj, id) }) })
	}
	return doc{"batch_id": id, "send_after": bd["send_after"]}, nil
}

// queueBatchStatus queues a BATCH_STATUS_UPDATE for the batch's app.
func (o *outbox) queueBatchStatus(bd doc, correlationID string) {
	o.queue(str(bd, "app_id"), "BATCH_STATUS_UPDATE", "batch_status_update_notification", publicBatch(bd), "", correlationID)
}

// publicBatch is a batch as the API shows it (without the emulator's own app_id).
func publicBatch(bd doc) doc {
	out := clone(bd)
	delete(out, "app_id")
	return out
}

// processBatch sends every message of a batch: one message per recipient with its own
// parameters substituted, `_batch_id` in its metadata, and its own delivery reports.
func (s *Server) processBatch(p *project, batchID string) {
	ob := &outbox{s: s, projectID: p.id, proj: p}
	p.mu.Lock()
	bd, ok := p.col(colBatches).get(batchID)
	st := p.batches[batchID]
	if !ok || st == nil || (str(bd, "status") != "READY" && str(bd, "status") != "SCHEDULED") {
		p.mu.Unlock()
		return
	}
	req := st.request
	appID := str(req, "app_id")
	var priority []string
	for _, x := range arr(req["channel_priority_order"]) {
		if ch, ok := x.(string); ok {
			priority = append(priority, ch)
		}
	}
	for i, x := range arr(req["recipient_and_params"]) {
		rp := obj(x)
		params := map[string]string{}
		for k, v := range obj(rp["parameters"]) {
			if s, ok := v.(string); ok {
				params[k] = s
			} else {
				b, _ := json.Marshal(v)
				params[k] = string(b)
			}
		}
		md := merged(obj(req["message_metadata"]), obj(rp["message_metadata"]))
		md["_batch_id"] = batchID
		mdJSON, _ := json.Marshal(md)
		convMD := merged(obj(req["conversation_metadata"]), obj(rp["conversation_metadata"]))
		in := sendInput{
			appID: appID, recipient: obj(rp["recipient"]),
			message:  substitute(obj(req["message"]), params).(map[string]any),
			priority: priority, metadata: string(mdJSON), correlationID: str(req, "correlation_id"),
			dispatchOnly: str(req, "processing_strategy") == "DISPATCH_ONLY", batchID: batchID, messageIndex: i,
			callbackURL: str(req, "callback_url"),
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
			ob.queue(appID, "MESSAGE_DELIVERY", "message_delivery_report", report, string(mdJSON), str(req, "correlation_id"))
		}
	}
	bd["status"] = "PROCESSED"
	delete(p.batches, batchID)
	ob.queueBatchStatus(bd, str(req, "correlation_id"))
	p.mu.Unlock()
	ob.flush()
}

// merged returns a new object with the fields of base, overridden by those of over (a
// recipient's own metadata over the batch's).
func merged(base, over doc) doc {
	out := make(doc, len(base)+len(over))
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

func getBatchMessage(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	bd, ok := c.proj.col(colBatches).get(c.param("batch_id"))
	if !ok {
		return nil, errNotFound("batch %s not found", quoteID(c.param("batch_id")))
	}
	return publicBatch(bd), nil
}

func listBatchMessages(c *call) (any, error) {
	q := c.r.URL.Query()
	key, val := q.Get("metadataKey"), q.Get("metadataValue")
	if key == "" {
		key, val = q.Get("metadata_key"), q.Get("metadata_value")
	}
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	out := []any{}
	bc := c.proj.col(colBatches)
	for _, id := range bc.ids {
		bd := bc.docs[id]
		if key != "" {
			v, ok := obj(bd["meta_data"])[key]
			if !ok || (val != "" && v != val) {
				continue
			}
		}
		out = append(out, publicBatch(bd))
	}
	return out, nil
}

func cancelBatchMessages(c *call) (any, error) {
	b := c.body
	id, key, val := str(b, "batch_id"), str(b, "metadata_key"), str(b, "metadata_value")
	if id == "" && key == "" {
		return nil, errInvalid("batch_id or metadata_key and metadata_value are required")
	}
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	bc := c.proj.col(colBatches)
	for _, bid := range bc.ids {
		bd := bc.docs[bid]
		if id != "" && bid != id {
			continue
		}
		if key != "" {
			if v, ok := obj(bd["meta_data"])[key]; !ok || v != val {
				continue
			}
		}
		// Only a scheduled batch that has not started can be cancelled; the answer is 200
		// either way, as cancellation is asynchronous in the API.
		if str(bd, "status") != "SCHEDULED" {
			continue
		}
		bd["status"] = "CANCELLED"
		delete(c.proj.batches, bid)
		c.s.sched.remove(c.proj, bid)
		c.queueBatchStatus(bd, "")
	}
	return doc{}, nil
}

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

func newScheduler(s *Server) *scheduler {
	return &scheduler{s: s, due: map[string]time.Time{}, tick: 50 * time.Millisecond}
}

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
