// Package redistest starts real redis-server processes for tests: on a free
// loopback port, without persistence, killed when the test ends.
//
// When redis-server is not on PATH the tests that need it skip with a clear
// message, unless the CI environment variable is set (as .ci/run does), in
// which case they fail: CI must never pass by skipping them.
package redistest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Binary returns the path of redis-server. If it is missing, it skips the
// test, or fails it when CI is set: the one place that rule lives.
func Binary(tb testing.TB) string {
	tb.Helper()
	path, err := exec.LookPath("redis-server")
	if err == nil {
		return path
	}
	const msg = "redis-server is not on PATH: install it (apt-get install redis-server) to run the Redis tests"
	if ci := os.Getenv("CI"); ci != "" && ci != "false" && ci != "0" {
		tb.Fatal(msg + "; CI is set, so a missing redis-server is a failure, not a skip")
	}
	tb.Skip(msg)
	return ""
}

// Server is one redis-server process.
type Server struct {
	// Addr is "127.0.0.1:port".
	Addr string

	tb      testing.TB
	bin     string
	dir     string
	args    []string
	mu      sync.Mutex
	cmd     *exec.Cmd
	exited  chan struct{}
	output  *bytes.Buffer
	stopped bool
}

// Start starts redis-server on a free loopback port with persistence off
// and extra arguments added (e.g. "--cluster-enabled", "yes"), waits until
// it answers PING, and kills it when the test ends.
func Start(tb testing.TB, extra ...string) *Server {
	tb.Helper()
	s := &Server{tb: tb, bin: Binary(tb), dir: tb.TempDir()}
	tb.Cleanup(s.Kill)
	var err error
	for range 5 { // another process may take the port between probe and bind
		port, perr := freePort()
		if perr != nil {
			tb.Fatalf("redistest: no free port: %v", perr)
		}
		s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		s.args = append([]string{
			"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
			"--save", "", "--appendonly", "no",
			"--dir", s.dir, "--loglevel", "warning",
		}, extra...)
		if err = s.start(); err == nil {
			return s
		}
	}
	tb.Fatalf("redistest: redis-server did not start: %v", err)
	return nil
}

// StartCluster starts a one-node Redis Cluster that owns every slot, so
// multi-key commands on keys of different slots fail with CROSSSLOT as on
// a real cluster.
func StartCluster(tb testing.TB) *Server {
	tb.Helper()
	s := Start(tb, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf")
	if _, err := s.Do("CLUSTER", "ADDSLOTSRANGE", "0", "16383"); err != nil {
		tb.Fatalf("redistest: assigning slots: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		info, err := s.Do("CLUSTER", "INFO")
		if err == nil && strings.Contains(info, "cluster_state:ok") {
			return s
		}
		if time.Now().After(deadline) {
			tb.Fatalf("redistest: cluster not ready: %q %v", info, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cmd := exec.Command(s.bin, s.args...)
	cmd.Dir = s.dir
	s.output = &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = s.output, s.output
	if err := cmd.Start(); err != nil {
		return err
	}
	s.cmd, s.exited, s.stopped = cmd, make(chan struct{}), false
	exited := s.exited
	go func() { cmd.Wait(); close(exited) }()
	deadline := time.Now().Add(10 * time.Second)
	ours := "process_id:" + strconv.Itoa(cmd.Process.Pid) + "\r\n"
	for {
		// The server that answers must be this one: another test's may
		// have taken the port first, and this one then exits, unable to
		// bind it.
		if info, err := s.do("INFO", "server"); err == nil && strings.Contains(info, ours) {
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("redis-server exited: %s", s.output)
		default:
		}
		if time.Now().After(deadline) {
			s.killLocked()
			return errors.New("redis-server did not answer PING within 10s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Kill stops the server with SIGKILL and waits for it to exit. It is safe
// to call more than once; Start registers it with t.Cleanup.
func (s *Server) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.killLocked()
}

func (s *Server) killLocked() {
	if s.cmd == nil || s.stopped {
		return
	}
	s.stopped = true
	s.cmd.Process.Signal(syscall.SIGCONT) // a paused process dies too
	s.cmd.Process.Kill()
	<-s.exited
	if s.tb.Failed() && s.output.Len() > 0 {
		s.tb.Logf("redis-server %s output:\n%s", s.Addr, s.output)
	}
}

// Restart starts the server again on the same port, after Kill.
func (s *Server) Restart() {
	s.tb.Helper()
	s.Kill()
	var err error
	for range 50 { // the port may linger briefly
		if err = s.start(); err == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.tb.Fatalf("redistest: restarting redis-server: %v", err)
}

// Pause stops the process (SIGSTOP): connections stay open but nothing
// answers, like a hung server. Resume continues it.
func (s *Server) Pause() { s.signal(syscall.SIGSTOP) }

// Resume continues a paused server.
func (s *Server) Resume() { s.signal(syscall.SIGCONT) }

func (s *Server) signal(sig syscall.Signal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil && !s.stopped {
		s.cmd.Process.Signal(sig)
	}
}

// Do sends one command and returns its reply: a simple or bulk string, an
// integer as text, or the elements of an array joined by newlines. A Redis
// error reply is returned as an error. It is for test set-up; the code
// under test uses its own client.
func (s *Server) Do(args ...string) (string, error) { return s.do(args...) }

func (s *Server) do(args ...string) (string, error) {
	conn, err := net.DialTimeout("tcp", s.Addr, time.Second)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := conn.Write([]byte(b.String())); err != nil {
		return "", err
	}
	return readReply(bufio.NewReader(conn))
}

func readReply(r *bufio.Reader) (string, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return "", err
	}
	line = strings.TrimSuffix(line, "\r\n")
	if line == "" {
		return "", errors.New("redistest: empty reply")
	}
	switch line[0] {
	case '+', ':':
		return line[1:], nil
	case '-':
		return "", errors.New(line[1:])
	case '$':
		n, err := strconv.Atoi(line[1:])
		if err != nil || n < 0 {
			return "", err
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return "", err
		}
		return string(buf[:n]), nil
	case '*':
		n, err := strconv.Atoi(line[1:])
		if err != nil {
			return "", err
		}
		parts := make([]string, 0, max(n, 0))
		for range n {
			p, err := readReply(r)
			if err != nil {
				return "", err
			}
			parts = append(parts, p)
		}
		return strings.Join(parts, "\n"), nil
	}
	return "", fmt.Errorf("redistest: unexpected reply %q", line)
}
