package sinch

import (
	"context"
	"fmt"

	"github.com/relaykit/sinch-go/gen/batch"
	"github.com/relaykit/sinch-go/gen/templates"
)

// TemplatesService calls the Template Management API (v2) for the client's project. Get it from
// Client.Templates.
type TemplatesService struct {
	c   *Client
	gen *templates.ClientWithResponses
}

// BatchService calls the Batch API (conversationbatch hosts) for the client's project. Get it
// from Client.Batch.
type BatchService struct {
	c   *Client
	gen *batch.ClientWithResponses
}

func (c *Client) initOtherServices() error {
	tp := c.pipe
	if c.templatePipe != nil {
		tp = c.templatePipe
	}
	t, err := templates.NewClientWithResponses(c.cfg.templateURL, templates.WithHTTPClient(tp))
	if err != nil {
		return fmt.Errorf("sinch: Template API client: %w", err)
	}
	b, err := batch.NewClientWithResponses(c.cfg.batchURL, batch.WithHTTPClient(c.pipe))
	if err != nil {
		return fmt.Errorf("sinch: Batch API client: %w", err)
	}
	c.Templates = &TemplatesService{c: c, gen: t}
	c.Batch = &BatchService{c: c, gen: b}
	return nil
}

// UpdateTemplate calls PUT /v2/projects/{project_id}/templates/{template_id} (updateTemplate):
// replace a template. An empty req.ID is filled with templateID; a different non-empty one is
// an error, since the API would reject the mismatch. req.Version must be the template's
// current version (read it with GetTemplate). req itself is not modified.
func (s *TemplatesService) UpdateTemplate(ctx context.Context, templateID string, req templates.UpdateTemplateRequest, opts ...CallOption) (*templates.Template, error) {
	switch req.ID {
	case "":
		req.ID = templateID
	case templateID:
	default:
		return nil, fmt.Errorf("sinch: UpdateTemplate: req.ID %q differs from the template id %q", req.ID, templateID)
	}
	return call[templates.Template](ctx, s.c, opts, func(ctx context.Context) (*templates.UpdateTemplateHTTPResponse, error) {
		return s.gen.UpdateTemplateWithResponse(ctx, s.c.cfg.projectID, templateID, req)
	})
}
