//go:build race

package reqstate

const raceEnabled = true
