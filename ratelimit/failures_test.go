package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/middleware/auth"
	"github.com/chiguard/chiguard/problem"
)

// keyVerifier accepts the API key "good", answers "down" as unavailable
// and refuses every other key, counting its calls. With hold set, each
// call first announces itself on entered and waits for hold to yield.
type keyVerifier struct {
	calls   atomic.Int64
	inside  atomic.Int64
	most    atomic.Int64 // the most calls in progress at once
	entered chan struct{}
	hold    chan struct{}
}

func (v *keyVerifier) Verify(_ context.Context, key string) (auth.Principal, error) {
	v.calls.Add(1)
	n := v.inside.Add(1)
	defer v.inside.Add(-1)
	for m := v.most.Load(); n > m && !v.most.CompareAndSwap(m, n); m = v.most.Load() {
	}
	if v.hold != nil {
		v.entered <- struct{}{}
		<-v.hold
	}
	switch key {
	case "good":
		return auth.Principal{Subject: "app", ClientID: "app", Kind: auth.KindApp}, nil
	case "down":
		return auth.Principal{}, fmt.Errorf("%w: key store unreachable", auth.ErrVerifierUnavailable)
	}
	return auth.Principal{}, auth.ErrUnknownAPIKey
}

// guarded is GET /items/{id} behind a quiet problem writer and Authenticate
// with API keys checked by v, throttled by f.
func guarded(f *FailureLimiter, v auth.Verifier, opts ...auth.Option) http.Handler {
	opts = append([]auth.Option{auth.APIKey(v), auth.ThrottleFailures(f)}, opts...)
	quiet := &problem.Writer{Logger: slog.New(slog.DiscardHandler)}
	return quiet.Handler(router(auth.Authenticate(opts...)))
}

func apiKey(k string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Add("Authorization", "ApiKey "+k) }
}

func newFailureLimiter(t testing.TB, quota int, opts ...Option) (*FailureLimiter, *testkit.Clock) {
	t.Helper()
	lc, clk := fakeCounter(t0.Add(24 * time.Second))
	f, err := NewFailureLimiter(Policy{Quota: quota, Window: time.Minute}, append([]Option{CountIn(lc)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return f, clk
}

// inProgress counts the clients with a gate open, for tests.
func (f *FailureLimiter) inProgress() int {
	n := 0
	for i := range f.shards {
		sh := &f.shards[i]
		sh.mu.Lock()
		n += len(sh.gates)
		sh.mu.Unlock()
	}
	return n
}

func TestFailureLimiterThrottlesAClientThatKeepsFailing(t *testing.T) {
	f, clk := newFailureLimiter(t, 3)
	v := &keyVerifier{}
	h := guarded(f, v)
	const client, other = "192.0.2.1:1000", "192.0.2.2:1000"

	for i, wantR := range []int64{2, 1, 0} {
		w := do(h, "/other", client, apiKey(fmt.Sprint("guess", i)))
		if w.Code != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d, want 401", i+1, w.Code)
		}
		if got := fields(t, w)["auth-failures"][0]; got != wantR {
			t.Errorf("guess %d: 401 with r=%d, want %d", i+1, got, wantR)
		}
		if got := w.Header().Get("RateLimit-Policy"); got != `"auth-failures";q=3;w=60` {
			t.Errorf("guess %d: RateLimit-Policy %q", i+1, got)
		}
	}

	w := do(h, "/other", client, apiKey("guess3"))
	if w.Code != http.StatusTooManyRequests {
		t.Fatalf("guess 4: %d, want 429", w.Code)
	}
	b := body(t, w)
	if b["type"] != problem.QuotaExceededURI || b["status"] != 429.0 || !reflect.DeepEqual(b["violated-policies"], []any{"auth-failures"}) {
		t.Errorf("problem %v", b)
	}
	ra := retryAfter(t, w)
	if f := fields(t, w)["auth-failures"]; f[0] != 0 || f[1] != ra {
		t.Errorf("RateLimit r=%d t=%d, want r=0 t=Retry-After=%d", f[0], f[1], ra)
	}
	if w.Header().Get("RateLimit-Policy") == "" || w.Header().Get("WWW-Authenticate") != "" {
		t.Errorf("429 headers %v", w.Header())
	}

	if w := do(h, "/other", client, apiKey("good")); w.Code != http.StatusTooManyRequests {
		t.Errorf("the right key from a throttled client: %d, want 429 unchecked", w.Code)
	}
	if n := v.calls.Load(); n != 3 {
		t.Errorf("verifier called %d times, want 3", n)
	}
	if w := do(h, "/other", client); w.Code != http.StatusUnauthorized || w.Header().Get("RateLimit") != "" {
		t.Errorf("no credentials from a throttled client: %d %q, want Authenticate's plain 401", w.Code, w.Header().Get("RateLimit"))
	}
	if w := do(h, "/other", other, apiKey("guess")); w.Code != http.StatusUnauthorized {
		t.Errorf("another client's guess: %d, want 401", w.Code)
	}
	if w := do(h, "/other", other, apiKey("good")); w.Code != http.StatusOK {
		t.Errorf("another client's key: %d, want 200", w.Code)
	}

	// Retry-After later one failure is allowed again, and the right key
	// does not spend it.
	clk.Advance(time.Duration(ra) * time.Second)
	for i, tt := range []struct {
		key  string
		want int
	}{{"good", 200}, {"good", 200}, {"guess4", 401}, {"good", 429}} {
		if w := do(h, "/other", client, apiKey(tt.key)); w.Code != tt.want {
			t.Errorf("after Retry-After, request %d (%s): %d, want %d", i+1, tt.key, w.Code, tt.want)
		}
	}
	if n := f.inProgress(); n != 0 {
		t.Errorf("%d gates left open", n)
	}
}

func TestFailureLimiterCountsOnlyFailures(t *testing.T) {
	tests := []struct {
		name    string
		auth    []string
		counted bool
	}{
		{"right key", []string{"ApiKey good"}, false},
		{"verifier unavailable", []string{"ApiKey down"}, false},
		{"no credentials", nil, false},
		{"unknown key", []string{"ApiKey guess"}, true},
		{"malformed key", []string{`ApiKey a"b`}, true},
		{"unsupported scheme", []string{"Basic YWxpY2U6c2VjcmV0"}, true},
		{"two credentials", []string{"ApiKey good", "ApiKey good"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := newFailureLimiter(t, 2)
			h := guarded(f, &keyVerifier{}, auth.AllowAnonymous())
			send := func(r *http.Request) {
				for _, a := range tt.auth {
					r.Header.Add("Authorization", a)
				}
			}
			for range 50 {
				do(h, "/other", "192.0.2.1:1", send)
			}
			want := http.StatusUnauthorized
			if tt.counted {
				want = http.StatusTooManyRequests
			}
			if w := do(h, "/other", "192.0.2.1:1", apiKey("guess")); w.Code != want {
				t.Errorf("a guess after 50 such requests: %d, want %d", w.Code, want)
			}
		})
	}
}

func TestFailureLimiterKeysClientsByIPAndIPv6By64(t *testing.T) {
	tests := []struct {
		name    string
		opts    []Option
		failing string
		client  string
		want    int
	}{
		{"same IPv4", nil, "192.0.2.1:1000", "192.0.2.1:2000", 429},
		{"other IPv4", nil, "192.0.2.1:1000", "192.0.2.2:1000", 200},
		{"same IPv6 /64", nil, "[2001:db8:1:2::1]:1000", "[2001:db8:1:2:ffff:ffff:ffff:ffff]:1000", 429},
		{"other IPv6 /64", nil, "[2001:db8:1:2::1]:1000", "[2001:db8:1:3::1]:1000", 200},
		{"IPv4-mapped IPv6 is the IPv4", nil, "192.0.2.1:1000", "[::ffff:192.0.2.1]:1000", 429},
		{"IPv4 through NAT64: another IPv4", nil, "[64:ff9b::c000:201]:1000", "[64:ff9b::c633:6401]:1000", 200},
		{"IPv4 through NAT64 is the IPv4", nil, "192.0.2.1:1000", "[64:ff9b::192.0.2.1]:1000", 429},
		{"KeyBy(ByIPPrefix(24, 48)): same /24", []Option{KeyBy(ByIPPrefix(24, 48))}, "192.0.2.1:1000", "192.0.2.200:1000", 429},
		{"KeyBy(ByIPPrefix(24, 48)): same /48", []Option{KeyBy(ByIPPrefix(24, 48))}, "[2001:db8:1:2::1]:1000", "[2001:db8:1:ff::1]:1000", 429},
		{"KeyBy(ByIPPrefix(24, 48)): other /24", []Option{KeyBy(ByIPPrefix(24, 48))}, "192.0.2.1:1000", "192.0.3.1:1000", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := newFailureLimiter(t, 2, tt.opts...)
			h := guarded(f, &keyVerifier{})
			for range 2 {
				do(h, "/other", tt.failing, apiKey("guess"))
			}
			if w := do(h, "/other", tt.client, apiKey("good")); w.Code != tt.want {
				t.Errorf("%d, want %d", w.Code, tt.want)
			}
		})
	}
}

// Parallel guesses do not slip through before the count updates: exactly
// the quota's worth reach the verifier.
func TestFailureLimiterRunsExactlyTheQuotaOfParallelGuesses(t *testing.T) {
	const quota, guesses = 5, 40
	f, _ := newFailureLimiter(t, quota)
	v := &keyVerifier{entered: make(chan struct{}, guesses), hold: make(chan struct{})}
	h := guarded(f, v)
	var codes sync.Map
	var wg sync.WaitGroup
	for i := range guesses {
		wg.Go(func() {
			w := do(h, "/other", "192.0.2.1:1", apiKey(fmt.Sprint("guess", i)))
			n, _ := codes.LoadOrStore(w.Code, new(atomic.Int64))
			n.(*atomic.Int64).Add(1)
		})
	}
	for range quota {
		<-v.entered // the quota's worth are checking; the others wait or are refused
	}
	close(v.hold)
	wg.Wait()
	count := func(code int) int64 {
		n, ok := codes.Load(code)
		if !ok {
			return 0
		}
		return n.(*atomic.Int64).Load()
	}
	if v.calls.Load() != quota || count(401) != quota || count(429) != guesses-quota {
		t.Errorf("verifier called %d times, %d 401s, %d 429s; want %d, %d, %d",
			v.calls.Load(), count(401), count(429), quota, quota, guesses-quota)
	}
	if n := f.inProgress(); n != 0 {
		t.Errorf("%d gates left open", n)
	}
}

// A client whose checks succeed is never refused: beyond its failures
// left, its checks wait for one another.
func TestFailureLimiterDelaysButNeverRefusesAClientThatSucceeds(t *testing.T) {
	const quota, requests = 2, 12
	f, _ := newFailureLimiter(t, quota)
	v := &keyVerifier{entered: make(chan struct{}), hold: make(chan struct{})}
	h := guarded(f, v)
	var ok atomic.Int64
	var wg sync.WaitGroup
	for range requests {
		wg.Go(func() {
			if do(h, "/other", "192.0.2.1:1", apiKey("good")).Code == http.StatusOK {
				ok.Add(1)
			}
		})
	}
	for range requests {
		<-v.entered
		v.hold <- struct{}{}
	}
	wg.Wait()
	if ok.Load() != requests {
		t.Errorf("%d of %d served", ok.Load(), requests)
	}
	if m := v.most.Load(); m > quota {
		t.Errorf("%d checks in progress at once, want at most %d", m, quota)
	}
}

// A request waiting for a check to end gives up with its context, and
// leaves nothing behind.
func TestFailureLimiterWaitEndsWithTheRequest(t *testing.T) {
	f, _ := newFailureLimiter(t, 1)
	v := &keyVerifier{entered: make(chan struct{}), hold: make(chan struct{})}
	h := guarded(f, v)
	first := make(chan int)
	go func() { first <- do(h, "/other", "192.0.2.1:1", apiKey("good")).Code }()
	<-v.entered

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	w := do(h, "/other", "192.0.2.1:1", apiKey("good"), func(r *http.Request) { *r = *r.WithContext(ctx) })
	if w.Code != http.StatusTooManyRequests || retryAfter(t, w) != 1 {
		t.Errorf("a cancelled request waiting: %d Retry-After %q, want 429 and 1", w.Code, w.Header().Get("Retry-After"))
	}
	v.hold <- struct{}{}
	if code := <-first; code != http.StatusOK {
		t.Errorf("the request checking: %d, want 200", code)
	}
	if n := f.inProgress(); n != 0 {
		t.Errorf("%d gates left open", n)
	}
}

func TestFailureLimiterFailsClosedOrOpen(t *testing.T) {
	badKey := KeyFrom(func(*http.Request) (string, error) { return "", errors.New("secret-internal-detail") })
	tests := []struct {
		name     string
		opts     []Option
		key      string
		want     int
		checking bool
	}{
		{"counter error fails closed", []Option{CountIn(failingCounter{})}, "good", 503, false},
		{"key error fails closed", []Option{KeyBy(badKey)}, "good", 503, false},
		{"counter error fails open", []Option{CountIn(failingCounter{}), FailOpen()}, "good", 200, true},
		{"key error fails open: a guess is checked", []Option{KeyBy(badKey), FailOpen()}, "guess", 401, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := append(tt.opts, Logger(slog.New(slog.DiscardHandler)))
			f, err := NewFailureLimiter(Policy{Quota: 1, Window: time.Minute}, opts...)
			if err != nil {
				t.Fatal(err)
			}
			v := &keyVerifier{}
			h := guarded(f, v)
			for range 3 {
				w := do(h, "/other", "192.0.2.1:1", apiKey(tt.key))
				if w.Code != tt.want || strings.Contains(w.Body.String(), "secret") {
					t.Fatalf("%d %s, want %d", w.Code, w.Body, tt.want)
				}
			}
			if (v.calls.Load() > 0) != tt.checking {
				t.Errorf("verifier called %d times", v.calls.Load())
			}
		})
	}
}

func TestNewFailureLimiterRejectsBadConfiguration(t *testing.T) {
	tests := []struct {
		name string
		p    Policy
		opts []Option
		want error
	}{
		{"zero quota", Policy{Window: time.Minute}, nil, ErrInvalidPolicy},
		{"Cost", Policy{Quota: 1, Window: time.Minute}, []Option{Cost(func(*http.Request) int { return 2 })}, ErrInvalidConfig},
		{"nil key", Policy{Quota: 1, Window: time.Minute}, []Option{KeyBy(nil)}, ErrInvalidConfig},
		{"two policies of one name", Policy{Quota: 1, Window: time.Minute},
			[]Option{AndPolicy(Policy{Name: "auth-failures", Quota: 5, Window: time.Hour})}, ErrInvalidPolicy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewFailureLimiter(tt.p, tt.opts...); !errors.Is(err, tt.want) {
				t.Errorf("error %v, want %v", err, tt.want)
			}
		})
	}
	defer func() {
		if err, _ := recover().(error); !errors.Is(err, ErrInvalidPolicy) || !strings.Contains(err.Error(), "quota 0") {
			t.Errorf("LimitFailures(0, time.Minute) panicked with %v, want ErrInvalidPolicy naming the quota", err)
		}
	}()
	LimitFailures(0, time.Minute)
}

// With AndPolicy a client is held back by whichever policy runs out first.
func TestFailureLimiterEnforcesEveryPolicy(t *testing.T) {
	f, clk := newFailureLimiter(t, 3, AndPolicy(Policy{Name: "hourly", Quota: 4, Window: time.Hour}))
	h := guarded(f, &keyVerifier{})
	codes := func(n int) (out []int) {
		for range n {
			out = append(out, do(h, "/other", "192.0.2.1:1", apiKey("guess")).Code)
		}
		return out
	}
	if got := codes(4); !reflect.DeepEqual(got, []int{401, 401, 401, 429}) {
		t.Fatalf("first minute: %v", got)
	}
	clk.Advance(2 * time.Minute)
	w := do(h, "/other", "192.0.2.1:1", apiKey("guess"))
	if w.Code != 401 || fields(t, w)["hourly"][0] != 0 {
		t.Fatalf("two minutes later: %d %v, want the hourly policy's last failure", w.Code, fields(t, w))
	}
	w = do(h, "/other", "192.0.2.1:1", apiKey("guess"))
	if v := body(t, w)["violated-policies"]; w.Code != 429 || !reflect.DeepEqual(v, []any{"hourly"}) {
		t.Errorf("%d violated-policies %v, want 429 [hourly]", w.Code, v)
	}
}

// A LimitFailures option is a working Authenticate option by itself.
func TestLimitFailuresIsOneAuthenticateOption(t *testing.T) {
	v := &keyVerifier{}
	h := router(auth.Authenticate(auth.APIKey(v), LimitFailures(2, time.Minute)))
	var got []int
	for _, k := range []string{"a", "b", "c", "good"} {
		got = append(got, do(h, "/other", "192.0.2.1:1", apiKey(k)).Code)
	}
	if !reflect.DeepEqual(got, []int{401, 401, 429, 429}) || v.calls.Load() != 2 {
		t.Errorf("statuses %v after %d checks, want [401 401 429 429] after 2", got, v.calls.Load())
	}
}

var _ auth.Throttle = (*FailureLimiter)(nil)
