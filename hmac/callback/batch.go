package callback

import "github.com/relaykit/sinch-go/gen/batch"

// TriggerBatchStatusUpdate is the trigger of callbacks about batches sent through the Batch API
// (key batch_status_update_notification). It is not a value of conversation.WebhookTrigger: the
// Batch API reports to the webhooks of the sending app on its own.
const TriggerBatchStatusUpdate Trigger = "BATCH_STATUS_UPDATE"

// BatchStatusUpdateEvent is a callback of the BATCH_STATUS_UPDATE trigger: the status of a batch
// sent with the Batch API changed. The payload is under the `batch_status_update_notification`
// key; the embedded batch.BatchStatusUpdateEvent holds every field.
type BatchStatusUpdateEvent struct {
	batch.BatchStatusUpdateEvent
	rawBody
}

// Trigger returns TriggerBatchStatusUpdate.
func (e *BatchStatusUpdateEvent) Trigger() Trigger { return TriggerBatchStatusUpdate }

// Envelope returns the fields common to every callback.
func (e *BatchStatusUpdateEvent) Envelope() Envelope {
	p := &e.BatchStatusUpdateEvent
	return envelope(p.AppID, p.ProjectID, p.AcceptedTime, p.EventTime, p.MessageMetadata, p.CorrelationID)
}

// DedupKey identifies the callback by the batch id and its new status.
func (e *BatchStatusUpdateEvent) DedupKey() string {
	n := e.BatchStatusUpdateNotification
	return dedupKey(e.Trigger(), e.raw, n.BatchID, n.Status)
}

func (e *BatchStatusUpdateEvent) payload() any { return &e.BatchStatusUpdateEvent }
