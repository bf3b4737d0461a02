package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"time"
)

const v1 = "/v1/projects/{project_id}"

// conversationOps lists the 45 operations of the Conversation API v1.
func (s *Server) conversationOps() []op {
	return []op{
		{"GET", v1 + "/apps", "listApps", listApps, nil},
		{"POST", v1 + "/apps", "createApp", createApp, nil},
		{"GET", v1 + "/apps/{app_id}", "getApp", getApp, nil},
		{"PATCH", v1 + "/apps/{app_id}", "updateApp", updateApp, nil},
		{"DELETE", v1 + "/apps/{app_id}", "deleteApp", deleteApp, nil},
		{"GET", v1 + "/apps/{app_id}/webhooks", "listWebhooks", listWebhooks, nil},
		{"GET", v1 + "/apps/{app_id}/consents/{list_type}", "listConsents", listConsents, nil},
		{"GET", v1 + "/apps/{app_id}/consents/identities/{identity}", "listConsentAuditRecords", listConsentAuditRecords, nil},

		{"GET", v1 + "/contacts", "listContacts", listContacts, nil},
		{"POST", v1 + "/contacts", "createContact", createContact, nil},
		{"GET", v1 + "/contacts/{contact_id}", "getContact", getContact, nil},
		{"PATCH", v1 + "/contacts/{contact_id}", "updateContact", updateContact, nil},
		{"DELETE", v1 + "/contacts/{contact_id}", "deleteContact", deleteContact, nil},
		{"POST", v1 + "/contacts/{destination_id}:merge", "mergeContact", mergeContact, nil},
		{"POST", v1 + "/contacts:getChannelProfile", "getChannelProfile", getChannelProfile, nil},
		{"GET", v1 + "/contacts:identityConflicts", "listIdentityConflicts", listIdentityConflicts, nil},

		{"GET", v1 + "/conversations", "listConversations", listConversations, nil},
		{"POST", v1 + "/conversations", "createConversation", createConversation, nil},
		{"GET", v1 + "/conversations/{conversation_id}", "getConversation", getConversation, nil},
		{"PATCH", v1 + "/conversations/{conversation_id}", "updateConversation", updateConversation, nil},
		{"DELETE", v1 + "/conversations/{conversation_id}", "deleteConversation", deleteConversation, nil},
		{"POST", v1 + "/conversations/{conversation_id}:stop", "stopConversation", stopConversation, nil},
		{"POST", v1 + "/conversations/{conversation_id}:inject-message", "injectMessage", injectMessage, nil},
		{"POST", v1 + "/conversations/{conversation_id}:inject-event", "injectEvent", injectEvent, nil},
		{"GET", v1 + "/conversations:recent", "listRecentConversations", listRecentConversations, nil},

		{"POST", v1 + "/messages:send", "sendMessage", sendMessage, nil},
		{"GET", v1 + "/messages/{message_id}", "getMessage", getMessage, nil},
		{"GET", v1 + "/messages", "listMessages", listMessages, nil},
		{"PATCH", v1 + "/messages/{message_id}", "updateMessageMetadata", updateMessageMetadata, nil},
		{"DELETE", v1 + "/messages/{message_id}", "deleteMessage", deleteMessage, nil},
		{"POST", v1 + "/messages:transcode", "transcodeMessage", transcodeMessage, nil},
		{"POST", v1 + "/messages:fetch-last-message", "fetchLastMessage", fetchLastMessage, nil},

		{"POST", v1 + "/events:send", "sendEvent", sendEvent, nil},
		{"GET", v1 + "/events/{event_id}", "getEvent", getEvent, nil},
		{"GET", v1 + "/events", "listEvents", listEvents, nil},
		{"DELETE", v1 + "/events/{event_id}", "deleteEvent", deleteEvent, nil},

		{"POST", v1 + "/capability:query", "queryCapability", queryCapability, nil},

		{"POST", v1 + "/webhooks", "createWebhook", createWebhook, nil},
		{"GET", v1 + "/webhooks/{webhook_id}", "getWebhook", getWebhook, nil},
		{"PATCH", v1 + "/webhooks/{webhook_id}", "updateWebhook", updateWebhook, nil},
		{"DELETE", v1 + "/webhooks/{webhook_id}", "deleteWebhook", deleteWebhook, nil},

		{"POST", v1 + "/settings", "createProjectSettings", createProjectSettings, nil},
		{"GET", v1 + "/settings", "getProjectSettings", getProjectSettings, nil},
		{"PATCH", v1 + "/settings", "updateProjectSettings", updateProjectSettings, nil},
		{"DELETE", v1 + "/settings", "deleteProjectSettings", deleteProjectSettings, nil},
	}
}

// pageSizeMax is the documented page_size maximum of each list operation. Over it the request
// is refused with 400 INVALID_ARGUMENT, not clamped: the reference and the official SDKs state
// the maximum as a limit of the parameter and nothing documents clamping (specs/conversation.yaml
// says so beside each parameter; TestPageSizeMaximaFollowTheSpec keeps this table and the
// spec's `maximum` equal). The handlers enforce it themselves, so that the limit holds with
// Config.DisableValidation too. Sources, each giving "defaults to 10" and the maximum:
//   - contacts 20, identity conflicts 20, conversations 20, recent conversations 50, messages
//     and fetch-last-message 1000, events 20, consents 50: the Conversation API reference
//     (https://developers.sinch.com/docs/conversation/api-reference/conversation) and the Node
//     SDK's request types (https://developers.sinch.com/sdk/sinch-sdk-node/1.5.0/interfaces/Conversation.ListEventsRequestData.html
//     and its siblings); the Python SDK's contacts list says the same
//     (https://developers.sinch.com/sdk/sinch-sdk-python/2.2.0/api/sinch.domains.conversation.api.v1.contacts_apis.html).
var pageSizeMax = map[string]int{
	"listContacts":            20,
	"listIdentityConflicts":   20,
	"listConversations":       20,
	"listRecentConversations": 50,
	"listMessages":            1000,
	"fetchLastMessage":        1000,
	"listEvents":              20,
	"listConsents":            50,
}

// maxPageSize is the page_size limit of an operation missing from pageSizeMax.
const maxPageSize = 1000

// pageSize reads the page_size query parameter (default def when absent or 0); over the
// operation's documented maximum it is a 400.
func (c *call) pageSize(def int) (int, error) {
	v := c.query("page_size")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, errInvalid("page_size must be a non-negative integer")
	}
	return c.checkPageSize(n, def)
}

// bodyPageSize is pageSize for an operation that takes page_size in its JSON body.
func (c *call) bodyPageSize(v any, def int) (int, error) {
	n := intOf(v)
	if n < 0 {
		return 0, errInvalid("page_size must be a non-negative integer")
	}
	return c.checkPageSize(n, def)
}

func (c *call) checkPageSize(n, def int) (int, error) {
	if n == 0 {
		return def, nil
	}
	limit, ok := pageSizeMax[c.opID]
	if !ok {
		limit = maxPageSize
	}
	if n > limit {
		return 0, errInvalid("page_size %d is over this list's maximum of %d: ask for at most %d and follow next_page_token", n, limit, limit)
	}
	return n, nil
}

// offsetPage pages through n items sorted by the handler, size at a time, with the page
// token holding the offset of the page: it returns the page's bounds [start, end) and the
// next page's token ("" on the last page).
func (c *call) offsetPage(size, n int) (start, end int, next string, err error) {
	if tok := c.query("page_token"); tok != "" {
		start, err = strconv.Atoi(tok)
		if err != nil || start < 0 || start > n {
			return 0, 0, "", errInvalid("page_token is not a token this server issued")
		}
	}
	end = min(start+size, n)
	if end < n {
		next = strconv.Itoa(end)
	}
	return start, end, next, nil
}

// applyUpdate copies fields of patch into d: only the update mask's paths when given (a
// path missing from patch is cleared), otherwise every field present in patch. Paths may be
// dotted ("callback_settings.secret_for_overridden_callback_urls"). Fields in readOnly are
// never changed. A path that goes through a field of d that is not an object (a list, a
// string) is refused with a 400 before anything is changed: it names no field. d is a
// transient document (patchRecord's), so patch's values go in without a copy.
func applyUpdate(d, patch doc, mask []string, readOnly ...string) error {
	if len(mask) == 0 {
		for k, v := range patch {
			if !contains(readOnly, k) {
				d[k] = v
			}
		}
		return nil
	}
	for _, path := range mask {
		keys := strings.Split(path, ".")
		var cur any = d
		for _, k := range keys[:len(keys)-1] {
			if cur = obj(cur)[k]; cur == nil {
				break // created on the way
			}
			if obj(cur) == nil {
				return errInvalid("update_mask: a path goes through a field that is not an object")
			}
		}
	}
	for _, path := range mask {
		if contains(readOnly, strings.SplitN(path, ".", 2)[0]) {
			continue
		}
		keys := strings.Split(path, ".")
		src := any(patch)
		for _, k := range keys {
			src = obj(src)[k]
		}
		dst := d
		for _, k := range keys[:len(keys)-1] {
			next := obj(dst[k])
			if next == nil {
				next = doc{}
				dst[k] = next
			}
			dst = next
		}
		last := keys[len(keys)-1]
		if src == nil {
			delete(dst, last)
		} else {
			dst[last] = src
		}
	}
	return nil
}

// decodeRequest decodes the request body into the generated request type T. The body has
// been validated against the specification, so a failure here means a value the type cannot
// hold; it is answered 400 all the same.
func decodeRequest[T any](c *call) (T, error) {
	var v T
	if len(bytes.TrimSpace(c.raw)) == 0 {
		return v, errInvalid("request body is required")
	}
	if err := json.Unmarshal(c.raw, &v); err != nil {
		return v, errInvalid("request body does not fit the operation's schema%s", decodeErrorDetail(err))
	}
	return v, nil
}

// decodeErrorDetail says which field a decoding error is about, without quoting the value
// (which may be long, or a secret).
func decodeErrorDetail(err error) string {
	var te *json.UnmarshalTypeError
	var pe *time.ParseError
	switch {
	case errors.As(err, &te) && te.Field != "":
		return ": " + te.Field + " must be of JSON type " + jsonKind(te.Type)
	case errors.As(err, &pe):
		return ": a time field is not an RFC 3339 time"
	}
	return ""
}

// patchRecord applies the call's PATCH body to a copy of rec, as applyUpdate does: with an
// update mask only its paths (a path missing from the body is cleared), otherwise every field
// the body holds; readOnly fields keep their value. Mask paths name JSON fields, nested ones
// dotted, so the patch is applied to the record's JSON form, which the generated type then
// reads back.
func patchRecord[T any](c *call, rec T, readOnly ...string) (T, error) {
	var out T
	b, err := json.Marshal(rec)
	if err != nil {
		return out, err
	}
	v, err := decodeBody(b)
	if err != nil {
		return out, err
	}
	d, _ := v.(map[string]any)
	if d == nil {
		d = map[string]any{}
	}
	if err := applyUpdate(d, c.body, splitMask(c.r), readOnly...); err != nil {
		return out, err
	}
	if b, err = json.Marshal(d); err != nil {
		return out, err
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return out, errInvalid("the update does not fit the resource%s", decodeErrorDetail(err))
	}
	return out, nil
}

// intOf reads an integer from a decoded JSON value (a number or a numeric string); 0 when it
// holds none.
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

// jsonKind names the JSON type a Go type decodes from.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Map, reflect.Struct:
		return "object"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	}
	return t.Kind().String()
}
