//go:build unix

package ratelimit

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time this process used, user and system: unlike wall
// time it does not grow while other processes hold the cores.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
