package redistest

import (
	"strings"
	"testing"
)

// recorder is a testing.TB that records Skip and Fatal instead of ending
// the test.
type recorder struct {
	testing.TB
	skipped, failed string
}

type stop struct{}

func (r *recorder) Helper()           {}
func (r *recorder) Skip(args ...any)  { r.skipped = args[0].(string); panic(stop{}) }
func (r *recorder) Fatal(args ...any) { r.failed = args[0].(string); panic(stop{}) }
func (r *recorder) run(fn func(*recorder)) {
	defer func() {
		if v := recover(); v != nil && v != (stop{}) {
			panic(v)
		}
	}()
	fn(r)
}

func TestMissingBinarySkipsOrFailsOnCI(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	for ci, wantFail := range map[string]bool{"": false, "false": false, "true": true, "1": true} {
		t.Setenv("CI", ci)
		r := &recorder{TB: t}
		r.run(func(r *recorder) { Binary(r) })
		if wantFail && (r.failed == "" || r.skipped != "") || !wantFail && (r.skipped == "" || r.failed != "") {
			t.Errorf("CI=%q: skipped %q, failed %q", ci, r.skipped, r.failed)
		}
		if msg := r.skipped + r.failed; !strings.Contains(msg, "redis-server is not on PATH") {
			t.Errorf("CI=%q: unclear message %q", ci, msg)
		}
	}
}

func TestServerAnswersUntilKilledAndRestarts(t *testing.T) {
	s := Start(t)
	if got, err := s.Do("SET", "k", "v"); err != nil || got != "OK" {
		t.Fatalf("SET: %q %v", got, err)
	}
	if got, _ := s.Do("CONFIG", "GET", "save"); got != "save\n" {
		t.Errorf("persistence on: CONFIG GET save = %q", got)
	}
	s.Kill()
	if _, err := s.Do("PING"); err == nil {
		t.Fatal("killed server still answers")
	}
	s.Restart()
	if got, err := s.Do("GET", "k"); err != nil || got != "" {
		t.Errorf("after restart GET k = %q %v, want an empty server", got, err)
	}
}

// StartCluster is tested where it is used, by rediscount's
// TestClusterCountsAllPoliciesInOneScript: a cluster takes two seconds to
// accept writes, and a second one here would test the same.
