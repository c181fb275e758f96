package bench

import (
	"syscall"
	"time"
)

// cpuTime is the processor time this process and its waited-for children
// (pdftotext) have used so far. On a shared machine a run's latencies say
// as much about the neighbours as about the service; the processor time
// per request says what the service itself needs.
func cpuTime() time.Duration {
	var total time.Duration
	for _, who := range []int{syscall.RUSAGE_SELF, syscall.RUSAGE_CHILDREN} {
		var ru syscall.Rusage
		if syscall.Getrusage(who, &ru) == nil {
			total += time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		}
	}
	return total
}
