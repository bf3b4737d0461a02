package sinch

import (
	"errors"
	"fmt"
	"maps"

	"github.com/relaykit/sinch-go/gen/batch"
	"github.com/relaykit/sinch-go/gen/conversation"
	"github.com/relaykit/sinch-go/gen/templates"
)

// The hand-written parts of a few operations: the generated methods call these (named by the
// operations' x-sdk-prepare in specs/) on their copy of the request before sending it, so the
// caller's request is never modified.

// ErrNoAppID is returned by Messages.Send, Events.Send and Batch.Send when the request has no
// app_id and the client has no default one.
var ErrNoAppID = errors.New("sinch: the request's app_id is empty and the client has no default app (WithAppID or " + EnvAppID + ")")

// SMSSenderProperty is the channel_properties key that chooses the SMS sender.
const SMSSenderProperty = "SMS_SENDER"

// fillApp gives an empty app id the call's default app.
func fillApp(cfg *config, appID *string) error {
	if *appID == "" {
		*appID = cfg.appID
	}
	if *appID == "" {
		return ErrNoAppID
	}
	return nil
}

// withSMSSender adds the call's default SMS sender to channel properties that name none. The map
// is copied, never changed in place (it is the caller's).
func withSMSSender(cfg *config, props map[string]string) map[string]string {
	if cfg.smsSender == "" || props[SMSSenderProperty] != "" {
		return props
	}
	props = maps.Clone(props)
	if props == nil {
		props = make(map[string]string, 1)
	}
	props[SMSSenderProperty] = cfg.smsSender
	return props
}

// prepareSendMessage completes a messages:send: an empty app_id takes the client's (or the call's)
// default app (WithAppID, SINCH_APP_ID), else the call fails with ErrNoAppID before sending; the
// default SMS sender (WithSMSSender, SINCH_SMS_SENDER_ID), if any, is added as the SMS_SENDER
// channel property unless one is set. A Fallback recipient needs no channel_priority_order: the
// API tries a recipient's channel identities in their order when the request gives none.
//
// A send is never retried after a connection failure that may have reached Sinch, so a message
// is not delivered twice; such a failure is a *TransportError matching ErrMaybeSent, carrying
// the request's correlation_id. It is retried on 429 and 5xx answers and when the connection
// could not be made.
func (c *Client) prepareSendMessage(cfg *config, req *conversation.SendMessageRequest) error {
	if err := fillApp(cfg, &req.AppID); err != nil {
		return err
	}
	req.ChannelProperties = withSMSSender(cfg, req.ChannelProperties)
	return nil
}

// prepareSendEvent completes an events:send: an empty app_id takes the default app, as for
// messages.
func (c *Client) prepareSendEvent(cfg *config, req *conversation.SendEventRequest) error {
	return fillApp(cfg, &req.AppID)
}

// prepareSendBatchMessage completes a batch send as prepareSendMessage does a single one: the
// default app (Sinch answers 404 to an empty app_id) and the default SMS sender.
func (c *Client) prepareSendBatchMessage(cfg *config, req *batch.SendBatchMessageRequest) error {
	if err := fillApp(cfg, &req.AppID); err != nil {
		return err
	}
	req.ChannelProperties = withSMSSender(cfg, req.ChannelProperties)
	return nil
}

// prepareUpdateTemplate checks a template replacement: an empty req.ID is filled with templateID;
// a different non-empty one is an error, since the API would reject the mismatch. req.Version
// must be the template's current version (read it with Templates.Get).
func (c *Client) prepareUpdateTemplate(_ *config, templateID string, req *templates.UpdateTemplateRequest) error {
	switch req.ID {
	case "":
		req.ID = templateID
	case templateID:
	default:
		return fmt.Errorf("sinch: Templates.Update: req.ID %q differs from the template id %q", req.ID, templateID)
	}
	return nil
}
