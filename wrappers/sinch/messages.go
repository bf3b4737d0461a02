package sinch

import (
	"context"
	"iter"
	"reflect"

	"github.com/relaykit/sinch-go/gen/conversation"
)

// ListForApp iterates over the messages of one app, from the store its processing mode writes
// to, so that it finds what the app just sent whatever its mode: a DISPATCH-mode app's messages
// are listed only with messages_source=DISPATCH_SOURCE, a CONVERSATION-mode app's with the
// default CONVERSATION_SOURCE. The app is params.AppID, else the default app (WithAppID); its
// mode is read once with Apps.Get, unless params.MessagesSource is already set. Otherwise it is
// List (same paging, same errors); an app that cannot be read is the error of the first step.
func (s *MessagesService) ListForApp(ctx context.Context, params conversation.ListMessagesParams, opts ...Option) iter.Seq2[conversation.ConversationMessage, error] {
	return func(yield func(conversation.ConversationMessage, error) bool) {
		cfg, err := s.c.callConfig(opts)
		if err != nil {
			yield(conversation.ConversationMessage{}, err)
			return
		}
		appID := stringField(&params.AppID)
		if appID == "" {
			appID = cfg.appID
			setField(&params.AppID, appID)
		}
		if appID == "" {
			yield(conversation.ConversationMessage{}, ErrNoAppID)
			return
		}
		if stringField(&params.MessagesSource) == "" {
			app, err := s.c.Conversation.Apps.Get(ctx, appID, opts...)
			if err != nil {
				yield(conversation.ConversationMessage{}, err)
				return
			}
			src := conversation.MessageSourceConversation
			if stringField(&app.ProcessingMode) == string(conversation.ProcessingModeDispatch) {
				src = conversation.MessageSourceDispatch
			}
			setField(&params.MessagesSource, src)
		}
		for m, err := range s.List(ctx, params, opts...) {
			if !yield(m, err) {
				return
			}
		}
	}
}

// stringField reads a string-kinded model field, whether it is held as a value or a pointer.
func stringField(p any) string {
	v := reflect.ValueOf(p).Elem()
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return ""
		}
		v = v.Elem()
	}
	return v.String()
}

// setField sets a model field held as a value or a pointer to x (of the field's underlying
// type).
func setField(p any, x any) {
	v := reflect.ValueOf(p).Elem()
	xv := reflect.ValueOf(x)
	if v.Kind() == reflect.Pointer {
		n := reflect.New(v.Type().Elem())
		n.Elem().Set(xv.Convert(v.Type().Elem()))
		v.Set(n)
		return
	}
	v.Set(xv.Convert(v.Type()))
}
