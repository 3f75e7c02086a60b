package loadtest

import (
	"bytes"
	"flag"
	"os/exec"
	"regexp"
	"strconv"
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
func BenchmarkWrk(b *testing.B) {
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		b.Skip("wrk is not installed: apt-get install wrk")
	}
	srv := server(b)
	auth := token(b, secret, "cloud:read")
	routes := []string{"bare", "headers", "stack"}
	for _, conns := range []int{16, 64, 256} {
		b.Run("conns="+strconv.Itoa(conns), func(b *testing.B) {
			rps := make([]float64, len(routes))
			for i := 0; b.Loop(); i++ {
				for j := range routes {
					k := (i + j) % len(routes)
					rps[k] += runWrk(b, wrk, srv.URL+"/"+routes[k], conns, auth)
				}
			}
			for k, route := range routes {
				b.ReportMetric(rps[k]/float64(b.N), route+"-req/s")
			}
			b.ReportMetric(100*rps[2]/rps[0], "%-of-bare")
			b.ReportMetric(100*rps[2]/rps[1], "%-of-headers")
		})
	}
}

var (
	wrkRate   = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkErrors = regexp.MustCompile(`(Non-2xx or 3xx responses|Socket errors):[^\n]*`)
)

// runWrk runs wrk on url with one thread and conns connections, and
// returns its requests per second.
func runWrk(b *testing.B, wrk, url string, conns int, auth string) float64 {
	b.Helper()
	var out bytes.Buffer
	cmd := exec.Command(wrk, "-t1", "-c"+strconv.Itoa(conns), "-d"+wrkDuration.String(),
		"-H", "Authorization: "+auth, "-H", "Accept: application/json", url)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		b.Fatalf("wrk: %v\n%s", err, out.String())
	}
	if m := wrkErrors.FindString(out.String()); m != "" {
		b.Fatalf("wrk reports %s\n%s", m, out.String())
	}
	m := wrkRate.FindStringSubmatch(out.String())
	if m == nil {
		b.Fatalf("no Requests/sec in wrk's output:\n%s", out.String())
	}
	rps, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		b.Fatal(err)
	}
	return rps
}
