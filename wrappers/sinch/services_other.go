package sinch

import (
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
	t, err := templates.NewClientWithResponses(c.cfg.templateURL, templates.WithHTTPClient(c.pipe))
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
