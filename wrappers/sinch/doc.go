// Package sinch is the client for the Sinch Conversation API, the Template Management API (v2)
// and the Batch API. One Client, configured once with a project, a region and credentials,
// serves all three, one service per resource: Client.Conversation.Messages, .Contacts,
// .Conversations, .Apps, .Webhooks, .Events, .Capability, .ProjectSettings and .Consents;
// Client.Templates; Client.Batch (with .Contacts and .Consents). Users never pass the project id.
//
// Everyday code needs this package only: it re-exports the request and answer types (aliases of
// the generated gen/conversation, gen/templates and gen/batch types) and the builders of
// messages (Text, Media, Card, Choices, TemplateMessage, ...) and recipients (To, Fallback,
// ToContact, SMS, WhatsApp, ...).
//
// # Quick start
//
//	client, err := sinch.NewClientFromEnv() // SINCH_PROJECT_ID, SINCH_KEY_ID, SINCH_KEY_SECRET, SINCH_REGION, SINCH_APP_ID
//	if err != nil {
//		return err
//	}
//	_, err = client.Conversation.Messages.Send(ctx, sinch.SendMessageRequest{
//		Recipient: sinch.Fallback(sinch.SMS("+46701234567"), sinch.WhatsApp("+46701234567")),
//		Message:   sinch.Text("Your order has shipped"),
//	})
//
// # Options
//
// One Option type configures the client (NewClient) and single calls (any method, Do): a
// call's options override the client's for that call, for example
// client.Conversation.Apps.Get(ctx, id, sinch.WithMaxRetries(0), sinch.WithTimeout(time.Second)).
//
// # Regions
//
// There is no default region: a wrong one is the usual cause of 404s, so NewClient fails unless
// WithRegion (or SINCH_REGION) names us, eu or br, or every API URL is overridden (an emulator,
// a proxy).
//
// # Authentication
//
// WithOAuth2 (the default from the environment) exchanges the access key for a bearer token at
// auth.sinch.com, caches it for every goroutine (one fetch however many calls wait), refreshes
// it before it expires, fetches a new one once when the API answers 401, and backs off when the
// token endpoint rate-limits. WithBasicAuth is for quick tests only (heavily rate limited);
// WithBearerToken sends a token obtained elsewhere.
//
// # Errors and retries
//
// A non-2xx answer is an *APIError (errors.As) with the status, Sinch's code, message, status
// and details, the request id and the raw body; errors.Is matches ErrNotFound, ErrUnauthorized,
// ErrRateLimited and the other sentinels. Calls are retried on 429, 500, 502, 503 and 504 with
// exponential backoff and full jitter, honouring Retry-After, and after connection failures
// only when the request cannot have reached Sinch or its method is idempotent, so a
// messages:send is not repeated after a dropped connection; such a call returns a
// *TransportError matching ErrMaybeSent (with the request's correlation_id), while one that
// certainly did not reach Sinch matches ErrNotSent. WithMaxRetries sets the count (0 disables),
// on the client or on one call.
//
// # Raw calls
//
// Client.Do (and Conversation.Do, Templates.Do, Batch.Do) sends any request with the same
// authentication, retries and errors, for an operation or field the SDK does not know yet.
//
// # Lists
//
// Every paginated list has an iterator (Messages.List, Contacts.List, ...) that fetches pages
// lazily as a range-over-func loop advances, and a ...Page method for one raw page.
//
// The full set of message, choice and channel-property builders is in package
// wrappers/message; recipients in wrappers/recipient.
package sinch
