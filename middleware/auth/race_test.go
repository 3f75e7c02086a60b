//go:build race

package auth

// raceEnabled tells tests that measure the heap that the race detector,
// which slows them tenfold and adds its own allocations, is on.
const raceEnabled = true
