package emulator

import (
	"bytes"

	"github.com/relaykit/sinch-go/gen/conversation"
)

// Project settings are stored as the request body (contact_settings) and answered wrapped as
// the API does: {"project_id": ..., "settings": {...}}.

// projectSettingsContent is the stored settings of a project. It is
// conversation.ProjectSettingsContent with contact_settings held by pointer: the generated
// type leaves out a contact_settings whose only field is false, and the API answers an
// update to {"unified_contact_id_enabled": false} with that field, which clients read.
type projectSettingsContent struct {
	// ContactSettings is the project-wide contact management settings, nil when never set.
	ContactSettings *conversation.ContactSettings `json:"contact_settings,omitempty"`
}

// projectSettingsAnswer is conversation.ProjectSettings with the content above.
type projectSettingsAnswer struct {
	// ProjectID is the project the settings belong to.
	ProjectID string `json:"project_id"`
	// Settings is the settings themselves.
	Settings projectSettingsContent `json:"settings"`
}

// createProjectSettings stores the project's settings; a project has one set (400 when it
// exists).
func createProjectSettings(c *call) (any, error) {
	// The body is a conversation.CreateProjectSettingsRequest; it is read into the stored form
	// directly so that a contact_settings given with false stays. An empty body creates empty
	// settings.
	var content projectSettingsContent
	if len(bytes.TrimSpace(c.raw)) > 0 {
		var err error
		if content, err = decodeRequest[projectSettingsContent](c); err != nil {
			return nil, err
		}
	}
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	if c.proj.settings != nil {
		return nil, errInvalid("the project already has settings; update them instead")
	}
	c.proj.settings = &content
	return projectSettings(c), nil
}

// getProjectSettings answers the project's settings.
func getProjectSettings(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	if c.proj.settings == nil {
		return nil, errNotFound("the project has no settings")
	}
	return projectSettings(c), nil
}

// updateProjectSettings applies a PATCH to the project's settings.
func updateProjectSettings(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	if c.proj.settings == nil {
		return nil, errNotFound("the project has no settings")
	}
	next, err := patchRecord(c, *c.proj.settings)
	if err != nil {
		return nil, err
	}
	c.proj.settings = &next
	return projectSettings(c), nil
}

// projectSettings wraps the stored settings as the API answers them. The caller holds the lock.
func projectSettings(c *call) projectSettingsAnswer {
	return projectSettingsAnswer{ProjectID: c.projectID, Settings: *c.proj.settings}
}

// deleteProjectSettings removes the project's settings.
func deleteProjectSettings(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	if c.proj.settings == nil {
		return nil, errNotFound("the project has no settings")
	}
	c.proj.settings = nil
	return struct{}{}, nil
}
