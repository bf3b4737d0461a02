// Package sinch is the client for the Sinch Conversation API, the Template Management API (v2)
// and the Batch API. One Client, configured once with a project, a region and credentials,
// serves all three through its Conversation, Templates and Batch services, which take and
// return the types generated from the OpenAPI documents (packages gen/conversation,
// gen/templates and gen/batch). Users never pass the project id.
//
// # Quick start
//
//	client, err := sinch.NewClientFromEnv() // SINCH_PROJECT_ID, SINCH_KEY_ID, SINCH_KEY_SECRET, SINCH_REGION, SINCH_APP_ID
//	if err != nil {
//		return err
//	}
//	to, order := recipient.Fallback(recipient.SMS("+46701234567"), recipient.WhatsApp("+46701234567"))
//	_, err = client.Conversation.SendMessage(ctx, conversation.SendMessageRequest{
//		Recipient: to, ChannelPriorityOrder: order, Message: message.Text("Your order has shipped"),
//	})
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
// messages:send is not repeated after a dropped connection. WithMaxRetries and WithCallRetries
// set the count (0 disables).
//
// # Lists
//
// Every paginated list has an iterator (ListMessages, ListContacts, ...) that fetches pages
// lazily as a range-over-func loop advances, and a ...Page method for one raw page.
//
// Message, choice and channel-property builders are in package wrappers/message; recipients
// and channel fallback in wrappers/recipient.
package sinch
