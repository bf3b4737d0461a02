package emulator

import (
	"encoding/json"
	"reflect"

	"github.com/relaykit/sinch-go/emulator/transcode"
	"github.com/relaykit/sinch-go/gen/conversation"
)

// transcodeMessage answers messages:transcode with each channel's payload, from the
// transcoder that delivery and the inbox use too (emulator/transcode). An omni_template is
// rendered from the project's template store, as the API renders it.
func transcodeMessage(c *call) (any, error) {
	raw, err := json.Marshal(c.body["app_message"])
	if err != nil {
		return nil, errInvalid("app_message: %v", err)
	}
	var msg conversation.AppMessage
	if err := json.Unmarshal(raw, &msg); err != nil {
		return nil, errInvalid("app_message: %v", err)
	}
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	if _, err := c.app(str(c.body, "app_id")); err != nil {
		return nil, err
	}
	opts := transcode.Options{To: str(c.body, "to"), From: str(c.body, "from"), Template: c.proj.templateLookup()}
	out := doc{}
	for _, ch := range arr(c.body["channels"]) {
		name, _ := ch.(string)
		r, err := transcode.Transcode(transcode.Channel(name), msg, opts)
		if err != nil {
			return nil, errInvalid("%s", err.Error())
		}
		out[name] = r.JSON
	}
	return doc{"transcoded_message": out}, nil
}

// templateLookup is transcode.Options.Template: it gives the content of the stored template
// an omni_template names.
type templateLookup = func(transcode.TemplateRef) (conversation.AppMessage, bool)

// templateLookup is transcode.Options.Template over the project's template store: an
// omni_template's content is the message of the stored translation it names (findTranslation
// picks it as delivery does). The caller holds p.mu while the transcoder runs.
func (p *project) templateLookup() templateLookup {
	return func(ref transcode.TemplateRef) (conversation.AppMessage, bool) {
		t, ok := p.templates.get(ref.ID)
		if !ok {
			return conversation.AppMessage{}, false
		}
		tr := findTranslation(t, ref.Language, ref.Version)
		if tr == nil || !reflect.ValueOf(tr.TemplateMessage).IsZero() {
			return conversation.AppMessage{}, false
		}
		return conversation.AppMessage{
			CardMessage:        tr.CardMessage,
			CarouselMessage:    tr.CarouselMessage,
			ChoiceMessage:      tr.ChoiceMessage,
			ContactInfoMessage: tr.ContactInfoMessage,
			ListMessage:        tr.ListMessage,
			LocationMessage:    tr.LocationMessage,
			MediaMessage:       tr.MediaMessage,
			TextMessage:        tr.TextMessage,
		}, true
	}
}

// withTemplates runs f with the template lookup of an app's project, in the app's region,
// holding the project's lock as the lookup needs. Delivery traces use it so that a template
// message shows the template's content with its parameters, as it is delivered.
func (s *Server) withTemplates(projectID, appID string, f func(templateLookup)) {
	p := s.store.in(s.regions.get(projectID, appID), projectID)
	p.mu.Lock()
	defer p.mu.Unlock()
	f(p.templateLookup())
}
