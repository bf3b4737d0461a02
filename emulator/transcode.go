package emulator

import (
	"reflect"

	"github.com/relaykit/sinch-go/emulator/transcode"
	"github.com/relaykit/sinch-go/gen/conversation"
)

// transcodeMessage answers messages:transcode with each channel's payload, from the
// transcoder that delivery and the inbox use too (emulator/transcode). An omni_template is
// rendered from the project's template store, as the API renders it.
func transcodeMessage(c *call) (any, error) {
	req, err := decodeRequest[conversation.TranscodeMessageRequest](c)
	if err != nil {
		return nil, err
	}
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	if _, err := c.app(req.AppID); err != nil {
		return nil, err
	}
	opts := transcode.Options{To: req.To, From: req.From, Template: c.proj.templateLookup()}
	out := map[string]string{}
	for _, ch := range req.Channels {
		r, err := transcode.Transcode(transcode.Channel(ch), req.AppMessage, opts)
		if err != nil {
			return nil, errInvalid("%s", err.Error())
		}
		out[string(ch)] = r.JSON
	}
	return struct {
		TranscodedMessage map[string]string `json:"transcoded_message"`
	}{out}, nil
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
