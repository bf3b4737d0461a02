// Package inbox is the emulator's web inbox: a page, served at "/" next to the emulator's
// APIs, that shows every conversation as a phone-like thread, draws each app message as its
// channel shows it, follows each message's delivery, lets the user reply as the contact, and
// lists the callbacks the emulator sent with their delivery attempts.
//
// The page is plain HTML, CSS and JavaScript embedded in the binary: it needs no network, no
// build step and no credentials. It reads a view model from this package
// (GET /_emulator/inbox/state), follows changes through server-sent events
// (GET /_emulator/inbox/events) and acts through the emulator's control endpoints
// (/_emulator/...), the same ones tests and the CLI use.
//
// The emulator mounts the inbox itself (emulator.Start serves it); a program embedding the
// emulator's handlers in a server of its own gets it from emulator.Server.ConversationHandler.
package inbox

import (
	"encoding/json"
	"time"
)

// Source is what the inbox reads from a running emulator.
type Source interface {
	// State returns what the page shows now.
	State() State
	// Subscribe returns a channel that receives a value after something changed (changes
	// that happen close together may be reported once), and a function that ends the
	// subscription and must be called.
	Subscribe() (changes <-chan struct{}, cancel func())
}

// State is the inbox's view model: every project, its apps and, for each app, the threads
// of the contacts it talked to.
type State struct {
	// Now is the emulator clock's time.
	Now time.Time `json:"now"`
	// Projects are sorted by id.
	Projects []Project `json:"projects"`
}

// Project is one project the emulator holds.
type Project struct {
	ID string `json:"id"`
	// Region is the region (us, eu, br) this state of the project lives in: each region has
	// its own apps, contacts and messages.
	Region string `json:"region"`
	Apps   []App  `json:"apps"`
}

// App is one Conversation API app with its webhooks and threads.
type App struct {
	ID             string `json:"id"`
	DisplayName    string `json:"display_name,omitempty"`
	ProcessingMode string `json:"processing_mode,omitempty"`
	// Channels are the channels the app has credentials for.
	Channels []string  `json:"channels"`
	Webhooks []Webhook `json:"webhooks"`
	// Threads are sorted by their latest message, newest first.
	Threads []Thread `json:"threads"`
}

// Webhook is one of an app's webhooks.
type Webhook struct {
	ID       string   `json:"id"`
	Target   string   `json:"target"`
	Triggers []string `json:"triggers"`
}

// Identity is one channel identity: a channel and the contact's address on it.
type Identity struct {
	Channel  string `json:"channel"`
	Identity string `json:"identity"`
}

// Thread is the conversation between an app and one contact (or, without a contact, one
// identity), across channels.
type Thread struct {
	// Key identifies the thread within its app: "contact:" and the contact id, or
	// "identity:" and the identity.
	Key       string `json:"key"`
	ContactID string `json:"contact_id,omitempty"`
	// Name is what the thread is called: the contact's display name, or its first identity.
	Name string `json:"name"`
	// Identities are the identities the contact can be reached at and reply from.
	Identities []Identity `json:"identities"`
	// Messages are oldest first (the page draws the newest at the bottom).
	Messages []Message `json:"messages"`
	// Last is the time of the newest message.
	Last time.Time `json:"last"`
}

// Message directions.
const (
	ToContact = "TO_CONTACT"
	ToApp     = "TO_APP"
)

// Message is one message or event in a thread.
type Message struct {
	ID string `json:"id"`
	// Direction is ToContact (the app sent it) or ToApp (the contact sent it).
	Direction string `json:"direction"`
	// Event is true for events (composing, ...) rather than messages.
	Event bool `json:"event,omitempty"`
	// Kind is the content's kind, for example "text_message" or "composing_event".
	Kind string `json:"kind"`
	// Content is the app message, contact message, app event or contact event as the API
	// holds it.
	Content json.RawMessage `json:"content"`
	// Channel and Identity say where the message went or came from (for an app message, the
	// channel that delivered it or was tried last).
	Channel  string    `json:"channel"`
	Identity string    `json:"identity"`
	At       time.Time `json:"at"`
	// Metadata is the message's metadata, if any.
	Metadata string `json:"metadata,omitempty"`
	// Status is the latest delivery status of an app message (QUEUED, QUEUED_ON_CHANNEL,
	// SWITCHING_CHANNEL, DELIVERED, READ, FAILED).
	Status string `json:"status,omitempty"`
	// Path is the delivery of an app message, step by step.
	Path []Step `json:"path,omitempty"`
	// Renderings show the app message on each channel of its priority order, first to last.
	Renderings []Rendering `json:"renderings,omitempty"`
}

// Step is one step of a message's delivery: a delivery report (the emulator's traces hold the
// same records).
type Step struct {
	Channel  string `json:"channel"`
	Identity string `json:"identity"`
	Status   string `json:"status"`
	// Reason and Detail say why a channel was switched or the message failed: the report's
	// reason code and description.
	Reason string    `json:"reason,omitempty"`
	Detail string    `json:"reason_description,omitempty"`
	At     time.Time `json:"at"`
}

// Rendering is an app message as one channel receives it (the emulator's transcoder).
type Rendering struct {
	Channel string `json:"channel"`
	// Native is true when the channel shows the message's kind natively (buttons, cards);
	// false when it gets a plain-text rendering (Text).
	Native bool `json:"native"`
	// Form is what the channel shows: text, media, location, contact, template, buttons,
	// list, product_list, rich_card, carousel, channel_payload or text_with_suggestions.
	Form string `json:"form,omitempty"`
	// Text is the plain text a text-only channel shows.
	Text string `json:"text,omitempty"`
	// JSON is the channel's own message format, when the transcoder produces one.
	JSON json.RawMessage `json:"json,omitempty"`
	// Encoding and Parts are the SMS encoding (GSM-7 or UCS-2) and number of parts.
	Encoding string `json:"encoding,omitempty"`
	Parts    int    `json:"parts,omitempty"`
	// Error says why the message cannot be shown on this channel.
	Error string `json:"error,omitempty"`
}
