package emulator

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/relaykit/sinch-go/gen/templates"
)

const v2 = "/v2/projects/{project_id}"

// templateOps lists the six operations of the Template Management API v2.
func (s *Server) templateOps() []op {
	return []op{
		{"GET", v2 + "/templates", "listTemplates", listTemplates, nil},
		{"POST", v2 + "/templates", "createTemplate", createTemplate, nil},
		{"GET", v2 + "/templates/{template_id}", "getTemplate", getTemplate, nil},
		{"PUT", v2 + "/templates/{template_id}", "updateTemplate", updateTemplate, fillTemplateID},
		{"DELETE", v2 + "/templates/{template_id}", "deleteTemplate", deleteTemplate, nil},
		{"GET", v2 + "/templates/{template_id}/translations", "listTemplateTranslations", listTemplateTranslations, nil},
	}
}

// fillTemplateID puts the path's template id into an update body that has none. The API
// reference marks `id` required in the body, but the official Node SDK sends updates without
// it (the path carries the id), and the emulator must accept what official SDKs send.
func fillTemplateID(c *call, raw []byte) []byte {
	var body map[string]json.RawMessage
	if json.Unmarshal(raw, &body) != nil || body == nil {
		return raw
	}
	if _, ok := body["id"]; ok {
		return raw
	}
	id, _ := json.Marshal(c.param("template_id"))
	body["id"] = id
	out, err := json.Marshal(body)
	if err != nil {
		return raw
	}
	return out
}

// template returns the project's template id, or a 404 naming it. The caller holds the
// project lock.
func (c *call) template(id string) (*templates.Template, error) {
	t, ok := c.proj.templates.get(id)
	if !ok {
		return nil, errNotFound("template %s not found", quoteID(id))
	}
	return t, nil
}

// stampTranslations sets each translation of t (a fresh slice of t's own) to version and the
// time now. A translation whose content did not change since prev keeps its version and
// create_time.
func stampTranslations(t *templates.Template, prev *templates.Template, version int32, now time.Time) {
	old := map[string]templates.TemplateTranslation{}
	if prev != nil {
		for _, tr := range prev.Translations {
			old[tr.LanguageCode] = tr
		}
	}
	t.Translations = append([]templates.TemplateTranslation(nil), t.Translations...)
	for i := range t.Translations {
		tr := &t.Translations[i]
		if o, ok := old[tr.LanguageCode]; ok && sameContent(o, *tr) {
			tr.Version, tr.CreateTime, tr.UpdateTime = o.Version, o.CreateTime, o.UpdateTime
			continue
		}
		tr.Version = strconv.Itoa(int(version))
		tr.CreateTime = now
		tr.UpdateTime = now
	}
}

// sameContent compares two translations, ignoring their version and times.
func sameContent(a, b templates.TemplateTranslation) bool {
	a.Version, a.CreateTime, a.UpdateTime = "", time.Time{}, time.Time{}
	b.Version, b.CreateTime, b.UpdateTime = "", time.Time{}, time.Time{}
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}

// createTemplate stores a new template at version 1, its translations stamped with that
// version and the time.
func createTemplate(c *call) (any, error) {
	req, err := decodeRequest[templates.CreateTemplateRequest](c)
	if err != nil {
		return nil, err
	}
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	id := req.ID
	if id == "" {
		id = c.s.newID()
	} else if _, exists := c.proj.templates.get(id); exists {
		return nil, errInvalid("a template with id %s already exists", quoteID(id))
	}
	now := c.s.now().UTC()
	t := &templates.Template{
		ID:                 id,
		Description:        req.Description,
		DefaultTranslation: req.DefaultTranslation,
		Translations:       req.Translations,
		Version:            1,
		CreateTime:         now,
		UpdateTime:         now,
	}
	stampTranslations(t, nil, 1, now)
	if err := checkDefaultTranslation(t); err != nil {
		return nil, err
	}
	c.proj.templates.put(id, t)
	return *t, nil
}

// checkDefaultTranslation requires default_translation to name one of the translations.
func checkDefaultTranslation(t *templates.Template) error {
	if t.DefaultTranslation == "" {
		return nil
	}
	for _, tr := range t.Translations {
		if tr.LanguageCode == t.DefaultTranslation {
			return nil
		}
	}
	return errInvalid("default_translation %q is not one of the template's translations", t.DefaultTranslation)
}

// getTemplate answers one template.
func getTemplate(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	t, err := c.template(c.param("template_id"))
	if err != nil {
		return nil, err
	}
	return *t, nil
}

// templateUpdate is the body of updateTemplate: templates.UpdateTemplateRequest, with the
// version by pointer so that an update without one (as some clients send) is told apart
// from one asking for version 0.
type templateUpdate struct {
	templates.UpdateTemplateRequest
	// Version is the version the client read; the update is refused when it is not the
	// template's current version.
	Version *int32 `json:"version"`
}

// updateTemplate replaces a template (PUT) with the next version; a version in the body
// must be the current one (412 otherwise).
func updateTemplate(c *call) (any, error) {
	req, err := decodeRequest[templateUpdate](c)
	if err != nil {
		return nil, err
	}
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	prev, err := c.template(c.param("template_id"))
	if err != nil {
		return nil, err
	}
	cur := prev.Version
	if req.Version != nil && *req.Version != cur {
		return nil, errFailedPrecondition("version %d is not the template's current version %d", *req.Version, cur)
	}
	now := c.s.now().UTC()
	t := &templates.Template{
		ID:                 prev.ID,
		Description:        req.Description,
		DefaultTranslation: req.DefaultTranslation,
		Translations:       req.Translations,
		Version:            cur + 1,
		CreateTime:         prev.CreateTime,
		UpdateTime:         now,
	}
	stampTranslations(t, prev, cur+1, now)
	if err := checkDefaultTranslation(t); err != nil {
		return nil, err
	}
	c.proj.templates.put(t.ID, t)
	return *t, nil
}

// deleteTemplate removes a template.
func deleteTemplate(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	if !c.proj.templates.remove(c.param("template_id")) {
		return nil, errNotFound("template %s not found", quoteID(c.param("template_id")))
	}
	return struct{}{}, nil
}

// templateList is templates.ListTemplatesResponse with the list always present.
type templateList struct {
	// Templates is every template of the project, oldest first.
	Templates []templates.Template `json:"templates"`
}

// listTemplates answers every template of the project.
func listTemplates(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	out := templateList{Templates: make([]templates.Template, 0, len(c.proj.templates.ids))}
	for t := range c.proj.templates.records() {
		out.Templates = append(out.Templates, *t)
	}
	return out, nil
}

// translationList is templates.ListTemplateTranslationsResponse with the list always
// present.
type translationList struct {
	// Translations is the translations the query selects.
	Translations []templates.TemplateTranslation `json:"translations"`
}

// listTemplateTranslations answers a template's translations, filtered by language_code and
// translation_version ("latest" or empty: any).
func listTemplateTranslations(c *call) (any, error) {
	lang, ver := c.query("language_code"), c.query("translation_version")
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	t, err := c.template(c.param("template_id"))
	if err != nil {
		return nil, err
	}
	out := translationList{Translations: []templates.TemplateTranslation{}}
	for _, tr := range t.Translations {
		if lang != "" && tr.LanguageCode != lang {
			continue
		}
		if ver != "" && ver != "latest" && tr.Version != ver {
			continue
		}
		out.Translations = append(out.Translations, tr)
	}
	return out, nil
}
