//go:build !unix

package ratelimit

import "time"

func cpuTime() time.Duration { return 0 }
