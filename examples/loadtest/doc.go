// Package loadtest puts the demo API under load on loopback, bounded in
// count and time:
//
//	go test ./examples/loadtest -run x -bench Load -benchtime 3s -count 6 | tee load.txt
//	benchstat -col /stack load.txt
//
// BenchmarkLoad compares the throughput of the full middleware stack with
// the same server's bare chi route over real HTTP connections.
// TestTwoInstancesShareOneLimit runs two instances of the demo API on one
// real redis-server and checks that exactly the limit is allowed across
// both under concurrent clients.
package loadtest
