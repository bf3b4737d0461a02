// The methods in this file are thin, regular wrappers over the generated client, one per
// operation, written with a script from the generated code and the spec's summaries.

package sinch

import (
	"context"

	"github.com/relaykit/sinch-go/gen/conversation"
	"github.com/relaykit/sinch-go/gen/templates"
)

// ListTemplates calls GET /v2/projects/{project_id}/templates (listTemplates): List the templates of a project.
func (s *TemplatesService) ListTemplates(ctx context.Context, opts ...CallOption) (*templates.ListTemplatesResponse, error) {
	return call[templates.ListTemplatesResponse](ctx, s.c, opts, func(ctx context.Context) (*templates.ListTemplatesHTTPResponse, error) {
		return s.gen.ListTemplatesWithResponse(ctx, s.c.cfg.projectID)
	})
}

// CreateTemplate calls POST /v2/projects/{project_id}/templates (createTemplate): Create a template.
func (s *TemplatesService) CreateTemplate(ctx context.Context, req templates.CreateTemplateRequest, opts ...CallOption) (*templates.Template, error) {
	return call[templates.Template](ctx, s.c, opts, func(ctx context.Context) (*templates.CreateTemplateHTTPResponse, error) {
		return s.gen.CreateTemplateWithResponse(ctx, s.c.cfg.projectID, req)
	})
}

// DeleteTemplate calls DELETE /v2/projects/{project_id}/templates/{template_id} (deleteTemplate): Delete a template.
func (s *TemplatesService) DeleteTemplate(ctx context.Context, templateID string, opts ...CallOption) (*conversation.Empty, error) {
	return call[conversation.Empty](ctx, s.c, opts, func(ctx context.Context) (*templates.DeleteTemplateHTTPResponse, error) {
		return s.gen.DeleteTemplateWithResponse(ctx, s.c.cfg.projectID, templateID)
	})
}

// GetTemplate calls GET /v2/projects/{project_id}/templates/{template_id} (getTemplate): Get a template.
func (s *TemplatesService) GetTemplate(ctx context.Context, templateID string, opts ...CallOption) (*templates.Template, error) {
	return call[templates.Template](ctx, s.c, opts, func(ctx context.Context) (*templates.GetTemplateHTTPResponse, error) {
		return s.gen.GetTemplateWithResponse(ctx, s.c.cfg.projectID, templateID)
	})
}

// UpdateTemplate calls PUT /v2/projects/{project_id}/templates/{template_id} (updateTemplate): Replace a template.
func (s *TemplatesService) UpdateTemplate(ctx context.Context, templateID string, req templates.UpdateTemplateRequest, opts ...CallOption) (*templates.Template, error) {
	return call[templates.Template](ctx, s.c, opts, func(ctx context.Context) (*templates.UpdateTemplateHTTPResponse, error) {
		return s.gen.UpdateTemplateWithResponse(ctx, s.c.cfg.projectID, templateID, req)
	})
}

// ListTemplateTranslations calls GET /v2/projects/{project_id}/templates/{template_id}/translations (listTemplateTranslations): List the translations of a template.
func (s *TemplatesService) ListTemplateTranslations(ctx context.Context, templateID string, params *templates.ListTemplateTranslationsParams, opts ...CallOption) (*templates.ListTemplateTranslationsResponse, error) {
	return call[templates.ListTemplateTranslationsResponse](ctx, s.c, opts, func(ctx context.Context) (*templates.ListTemplateTranslationsHTTPResponse, error) {
		return s.gen.ListTemplateTranslationsWithResponse(ctx, s.c.cfg.projectID, templateID, params)
	})
}
