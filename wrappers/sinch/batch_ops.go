// The methods in this file are thin, regular wrappers over the generated client, one per
// operation, written with a script from the generated code and the spec's summaries.

package sinch

import (
	"context"

	"github.com/relaykit/sinch-go/gen/batch"
	"github.com/relaykit/sinch-go/gen/conversation"
)

// CreateBatchConsents calls POST /v1/projects/{project_id}/consents (createBatchConsents): Insert consent records in bulk.
func (s *BatchService) CreateBatchConsents(ctx context.Context, req batch.CreateBatchConsentsRequest, opts ...CallOption) (*batch.CreateBatchConsentsResponse, error) {
	return call[batch.CreateBatchConsentsResponse](ctx, s.c, opts, func(ctx context.Context) (*batch.CreateBatchConsentsHTTPResponse, error) {
		return s.gen.CreateBatchConsentsWithResponse(ctx, s.c.cfg.projectID, req)
	})
}

// DeleteBatchContacts calls DELETE /v1/projects/{project_id}/contacts (deleteBatchContacts): Delete up to 1000 contacts.
func (s *BatchService) DeleteBatchContacts(ctx context.Context, req batch.DeleteBatchContactsRequest, opts ...CallOption) (*conversation.Empty, error) {
	return call[conversation.Empty](ctx, s.c, opts, func(ctx context.Context) (*batch.DeleteBatchContactsHTTPResponse, error) {
		return s.gen.DeleteBatchContactsWithResponse(ctx, s.c.cfg.projectID, req)
	})
}

// CreateBatchContacts calls POST /v1/projects/{project_id}/contacts (createBatchContacts): Create up to 1000 contacts.
func (s *BatchService) CreateBatchContacts(ctx context.Context, req batch.CreateBatchContactsRequest, opts ...CallOption) (*conversation.Empty, error) {
	return call[conversation.Empty](ctx, s.c, opts, func(ctx context.Context) (*batch.CreateBatchContactsHTTPResponse, error) {
		return s.gen.CreateBatchContactsWithResponse(ctx, s.c.cfg.projectID, req)
	})
}

// CancelBatchMessages calls DELETE /v1/projects/{project_id}/messages (cancelBatchMessages): Cancel scheduled batches.
func (s *BatchService) CancelBatchMessages(ctx context.Context, req batch.CancelBatchMessagesRequest, opts ...CallOption) (*conversation.Empty, error) {
	return call[conversation.Empty](ctx, s.c, opts, func(ctx context.Context) (*batch.CancelBatchMessagesHTTPResponse, error) {
		return s.gen.CancelBatchMessagesWithResponse(ctx, s.c.cfg.projectID, req)
	})
}

// ListBatchMessages calls GET /v1/projects/{project_id}/messages (listBatchMessages): Get the status of the batches that carry a metadata pair.
func (s *BatchService) ListBatchMessages(ctx context.Context, params *batch.ListBatchMessagesParams, opts ...CallOption) (*batch.ListBatchMessagesResponse, error) {
	return call[batch.ListBatchMessagesResponse](ctx, s.c, opts, func(ctx context.Context) (*batch.ListBatchMessagesHTTPResponse, error) {
		return s.gen.ListBatchMessagesWithResponse(ctx, s.c.cfg.projectID, params)
	})
}

// SendBatchMessage calls POST /v1/projects/{project_id}/messages (sendBatchMessage): Send one message to up to 1000 recipients.
func (s *BatchService) SendBatchMessage(ctx context.Context, req batch.SendBatchMessageRequest, opts ...CallOption) (*batch.SendBatchMessageResponse, error) {
	return call[batch.SendBatchMessageResponse](ctx, s.c, opts, func(ctx context.Context) (*batch.SendBatchMessageHTTPResponse, error) {
		return s.gen.SendBatchMessageWithResponse(ctx, s.c.cfg.projectID, req)
	})
}

// GetBatchMessage calls GET /v1/projects/{project_id}/messages/{batch_id} (getBatchMessage): Get the status of a batch.
func (s *BatchService) GetBatchMessage(ctx context.Context, batchID string, opts ...CallOption) (*batch.Batch, error) {
	return call[batch.Batch](ctx, s.c, opts, func(ctx context.Context) (*batch.GetBatchMessageHTTPResponse, error) {
		return s.gen.GetBatchMessageWithResponse(ctx, s.c.cfg.projectID, batchID)
	})
}
