//go:build tools

// Package tools pins the code generator this module runs through go generate,
// so that its version is recorded in go.mod and every checkout generates the
// same bytes.
package tools

import (
	_ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
)
