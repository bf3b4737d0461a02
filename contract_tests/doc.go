// Package contracttests holds the contract tests of this SDK: every spec in specs/ loads and
// validates with kin-openapi; a corpus of fixtures (testdata/) is validated against the specs
// through openapi3filter on the real routes and round-trips through the generated Go types with
// no field lost; and a negative corpus is rejected. The package has no code of its own.
package contracttests
