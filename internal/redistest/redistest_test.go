package redistest

import (
	"net"
	"testing"
)

// Another test's redis-server on the port Start picked answers PING as
// well as one of ours: Start must not take it for the one it started.
func TestStartDoesNotTakeAnotherServerForItsOwn(t *testing.T) {
	other := Start(t)
	_, port, _ := net.SplitHostPort(other.Addr)
	s := &Server{tb: t, bin: Binary(t), dir: t.TempDir(), Addr: other.Addr}
	t.Cleanup(s.Kill)
	s.args = []string{"--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", s.dir}
	if err := s.start(); err == nil {
		t.Fatalf("start on the port of the server at %s succeeded", other.Addr)
	}
}
