package cputime

import (
	"runtime"
	"testing"
	"time"
)

// Busy work shows up as CPU time on platforms that measure it.
func TestProcessGrowsWithWork(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" || runtime.GOOS == "plan9" {
		t.Skip("CPU time is not measured on " + runtime.GOOS)
	}
	before := Process()
	deadline := time.Now().Add(50 * time.Millisecond)
	x := 0
	for time.Now().Before(deadline) {
		x++
	}
	if after := Process(); after <= before || x == 0 {
		t.Fatalf("CPU time %v then %v after 50ms of work", before, after)
	}
}
