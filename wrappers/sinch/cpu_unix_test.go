//go:build unix

package sinch

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time (user + system) this process has used: with the server in
// another process, that is the client's CPU alone (its goroutines, its GC, its syscalls).
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
