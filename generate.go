// Package sinch is the root of a community Go SDK for the Sinch Conversation API, its Template
// Management API v2 and its Batch API.
//
// Most programs import the client in wrappers/sinch and, for webhooks, the hmac package. This
// root package holds no code of its own; it carries the go:generate lines that turn the
// OpenAPI documents in specs/ into the models in gen/ (oapi-codegen), then into the services of
// wrappers/sinch and the typed callback events of hmac/callback (codegen/cmd/sdkgen).
package sinch

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config codegen/conversation.yaml specs/conversation.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config codegen/templates.yaml specs/templates.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config codegen/batch.yaml specs/batch.yaml
//go:generate go run ./codegen/cmd/sdkgen
