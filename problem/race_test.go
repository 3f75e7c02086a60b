//go:build race

package problem_test

// raceEnabled tells tests that count allocations that the race detector
// runs, which changes what escapes to the heap.
const raceEnabled = true
