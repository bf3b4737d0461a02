package emulator

// Project settings are stored as the request body (contact_settings, ...) and answered wrapped
// as the API does: {"project_id": ..., "settings": {...}}.

func createProjectSettings(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	if c.proj.settings != nil {
		return nil, errInvalid("the project already has settings; update them instead")
	}
	d := clone(c.body)
	if d == nil {
		d = doc{}
	}
	c.proj.settings = d
	return projectSettings(c), nil
}

func getProjectSettings(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	if c.proj.settings == nil {
		return nil, errNotFound("the project has no settings")
	}
	return projectSettings(c), nil
}

func updateProjectSettings(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	if c.proj.settings == nil {
		return nil, errNotFound("the project has no settings")
	}
	if err := applyUpdate(c.proj.settings, c.body, splitMask(c.r)); err != nil {
		return nil, err
	}
	return projectSettings(c), nil
}

// projectSettings wraps the stored settings as the API answers them. The caller holds the lock.
func projectSettings(c *call) doc {
	return doc{"project_id": c.projectID, "settings": clone(c.proj.settings)}
}

func deleteProjectSettings(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	if c.proj.settings == nil {
		return nil, errNotFound("the project has no settings")
	}
	c.proj.settings = nil
	return doc{}, nil
}
