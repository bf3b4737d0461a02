package sinch

import (
	"context"
	"errors"
	"fmt"
	"maps"

	"github.com/relaykit/sinch-go/gen/conversation"
)

// genResponse is what every generated response wrapper offers.
type genResponse[T any] interface {
	GetJSON200() *T
	GetBody() []byte
	StatusCode() int
}

// call runs a generated-client call and returns its decoded 200 body, an *APIError for a non-2xx
// answer, or an *UnexpectedResponseError for a 2xx answer without the expected JSON.
func call[T any, W genResponse[T]](ctx context.Context, c *Client, opts []CallOption, fn func(context.Context) (W, error)) (*T, error) {
	w, st, err := invoke(ctx, c, opts, fn)
	if err != nil {
		return nil, err
	}
	if v := w.GetJSON200(); v != nil {
		return v, nil
	}
	e := &UnexpectedResponseError{StatusCode: w.StatusCode(), Body: w.GetBody()}
	if st.resp != nil {
		e.ContentType = st.resp.Header.Get("Content-Type")
	}
	return nil, e
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// ConversationService calls the Conversation API for the client's project. Get it from
// Client.Conversation.
type ConversationService struct {
	c   *Client
	gen *conversation.ClientWithResponses
}

func (c *Client) initServices() error {
	conv, err := conversation.NewClientWithResponses(c.cfg.conversationURL, conversation.WithHTTPClient(c.pipe))
	if err != nil {
		return fmt.Errorf("sinch: Conversation API client: %w", err)
	}
	c.Conversation = &ConversationService{c: c, gen: conv}
	return c.initOtherServices()
}

// ErrNoAppID is returned by SendMessage and SendEvent when the request has no app_id and the
// client has no default one.
var ErrNoAppID = errors.New("sinch: the request's app_id is empty and the client has no default app (WithAppID or " + EnvAppID + ")")

// SMSSenderProperty is the channel_properties key that chooses the SMS sender.
const SMSSenderProperty = "SMS_SENDER"

// SendMessage calls POST /v1/projects/{project_id}/messages:send (sendMessage): send a message
// to a contact on one channel, or on the first channel that works in channel_priority_order.
//
// An empty req.AppID is filled with the client's default app (WithAppID or SINCH_APP_ID). The
// client's default SMS sender (WithSMSSender or SINCH_SMS_SENDER_ID), if any, is added as the
// SMS_SENDER channel property unless the request sets one. req itself is not modified.
//
// A sent message is never retried after a connection failure that may have reached Sinch, so a
// message is not delivered twice; it is retried on 429 and 5xx answers and when the connection
// could not be made.
func (s *ConversationService) SendMessage(ctx context.Context, req conversation.SendMessageRequest, opts ...CallOption) (*conversation.SendMessageResponse, error) {
	if req.AppID == "" {
		req.AppID = s.c.cfg.appID
	}
	if req.AppID == "" {
		return nil, ErrNoAppID
	}
	if s.c.cfg.smsSender != "" && req.ChannelProperties[SMSSenderProperty] == "" {
		props := maps.Clone(req.ChannelProperties)
		if props == nil {
			props = map[string]string{}
		}
		props[SMSSenderProperty] = s.c.cfg.smsSender
		req.ChannelProperties = props
	}
	return call[conversation.SendMessageResponse](ctx, s.c, opts, func(ctx context.Context) (*conversation.SendMessageHTTPResponse, error) {
		return s.gen.SendMessageWithResponse(ctx, s.c.cfg.projectID, req)
	})
}

// SendEvent calls POST /v1/projects/{project_id}/events:send (sendEvent): send an event such as
// a typing indicator. An empty req.AppID is filled with the client's default app.
func (s *ConversationService) SendEvent(ctx context.Context, req conversation.SendEventRequest, opts ...CallOption) (*conversation.SendEventResponse, error) {
	if req.AppID == "" {
		req.AppID = s.c.cfg.appID
	}
	if req.AppID == "" {
		return nil, ErrNoAppID
	}
	return call[conversation.SendEventResponse](ctx, s.c, opts, func(ctx context.Context) (*conversation.SendEventHTTPResponse, error) {
		return s.gen.SendEventWithResponse(ctx, s.c.cfg.projectID, req)
	})
}
