// Package cputime reads the CPU time the process has used, for benchmarks that report CPU per
// operation beside wall time (the emulator's send benchmarks, the SDK's client-CPU benchmark).
package cputime

import "time"

// Process returns the CPU time (user + system) this process has used so far, or 0 where the
// platform does not tell it (callers skip their CPU figures then).
func Process() time.Duration { return process() }
