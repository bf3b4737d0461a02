package emulator

import "github.com/relaykit/sinch-go/internal/cputime"

// processCPU is the CPU time (user + system) this process has used, 0 where not measured.
var processCPU = cputime.Process
