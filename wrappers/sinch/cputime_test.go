package sinch

import "github.com/relaykit/sinch-go/internal/cputime"

// processCPU is the CPU time (user + system) this process has used: with the server in another
// process, the client's CPU alone. It is 0 where not measured (BenchmarkSendMessageClientCPU
// skips then).
var processCPU = cputime.Process
