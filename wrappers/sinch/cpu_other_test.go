//go:build !unix

package sinch

import "time"

// processCPU is not measured on this platform; BenchmarkSendMessageClientCPU skips.
func processCPU() time.Duration { return 0 }
