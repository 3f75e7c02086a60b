package ratelimit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/problem"
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/httprate"
)

func TestLimitServesQuotaThenAnswersQuotaExceeded(t *testing.T) {
	lc, _ := fakeCounter(t0.Add(42 * time.Second))
	h := router(limitNamed("burst", 3, time.Minute, CountIn(lc)))

	for i, wantR := range []int64{2, 1, 0} {
		w := do(h, "/items/1", "192.0.2.1:1000")
		if w.Code != http.StatusOK || w.Body.String() != "ok" {
			t.Fatalf("request %d: %d %q, want 200 ok", i+1, w.Code, w.Body)
		}
		if got := w.Header().Get("RateLimit-Policy"); got != `"burst";q=3;w=60` {
			t.Errorf("request %d: RateLimit-Policy %q", i+1, got)
		}
		f := fields(t, w)["burst"]
		if f[0] != wantR {
			t.Errorf("request %d: r=%d, want %d", i+1, f[0], wantR)
		}
		if wantR > 0 && f[1] != 18 { // 18s left in the window
			t.Errorf("request %d: t=%d, want 18", i+1, f[1])
		}
	}

	w := do(h, "/items/1", "192.0.2.1:1000")
	if w.Code != http.StatusTooManyRequests {
		t.Fatalf("request 4: %d, want 429", w.Code)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q", ct)
	}
	b := body(t, w)
	quota, _ := problem.DefaultCatalog.Lookup(problem.TypeQuotaExceeded)
	if b["type"] != problem.QuotaExceededURI || b["title"] != quota.Title || b["status"] != 429.0 {
		t.Errorf("problem %v", b)
	}
	if !reflect.DeepEqual(b["violated-policies"], []any{"burst"}) {
		t.Errorf("violated-policies %v, want [burst]", b["violated-policies"])
	}
	ra := retryAfter(t, w)
	if f := fields(t, w)["burst"]; f[0] != 0 || f[1] != ra {
		t.Errorf("429 RateLimit r=%d t=%d, want r=0 t=Retry-After=%d", f[0], f[1], ra)
	}
	if w.Header().Get("RateLimit-Policy") == "" {
		t.Error("429 without RateLimit-Policy")
	}

	if w := do(h, "/items/1", "192.0.2.2:1000"); w.Code != http.StatusOK {
		t.Errorf("another client: %d, want 200", w.Code)
	}
}

// After a refusal, waiting Retry-After seconds is enough and one second
// less is not: Retry-After is the real time until the quota returns.
func TestRetryAfterIsTheTimeUntilEnoughQuotaReturns(t *testing.T) {
	tests := []struct {
		name        string
		quota, cost int
		window      time.Duration
		first       time.Duration // into the window when the quota is used up
		prevUse     int           // units taken in the window before
		wantRetry   int64
	}{
		{"used up in this window: next window, weighted", 10, 1, time.Minute, 30 * time.Second, 0, 36},
		{"previous window still weighs", 10, 1, time.Minute, 0, 10, 6},
		{"cost 4 waits longer than cost 1", 10, 4, time.Minute, 30 * time.Second, 0, 54},
		{"sub-second wait rounds up to 1", 1000, 1, time.Second, 0, 1000, 1},
		{"hour window", 100, 1, time.Hour, 10 * time.Minute, 0, 3036},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := t0
			if tt.window == time.Hour {
				start = time.Unix(1_699_999_200, 0) // an hour starts
			}
			lc, clk := fakeCounter(start)
			h := router(Limit(tt.quota, tt.window, CountIn(lc), Cost(func(*http.Request) int { return tt.cost })))
			one := router(Limit(tt.quota, tt.window, CountIn(lc))) // same counter and policy, cost 1
			for range tt.prevUse {
				do(one, "/other", "192.0.2.1:1")
			}
			clk.Advance(tt.window + tt.first)
			for do(one, "/other", "192.0.2.1:1").Code == http.StatusOK {
			}
			w := do(h, "/other", "192.0.2.1:1")
			if w.Code != http.StatusTooManyRequests {
				t.Fatalf("%d, want 429", w.Code)
			}
			ra := retryAfter(t, w)
			if ra != tt.wantRetry {
				t.Errorf("Retry-After %d, want %d", ra, tt.wantRetry)
			}
			if ra > 1 {
				clk.Advance(time.Duration(ra-1) * time.Second)
				if w := do(h, "/other", "192.0.2.1:1"); w.Code != http.StatusTooManyRequests {
					t.Fatalf("a second before Retry-After: %d, want 429", w.Code)
				}
				clk.Advance(time.Second)
			} else {
				clk.Advance(time.Duration(ra) * time.Second)
			}
			if w := do(h, "/other", "192.0.2.1:1"); w.Code != http.StatusOK {
				t.Fatalf("after Retry-After: %d, want 200", w.Code)
			}
		})
	}
}

func TestSeveralPoliciesAreEnforcedTogether(t *testing.T) {
	lc, clk := fakeCounter(t0)
	h := router(limitNamed("burst", 2, time.Second, CountIn(lc),
		AndPolicy(Policy{Name: "daily", Quota: 3, Window: 24 * time.Hour})))

	w := do(h, "/other", "192.0.2.1:1")
	if got := w.Header().Get("RateLimit-Policy"); got != `"burst";q=2;w=1, "daily";q=3;w=86400` {
		t.Errorf("RateLimit-Policy %q", got)
	}
	if f := fields(t, w); f["burst"][0] != 1 || f["daily"][0] != 2 {
		t.Errorf("RateLimit %v, want burst r=1, daily r=2", f)
	}
	do(h, "/other", "192.0.2.1:1")
	w = do(h, "/other", "192.0.2.1:1")
	if w.Code != http.StatusTooManyRequests {
		t.Fatalf("third request in a second: %d, want 429", w.Code)
	}
	if v := body(t, w)["violated-policies"]; !reflect.DeepEqual(v, []any{"burst"}) {
		t.Errorf("violated-policies %v, want [burst]", v)
	}
	if f := fields(t, w); f["daily"][0] != 1 {
		t.Errorf("a refused request was charged to the daily quota: %v", f)
	}

	clk.Advance(3 * time.Second)
	if w := do(h, "/other", "192.0.2.1:1"); w.Code != http.StatusOK {
		t.Fatalf("after the burst window: %d, want 200", w.Code)
	}
	clk.Advance(3 * time.Second)
	w = do(h, "/other", "192.0.2.1:1")
	if w.Code != http.StatusTooManyRequests {
		t.Fatalf("fourth request of the day: %d, want 429", w.Code)
	}
	if v := body(t, w)["violated-policies"]; !reflect.DeepEqual(v, []any{"daily"}) {
		t.Errorf("violated-policies %v, want [daily]", v)
	}
	// t0+6s is 79986s into its day: 6414s to its end, then the day's 3
	// units weigh until 2 of 3 are gone, a third of the next day.
	if ra := retryAfter(t, w); ra != 6414+28800 {
		t.Errorf("Retry-After %d, want %d", ra, 6414+28800)
	}
}

// Limiters stacked on one route each add their members to the fields.
func TestStackedLimitersAddToTheFields(t *testing.T) {
	h := router(func(next http.Handler) http.Handler {
		return limitNamed("a", 5, time.Second)(limitNamed("b", 9, time.Hour)(next))
	})
	w := do(h, "/other", "192.0.2.1:1")
	if got := w.Header().Values("RateLimit-Policy"); !reflect.DeepEqual(got, []string{`"a";q=5;w=1`, `"b";q=9;w=3600`}) {
		t.Errorf("RateLimit-Policy %q", got)
	}
	if f := fields(t, w); f["a"][0] != 4 || f["b"][0] != 8 {
		t.Errorf("RateLimit %v", f)
	}
}

func TestLegacyHeadersDescribeTheTightestPolicy(t *testing.T) {
	lc, _ := fakeCounter(t0)
	h := router(Limit(10, time.Minute, CountIn(lc), LegacyHeaders(),
		AndPolicy(Policy{Name: "small", Quota: 2, Window: time.Hour})))
	w := do(h, "/other", "192.0.2.1:1")
	hd := w.Header()
	if hd.Get("X-RateLimit-Limit") != "2" || hd.Get("X-RateLimit-Remaining") != "1" || hd.Get("X-RateLimit-Reset") == "" {
		t.Errorf("legacy headers %v", hd)
	}
	do(h, "/other", "192.0.2.1:1")
	w = do(h, "/other", "192.0.2.1:1")
	if w.Header().Get("X-RateLimit-Remaining") != "0" {
		t.Errorf("429 X-RateLimit-Remaining %q, want 0", w.Header().Get("X-RateLimit-Remaining"))
	}
	if h := router(Limit(1, time.Minute)); do(h, "/other", "").Header().Get("X-RateLimit-Limit") != "" {
		t.Error("legacy headers sent without the option")
	}
}

func TestCostTakesSeveralUnits(t *testing.T) {
	cost := func(r *http.Request) int {
		if r.URL.Query().Get("bulk") != "" {
			return 4
		}
		return 1
	}
	h := router(Limit(5, time.Minute, Cost(cost)))
	if f := fields(t, do(h, "/other?bulk=1", "")); f["5-per-1m"][0] != 1 {
		t.Errorf("after a bulk request r=%d, want 1", f["5-per-1m"][0])
	}
	if w := do(h, "/other?bulk=1", ""); w.Code != http.StatusTooManyRequests {
		t.Errorf("second bulk request: %d, want 429", w.Code)
	}
	if w := do(h, "/other", ""); w.Code != http.StatusOK {
		t.Errorf("a single unit still fits: %d", w.Code)
	}

	// A huge cost on a key already counted must not wrap around.
	huge := router(Limit(3, time.Minute, Cost(func(r *http.Request) int {
		if r.URL.Query().Get("huge") != "" {
			return math.MaxInt
		}
		return 1
	})))
	do(huge, "/other", "")
	if w := do(huge, "/other?huge=1", ""); w.Code != http.StatusTooManyRequests || fields(t, w)["3-per-1m"][0] != 2 {
		t.Errorf("a huge cost: %d %q, want 429 with the quota untouched", w.Code, w.Header().Get("RateLimit"))
	}

	w := do(router(Limit(3, time.Minute, Cost(func(*http.Request) int { return 4 }))), "/other", "")
	if w.Code != http.StatusTooManyRequests || !strings.Contains(body(t, w)["detail"].(string), "cannot be served") {
		t.Errorf("cost over the quota: %d %s", w.Code, w.Body)
	}
}

func TestConcurrentRequestsNeverOvershoot(t *testing.T) {
	local, _ := fakeCounter(t0) // the clock stands still: no request straddles a window
	foreign, err := NewLimiter(Policy{Quota: 100, Window: time.Hour}, CountInLimitCounter(httprate.NewLocalLimitCounter(time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	foreign.counter.(*limitCounter).now = testkit.NewClock(t0).Now
	limiters := map[string]func(http.Handler) http.Handler{
		"local":                 Limit(100, time.Hour, CountIn(local)),
		"httprate LimitCounter": foreign.Handler,
	}
	for name, mw := range limiters {
		t.Run(name, func(t *testing.T) {
			h := router(mw)
			var served atomic.Int64
			var wg sync.WaitGroup
			for range 16 {
				wg.Go(func() {
					for range 40 {
						if do(h, "/other", "192.0.2.1:1").Code == http.StatusOK {
							served.Add(1)
						}
					}
				})
			}
			wg.Wait()
			if served.Load() != 100 {
				t.Errorf("served %d of 640, want exactly 100", served.Load())
			}
		})
	}
}

// failingCounter fails every Take with an error whose text must not leak.
type failingCounter struct{}

func (failingCounter) Take(context.Context, string, int, []Policy, []Usage) (bool, error) {
	return false, errors.New("dial tcp 10.1.2.3:6379: secret-internal-detail")
}

func TestFailuresFailClosedOrOpenAndNeverLeak(t *testing.T) {
	badKey := KeyFrom(func(*http.Request) (string, error) { return "", errors.New("secret-internal-detail") })
	tests := []struct {
		name       string
		opts       []Option
		wantStatus int
	}{
		{"key error fails closed", []Option{KeyBy(badKey)}, http.StatusServiceUnavailable},
		{"counter error fails closed", []Option{CountIn(failingCounter{})}, http.StatusServiceUnavailable},
		{"key error fails open", []Option{KeyBy(badKey), FailOpen()}, http.StatusOK},
		{"counter error fails open", []Option{CountIn(failingCounter{}), FailOpen()}, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			opts := append(tt.opts, Logger(slog.New(slog.NewTextHandler(&logs, nil))))
			l, err := NewLimiter(Policy{Quota: 10, Window: time.Minute}, opts...)
			if err != nil {
				t.Fatal(err)
			}
			quiet := &problem.Writer{Logger: slog.New(slog.DiscardHandler)}
			h := quiet.Handler(l.Handler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) })))
			w := do(h, "/x", "")
			if w.Code != tt.wantStatus {
				t.Fatalf("status %d, want %d", w.Code, tt.wantStatus)
			}
			if strings.Contains(w.Body.String(), "secret") || strings.Contains(w.Body.String(), "10.1.2.3") {
				t.Errorf("body leaks the error: %s", w.Body)
			}
			if tt.wantStatus == http.StatusServiceUnavailable {
				if b := body(t, w); b["status"] != 503.0 || w.Header().Get("Content-Type") != "application/problem+json" {
					t.Errorf("want a 503 problem, got %s", w.Body)
				}
				if w.Header().Get("Retry-After") != "5" {
					t.Errorf("Retry-After = %q", w.Header().Get("Retry-After"))
				}
			} else if !strings.Contains(logs.String(), "secret-internal-detail") {
				t.Errorf("fail-open did not log the error: %q", logs.String())
			}
			if w.Header().Get("RateLimit") != "" {
				t.Error("RateLimit sent without a count")
			}
		})
	}
}

func TestNewRejectsBadConfiguration(t *testing.T) {
	tests := []struct {
		name string
		p    Policy
		opts []Option
		want error
	}{
		{"zero quota", Policy{Quota: 0, Window: time.Second}, nil, ErrInvalidPolicy},
		{"quota too large", Policy{Quota: MaxQuota + 1, Window: time.Second}, nil, ErrInvalidPolicy},
		{"zero window", Policy{Quota: 1}, nil, ErrInvalidPolicy},
		{"sub-millisecond window", Policy{Quota: 1, Window: 1500 * time.Microsecond}, nil, ErrInvalidPolicy},
		{"window too long", Policy{Quota: 1, Window: MaxWindow + time.Second}, nil, ErrInvalidPolicy},
		{"name not printable", Policy{Name: "b\nurst", Quota: 1, Window: time.Second}, nil, ErrInvalidPolicy},
		{"name not ASCII", Policy{Name: "débit", Quota: 1, Window: time.Second}, nil, ErrInvalidPolicy},
		{"name too long", Policy{Name: strings.Repeat("x", 65), Quota: 1, Window: time.Second}, nil, ErrInvalidPolicy},
		{"duplicate names", Policy{Name: "a", Quota: 1, Window: time.Second},
			[]Option{AndPolicy(Policy{Name: "a", Quota: 2, Window: time.Hour})}, ErrInvalidPolicy},
		{"httprate counter with two policies", Policy{Quota: 1, Window: time.Second},
			[]Option{CountInLimitCounter(httprate.NewLocalLimitCounter(time.Second)),
				AndPolicy(Policy{Name: "b", Quota: 2, Window: time.Hour})}, ErrInvalidConfig},
		{"nil key", Policy{Quota: 1, Window: time.Second}, []Option{KeyBy(nil)}, ErrInvalidConfig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewLimiter(tt.p, tt.opts...); !errors.Is(err, tt.want) {
				t.Errorf("err %v, want %v", err, tt.want)
			}
		})
	}
	defer func() {
		if err, _ := recover().(error); !errors.Is(err, ErrInvalidPolicy) || !strings.Contains(err.Error(), "quota 0") {
			t.Errorf("Limit(0, time.Second) panicked with %v, want ErrInvalidPolicy naming the quota", err)
		}
	}()
	Limit(0, time.Second)
}

// A policy name needing escapes renders as a valid sf-string.
func TestPolicyNamesAreEscaped(t *testing.T) {
	h := router(limitNamed(`a "b" \c`, 1, time.Minute))
	w := do(h, "/other", "")
	if got := w.Header().Get("RateLimit-Policy"); got != `"a \"b\" \\c";q=1;w=60` {
		t.Errorf("RateLimit-Policy %q", got)
	}
	if _, ok := fields(t, w)[`a "b" \c`]; !ok {
		t.Errorf("RateLimit %q does not name the policy", w.Header().Get("RateLimit"))
	}
}

// refusingCounter refuses while reporting a state with room left.
type refusingCounter struct{}

func (refusingCounter) Take(_ context.Context, _ string, _ int, _ []Policy, usage []Usage) (bool, error) {
	usage[0] = Usage{Current: 1}
	return false, nil
}

func TestRefusalAlwaysHasRetryAfterAndPolicies(t *testing.T) {
	w := do(router(limitNamed("p", 10, time.Minute, CountIn(refusingCounter{}))), "/other", "")
	if w.Code != http.StatusTooManyRequests || retryAfter(t, w) < 1 {
		t.Fatalf("%d Retry-After %q", w.Code, w.Header().Get("Retry-After"))
	}
	if v := body(t, w)["violated-policies"]; !reflect.DeepEqual(v, []any{"p"}) {
		t.Errorf("violated-policies %v", v)
	}
}

// A limiter keyed by route but mounted before routing can never work: it is
// a 500 whose logged cause names the fix, not a 503 that has clients retry,
// and FailOpen does not hide it.
func TestLimiterBeforeRoutingIsAConfigurationError(t *testing.T) {
	for _, opts := range [][]Option{{KeyBy(ByRoute)}, {KeyBy(ByRoute), FailOpen()}} {
		l, err := NewLimiter(Policy{Quota: 10, Window: time.Minute}, opts...)
		if err != nil {
			t.Fatal(err)
		}
		var logs bytes.Buffer
		pw := &problem.Writer{Logger: slog.New(slog.NewTextHandler(&logs, nil))}
		r := chi.NewRouter()
		r.Use(pw.Handler, l.Handler)
		r.Get("/x", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) })
		w := do(r, "/x", "")
		if b := body(t, w); w.Code != http.StatusInternalServerError || b["status"] != 500.0 {
			t.Fatalf("status %d, body %s; want a 500 problem", w.Code, w.Body)
		}
		if w.Header().Get("Retry-After") != "" {
			t.Errorf("Retry-After %q invites retries of a configuration error", w.Header().Get("Retry-After"))
		}
		if !strings.Contains(logs.String(), "r.With or inside r.Group") {
			t.Errorf("the log does not say how to fix it: %s", logs.String())
		}
	}
}

// Two unnamed limits on one route are told apart by their names.
func TestUnnamedPoliciesAreNamedByQuotaAndWindow(t *testing.T) {
	h := router(func(next http.Handler) http.Handler {
		return Limit(1, time.Second)(Limit(100, time.Hour)(next))
	})
	first := do(h, "/other", "")
	if got := strings.Join(first.Header().Values("RateLimit-Policy"), ", "); got != `"1-per-1s";q=1;w=1, "100-per-1h";q=100;w=3600` {
		t.Errorf("RateLimit-Policy %q", got)
	}
	w := do(h, "/other", "")
	if b := body(t, w); w.Code != http.StatusTooManyRequests || fmt.Sprint(b["violated-policies"]) != "[1-per-1s]" {
		t.Errorf("%d %v", w.Code, b)
	}
	for _, tt := range []struct {
		p    Policy
		want string
	}{
		{Policy{Quota: 600, Window: time.Minute}, "600-per-1m"},
		{Policy{Quota: 5, Window: 1500 * time.Millisecond}, "5-per-1500ms"},
		{Policy{Quota: 1000, Window: 24 * time.Hour}, "1000-per-1d"},
		{Policy{Quota: 2, Window: 90 * time.Second}, "2-per-90s"},
	} {
		if got := defaultName(tt.p); got != tt.want {
			t.Errorf("defaultName(%v) = %q, want %q", tt.p, got, tt.want)
		}
	}
}

// The 429 is the catalog's quota-exceeded type: an API that words it
// otherwise, or gives it a local type URI, changes what the limiter sends.
func TestRefusalIsTheCatalogsQuotaExceeded(t *testing.T) {
	c := problem.NewCatalog("https://api.example.com/problems/")
	c.MustRegister(problem.DefaultTypes()...)
	q, _ := c.Lookup(problem.TypeQuotaExceeded)
	q.Title, q.URI = "Slow Down", ""
	if err := c.Replace(q); err != nil {
		t.Fatal(err)
	}
	h := (&problem.Writer{Catalog: c}).Handler(router(limitNamed("burst", 1, time.Minute)))
	do(h, "/other", "192.0.2.1:1")
	b := body(t, do(h, "/other", "192.0.2.1:1"))
	if b["type"] != "https://api.example.com/problems/quota-exceeded" || b["title"] != "Slow Down" {
		t.Errorf("problem %v", b)
	}
}

// The 429 names every policy the request does not fit and no other, and
// its Retry-After and detail agree, refusal after refusal, as the wait
// changes.
func TestRefusalNamesTheViolatedPoliciesAndTheWait(t *testing.T) {
	lc, clk := fakeCounter(t0)
	h := router(limitNamed("burst", 1, 10*time.Second, CountIn(lc),
		AndPolicy(Policy{Name: "hourly", Quota: 1, Window: time.Hour}),
		AndPolicy(Policy{Name: "daily", Quota: 100, Window: 24 * time.Hour})))
	if w := do(h, "/other", "192.0.2.1:1"); w.Code != http.StatusOK {
		t.Fatalf("first request: %d", w.Code)
	}
	var last int64
	for i := range 3 {
		w := do(h, "/other", "192.0.2.1:1")
		if w.Code != http.StatusTooManyRequests {
			t.Fatalf("refusal %d: %d, want 429", i, w.Code)
		}
		b := body(t, w)
		if v := b["violated-policies"]; !reflect.DeepEqual(v, []any{"burst", "hourly"}) {
			t.Errorf("violated-policies %v, want [burst hourly]", v)
		}
		ra := retryAfter(t, w)
		if want := fmt.Sprintf("Retry after %d seconds.", ra); !strings.HasSuffix(b["detail"].(string), want) {
			t.Errorf("detail %q does not end with %q", b["detail"], want)
		}
		if i > 0 && ra != last-1 {
			t.Errorf("Retry-After %d a second after %d", ra, last)
		}
		last = ra
		clk.Advance(time.Second)
	}
	if w := do(h, "/other", "192.0.2.2:1"); w.Code != http.StatusOK || w.Header().Get("Retry-After") != "" {
		t.Errorf("another client: %d, Retry-After %q", w.Code, w.Header().Get("Retry-After"))
	}
}

// ctxCounter allows everything and records the context of its last call.
type ctxCounter struct {
	err      error
	deadline time.Time
	bounded  bool
}

func (c *ctxCounter) Take(ctx context.Context, _ string, _ int, _ []Policy, _ []Usage) (bool, error) {
	c.err = ctx.Err()
	c.deadline, c.bounded = ctx.Deadline()
	return true, nil
}

// A counter is called without the request's cancellation (a client that
// half-closes its connection must not move its count out of a shared
// store) but within the request's deadline, which the server set.
func TestCounterGetsTheDeadlineButNotTheCancellation(t *testing.T) {
	c := &ctxCounter{}
	h := router(limitNamed("p", 10, time.Minute, CountIn(c)))
	deadline := time.Now().Add(time.Hour)
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	cancel() // the client went away
	w := do(h, "/other", "192.0.2.1:1", func(r *http.Request) { *r = *r.WithContext(ctx) })
	if w.Code != http.StatusOK {
		t.Fatalf("status %d", w.Code)
	}
	if c.err != nil || !c.bounded || !c.deadline.Equal(deadline) {
		t.Errorf("counter's context: err %v, deadline %v (set %v); want no error and the request's deadline %v",
			c.err, c.deadline, c.bounded, deadline)
	}
}
