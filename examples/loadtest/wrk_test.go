package loadtest

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

var wrkDuration = flag.Duration("wrk.duration", 3*time.Second, "how long BenchmarkWrk runs wrk per case")

// BenchmarkWrk drives the bare route, the bare route sending the stack's
// headers, and the recommended stack with wrk (apt-get install wrk) over
// keep-alive loopback connections, 16, 64 and 256 at a time. Each
// iteration runs wrk on the three routes, one after the other in rotating
// order, so that they see the same load on the machine; it reports their
// req/s and the stack's share of the other two's throughput:
//
//	go test ./examples/loadtest -run x -bench Wrk -count 6 | tee wrk.txt
//	benchstat wrk.txt
//
// %-of-bare is what the stack keeps of the bare route's throughput;
// %-of-headers what it keeps of the bare route that sends the same
// response headers, the share of the middlewares alone. Each wrk run lasts
// -wrk.duration; it fails if any response is not a 200 or any socket
// error is reported.
//
// On a small or shared machine wrk takes CPU from the server and req/s
// swings with the neighbours' load. The server's own CPU time per request
// (<route>-cpu-µs/req, from getrusage around each run) does not, and
// %-cpu-of-bare, the bare route's CPU per request over the stack's, is the
// throughput share the stack keeps where the server is the bottleneck.
// Started under taskset (taskset -c 0 go test ...), the benchmark runs wrk
// on the CPUs the server may not use, so that the two do not compete.
func BenchmarkWrk(b *testing.B) {
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		b.Skip("wrk is not installed: apt-get install wrk")
	}
	cmd := []string{wrk}
	if cpus := otherCPUs(); cpus != "" {
		if taskset, err := exec.LookPath("taskset"); err == nil {
			cmd = []string{taskset, "-c", cpus, wrk}
			b.Logf("wrk runs on CPUs %s, apart from the server", cpus)
		}
	}
	srv := server(b)
	auth := token(b, secret, "cloud:read")
	routes := []string{"bare", "headers", "stack"}
	for _, conns := range []int{16, 64, 256} {
		b.Run("conns="+strconv.Itoa(conns), func(b *testing.B) {
			rps := make([]float64, len(routes))
			cpu := make([]time.Duration, len(routes))
			served := make([]int64, len(routes))
			for i := 0; b.Loop(); i++ {
				for j := range routes {
					k := (i + j) % len(routes)
					before := processCPU(b)
					r, n := runWrk(b, cmd, srv.URL+"/"+routes[k], conns, auth)
					cpu[k] += processCPU(b) - before
					rps[k] += r
					served[k] += n
				}
			}
			perRequest := make([]float64, len(routes))
			for k, route := range routes {
				perRequest[k] = float64(cpu[k].Microseconds()) / float64(served[k])
				b.ReportMetric(rps[k]/float64(b.N), route+"-req/s")
				b.ReportMetric(perRequest[k], route+"-cpu-µs/req")
			}
			b.ReportMetric(100*rps[2]/rps[0], "%-of-bare")
			b.ReportMetric(100*rps[2]/rps[1], "%-of-headers")
			b.ReportMetric(100*perRequest[0]/perRequest[2], "%-cpu-of-bare")
		})
	}
}

// processCPU is the user and system CPU time this process (the server)
// has used so far; wrk, a child, is not counted.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// otherCPUs lists, for taskset, the CPUs this process may not run on, or
// "" when it may run on all of them (or Linux does not say).
func otherCPUs() string {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return ""
	}
	m := regexp.MustCompile(`(?m)^Cpus_allowed_list:\s*(\S+)$`).FindSubmatch(status)
	if m == nil {
		return ""
	}
	allowed := map[int]bool{}
	for _, part := range strings.Split(string(m[1]), ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		first, err1 := strconv.Atoi(lo)
		last, err2 := first, error(nil)
		if isRange {
			last, err2 = strconv.Atoi(hi)
		}
		if err1 != nil || err2 != nil {
			return ""
		}
		for c := first; c <= last; c++ {
			allowed[c] = true
		}
	}
	var others []string
	for c := range runtime.NumCPU() + 64 { // NumCPU counts the allowed CPUs only
		if !allowed[c] && cpuOnline(c) {
			others = append(others, strconv.Itoa(c))
		}
	}
	return strings.Join(others, ",")
}

func cpuOnline(c int) bool {
	_, err := os.Stat("/sys/devices/system/cpu/cpu" + strconv.Itoa(c))
	return err == nil
}

var (
	wrkRate   = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkCount  = regexp.MustCompile(`(\d+) requests in`)
	wrkErrors = regexp.MustCompile(`(Non-2xx or 3xx responses|Socket errors):[^\n]*`)
)

// runWrk runs wrk (the command line in wrk) on url with one thread and
// conns connections, and returns its requests per second and count.
func runWrk(b *testing.B, wrk []string, url string, conns int, auth string) (rps float64, requests int64) {
	b.Helper()
	var out bytes.Buffer
	args := append(wrk[1:len(wrk):len(wrk)], "-t1", "-c"+strconv.Itoa(conns), "-d"+wrkDuration.String(),
		"-H", "Authorization: "+auth, "-H", "Accept: application/json", url)
	cmd := exec.Command(wrk[0], args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		b.Fatalf("wrk: %v\n%s", err, out.String())
	}
	if m := wrkErrors.FindString(out.String()); m != "" {
		b.Fatalf("wrk reports %s\n%s", m, out.String())
	}
	m, n := wrkRate.FindStringSubmatch(out.String()), wrkCount.FindStringSubmatch(out.String())
	if m == nil || n == nil {
		b.Fatalf("no Requests/sec or request count in wrk's output:\n%s", out.String())
	}
	rps, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		b.Fatal(err)
	}
	if requests, err = strconv.ParseInt(n[1], 10, 64); err != nil || requests == 0 {
		b.Fatalf("wrk counted %q requests:\n%s", n[1], out.String())
	}
	return rps, requests
}
