package sinch

import (
	"fmt"
	"strings"
)

// Region is a Sinch data region. Resources (apps, templates, batches) live in one region, and
// requests sent to another region's hosts fail with 404. There is no default region: choose it
// with WithRegion or SINCH_REGION.
type Region string

// The regions that host the Conversation, Template and Batch APIs.
const (
	RegionUS Region = "us"
	RegionEU Region = "eu"
	RegionBR Region = "br"
)

// Regions lists every supported region.
var Regions = []Region{RegionUS, RegionEU, RegionBR}

// ParseRegion turns "us", "eu" or "br" (any case, surrounding spaces ignored) into a Region.
func ParseRegion(s string) (Region, error) {
	r := Region(strings.ToLower(strings.TrimSpace(s)))
	if !r.Valid() {
		return "", fmt.Errorf("sinch: unknown region %q: want one of us, eu, br", s)
	}
	return r, nil
}

// Valid reports whether r is one of the supported regions.
func (r Region) Valid() bool {
	switch r {
	case RegionUS, RegionEU, RegionBR:
		return true
	}
	return false
}

// String returns the region's short name ("us", "eu" or "br").
func (r Region) String() string { return string(r) }

// ConversationURL is the Conversation API's base URL in this region.
func (r Region) ConversationURL() string {
	return "https://" + string(r) + ".conversation.api.sinch.com"
}

// TemplateURL is the Template Management API's base URL in this region.
func (r Region) TemplateURL() string { return "https://" + string(r) + ".template.api.sinch.com" }

// BatchURL is the Batch API's base URL in this region.
func (r Region) BatchURL() string { return "https://" + string(r) + ".conversationbatch.api.sinch.com" }

// DefaultAuthURL is the OAuth2 token endpoint shared by every region.
const DefaultAuthURL = "https://auth.sinch.com/oauth2/token"
