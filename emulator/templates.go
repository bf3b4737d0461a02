package emulator

import (
	"encoding/json"
	"net/http"
	"strconv"
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
func fillTemplateID(r *http.Request, raw []byte) []byte {
	var body map[string]json.RawMessage
	if json.Unmarshal(raw, &body) != nil || body == nil {
		return raw
	}
	if _, ok := body["id"]; ok {
		return raw
	}
	id, _ := json.Marshal(pathParam(r, "template_id"))
	body["id"] = id
	out, err := json.Marshal(body)
	if err != nil {
		return raw
	}
	return out
}

func (c *call) template(id string) (doc, error) {
	d, ok := c.proj.col(colTemplates).get(id)
	if !ok {
		return nil, errNotFound("template %s not found", quoteID(id))
	}
	return d, nil
}

// stampTranslations sets each translation's version and times. A translation whose content
// did not change keeps its version and create_time.
func stampTranslations(t doc, prev doc, version int, now string) {
	old := map[string]doc{}
	for _, x := range arr(prev["translations"]) {
		old[str(obj(x), "language_code")] = obj(x)
	}
	for _, x := range arr(t["translations"]) {
		tr := obj(x)
		if tr == nil {
			continue
		}
		delete(tr, "create_time")
		delete(tr, "update_time")
		delete(tr, "version")
		if o := old[str(tr, "language_code")]; o != nil && sameContent(o, tr) {
			tr["version"], tr["create_time"], tr["update_time"] = o["version"], o["create_time"], o["update_time"]
			continue
		}
		tr["version"] = strconv.Itoa(version)
		tr["create_time"] = now
		tr["update_time"] = now
	}
}

// sameContent compares two translations, ignoring their version and times.
func sameContent(a, b doc) bool {
	strip := func(d doc) doc {
		c := clone(d)
		delete(c, "version")
		delete(c, "create_time")
		delete(c, "update_time")
		return c
	}
	return jsonEqual(strip(a), strip(b))
}

func createTemplate(c *call) (any, error) {
	if c.body == nil {
		return nil, errInvalid("request body is required")
	}
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	t := clone(c.body)
	id := str(t, "id")
	if id == "" {
		id = c.s.newID()
	} else if _, exists := c.proj.col(colTemplates).get(id); exists {
		return nil, errInvalid("a template with id %s already exists", quoteID(id))
	}
	t["id"] = id
	now := rfc3339(c.s.now())
	t["version"] = 1
	t["create_time"] = now
	t["update_time"] = now
	stampTranslations(t, nil, 1, now)
	if err := checkDefaultTranslation(t); err != nil {
		return nil, err
	}
	c.proj.col(colTemplates).put(id, t)
	return clone(t), nil
}

// checkDefaultTranslation requires default_translation to name one of the translations.
func checkDefaultTranslation(t doc) error {
	def := str(t, "default_translation")
	if def == "" {
		return nil
	}
	for _, x := range arr(t["translations"]) {
		if str(obj(x), "language_code") == def {
			return nil
		}
	}
	return errInvalid("default_translation %q is not one of the template's translations", def)
}

func getTemplate(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	return cloneOK(c.template(c.param("template_id")))
}

func updateTemplate(c *call) (any, error) {
	if c.body == nil {
		return nil, errInvalid("request body is required")
	}
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	prev, err := c.template(c.param("template_id"))
	if err != nil {
		return nil, err
	}
	cur := intOf(prev["version"])
	if v, ok := c.body["version"]; ok && intOf(v) != cur {
		return nil, errFailedPrecondition("version %d is not the template's current version %d", intOf(v), cur)
	}
	t := clone(c.body)
	t["id"] = idOf(prev)
	t["version"] = cur + 1
	t["create_time"] = prev["create_time"]
	now := rfc3339(c.s.now())
	t["update_time"] = now
	stampTranslations(t, prev, cur+1, now)
	if err := checkDefaultTranslation(t); err != nil {
		return nil, err
	}
	c.proj.col(colTemplates).put(idOf(t), t)
	return clone(t), nil
}

func intOf(v any) int {
	switch n := v.(type) {
	case float64:
		return int(n)
	case int:
		return n
	case json.Number:
		i, _ := n.Int64()
		return int(i)
	case string:
		i, _ := strconv.Atoi(n)
		return i
	}
	return 0
}

func deleteTemplate(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	if !c.proj.col(colTemplates).remove(c.param("template_id")) {
		return nil, errNotFound("template %s not found", quoteID(c.param("template_id")))
	}
	return doc{}, nil
}

func listTemplates(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	p, _ := c.proj.col(colTemplates).list(nil, 1<<30, "", false)
	out := make([]any, 0, len(p.items))
	for _, t := range p.items {
		out = append(out, clone(t))
	}
	return doc{"templates": out}, nil
}

func listTemplateTranslations(c *call) (any, error) {
	lang, ver := c.query("language_code"), c.query("translation_version")
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	t, err := c.template(c.param("template_id"))
	if err != nil {
		return nil, err
	}
	out := []any{}
	for _, x := range arr(t["translations"]) {
		tr := obj(x)
		if lang != "" && str(tr, "language_code") != lang {
			continue
		}
		if ver != "" && ver != "latest" && str(tr, "version") != ver {
			continue
		}
		out = append(out, clone(tr))
	}
	return doc{"translations": out}, nil
}
