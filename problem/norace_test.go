//go:build !race

package problem_test

const raceEnabled = false
