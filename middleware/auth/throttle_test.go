package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/chiguard/chiguard/problem"
	"github.com/golang-jwt/jwt/v5"
)

// recordingThrottle lets every request through, or refuses every one with
// a bare 429, and records the outcomes Authenticate reports.
type recordingThrottle struct {
	refuse   bool
	asked    int
	outcomes []bool
}

func (t *recordingThrottle) Allow(w http.ResponseWriter, _ *http.Request) (Attempt, bool) {
	t.asked++
	if t.refuse {
		w.WriteHeader(http.StatusTooManyRequests)
		return nil, false
	}
	return attemptFunc(func(failed bool) { t.outcomes = append(t.outcomes, failed) }), true
}

type attemptFunc func(failed bool)

func (f attemptFunc) Done(failed bool) { f(failed) }

// scriptedVerifier answers by token: "good" authenticates, the others fail
// the way their name says, and it counts its calls.
type scriptedVerifier struct{ calls int }

func (v *scriptedVerifier) Verify(_ context.Context, token string) (Principal, error) {
	v.calls++
	switch token {
	case "good":
		return Principal{Subject: "alice", Kind: KindUser}, nil
	case "down":
		return Principal{}, fmt.Errorf("%w: idp unreachable", ErrVerifierUnavailable)
	case "bug":
		return Principal{}, errors.New("verifier bug")
	case "problem401":
		return Principal{}, &problem.Problem{Status: http.StatusUnauthorized, Title: "Account locked"}
	case "problem403":
		return Principal{}, &problem.Problem{Status: http.StatusForbidden, Title: "Account suspended"}
	case "panic":
		panic("verifier panics")
	}
	return Principal{}, ErrInvalidToken
}

func TestAuthenticateReportsEachCredentialCheckToTheThrottle(t *testing.T) {
	const none, failed, passed = 0, 1, 2
	tests := []struct {
		name      string
		target    string
		auth      []string
		opts      []Option
		status    int
		outcome   int // none: the throttle is not asked
		verifying bool
	}{
		{name: "no credentials", status: 401, outcome: none},
		{name: "no credentials, anonymous allowed", opts: []Option{AllowAnonymous()}, status: 200, outcome: none},
		{name: "query parameter without QueryToken is no credential", target: "/me?access_token=good", status: 401, outcome: none},
		{name: "valid token", auth: []string{"Bearer good"}, status: 200, outcome: passed, verifying: true},
		{name: "valid query token", target: "/me?access_token=good", opts: []Option{QueryToken()}, status: 200, outcome: passed, verifying: true},
		{name: "invalid token", auth: []string{"Bearer nope"}, status: 401, outcome: failed, verifying: true},
		{name: "unknown API key", auth: []string{"ApiKey nope"}, status: 401, outcome: failed},
		{name: "malformed token", auth: []string{`Bearer a"b`}, status: 401, outcome: failed},
		{name: "unsupported scheme", auth: []string{"Basic YWxpY2U6c2VjcmV0"}, status: 401, outcome: failed},
		{name: "empty Authorization", auth: []string{""}, status: 401, outcome: failed},
		{name: "two Authorization headers", auth: []string{"Bearer good", "Bearer good"}, status: 400, outcome: failed},
		{name: "header and query token", target: "/me?access_token=good", auth: []string{"Bearer good"},
			opts: []Option{QueryToken()}, status: 400, outcome: failed},
		{name: "a 401 problem from the verifier", auth: []string{"Bearer problem401"}, status: 401, outcome: failed, verifying: true},
		{name: "a 403 problem from the verifier", auth: []string{"Bearer problem403"}, status: 403, outcome: passed, verifying: true},
		{name: "verifier unavailable", auth: []string{"Bearer down"}, status: 503, outcome: passed, verifying: true},
		{name: "verifier bug", auth: []string{"Bearer bug"}, status: 500, outcome: passed, verifying: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			th := &recordingThrottle{}
			v := &scriptedVerifier{}
			opts := append([]Option{Bearer(v), APIKey(testAPIKeys(t)), ThrottleFailures(th)}, tt.opts...)
			h := quiet(newRouter(Authenticate(opts...), nil))
			target := tt.target
			if target == "" {
				target = "/me"
			}
			if rec := do(h, target, tt.auth...); rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			var want []bool
			switch tt.outcome {
			case failed:
				want = []bool{true}
			case passed:
				want = []bool{false}
			}
			if th.asked != len(want) || len(th.outcomes) != len(want) || len(want) == 1 && th.outcomes[0] != want[0] {
				t.Errorf("throttle asked %d times, outcomes %v; want outcomes %v", th.asked, th.outcomes, want)
			}
			if (v.calls > 0) != tt.verifying {
				t.Errorf("verifier called %d times", v.calls)
			}
		})
	}
}

func TestAuthenticateChecksNothingTheThrottleRefuses(t *testing.T) {
	for _, auth := range [][]string{{"Bearer good"}, {"Bearer nope"}, {"Basic eA=="}, {"Bearer good", "Bearer good"}} {
		th := &recordingThrottle{refuse: true}
		v := &scriptedVerifier{}
		h := newRouter(Authenticate(Bearer(v), ThrottleFailures(th)), nil)
		rec := do(h, "/me", auth...)
		if rec.Code != http.StatusTooManyRequests || rec.Header().Get("WWW-Authenticate") != "" {
			t.Errorf("%q: %d %q, want the throttle's bare 429", auth, rec.Code, rec.Header().Values("WWW-Authenticate"))
		}
		if v.calls != 0 || th.outcomes != nil {
			t.Errorf("%q: verifier called %d times, outcomes %v", auth, v.calls, th.outcomes)
		}
	}
}

// The attempt ends before the next handler runs, so a slow handler (a
// stream) holds nothing of the throttle's; a panicking verifier ends it too.
func TestAuthenticateEndsTheAttemptBeforeTheHandler(t *testing.T) {
	th := &recordingThrottle{}
	v := &scriptedVerifier{}
	var seen []bool
	h := Authenticate(Bearer(v), ThrottleFailures(th))(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		seen = append([]bool(nil), th.outcomes...)
	}))
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("Authorization", "Bearer good")
	h.ServeHTTP(httptest.NewRecorder(), req)
	if len(seen) != 1 || seen[0] {
		t.Errorf("outcomes seen by the handler %v, want [false]", seen)
	}

	req.Header.Set("Authorization", "Bearer panic")
	func() {
		defer func() {
			if v := recover(); v != "verifier panics" {
				t.Errorf("recovered %v, want the verifier's own panic", v)
			}
		}()
		h.ServeHTTP(httptest.NewRecorder(), req)
	}()
	if len(th.outcomes) != 2 || th.outcomes[1] {
		t.Errorf("outcomes after a panicking verifier %v, want [false false]", th.outcomes)
	}
}

func TestThrottleFailuresRefusesNil(t *testing.T) {
	defer func() {
		if r := recover(); r != errNilThrottle {
			t.Errorf("panic %v, want %v", r, errNilThrottle)
		}
	}()
	Authenticate(Bearer(&scriptedVerifier{}), ThrottleFailures(nil))
}

// quiet installs a problem writer that logs nothing, for the 500s and 503s.
func quiet(h http.Handler) http.Handler {
	return (&problem.Writer{Logger: slog.New(slog.DiscardHandler)}).Handler(h)
}

// A JWT the verifier has already verified, and still caches, is served
// without asking the throttle: it cannot be a guess, and a client at its
// address that keeps failing must not lock its users out. Every other
// request with credentials still asks it, the same token too once its
// cache entry has expired.
func TestAuthenticateServesACachedJWTWithoutTheThrottle(t *testing.T) {
	now := time.Now()
	v := hsVerifier(t, nil)
	v.now = func() time.Time { return now }
	th := &recordingThrottle{}
	h := newRouter(Authenticate(Bearer(v), ThrottleFailures(th)), nil)
	good := sign(t, jwt.SigningMethodHS256, testSecret, claims(map[string]any{"exp": now.Add(time.Minute).Unix()}), nil)
	if rec := do(h, "/me", "Bearer "+good); rec.Code != http.StatusOK || th.asked != 1 {
		t.Fatalf("first use: %d, throttle asked %d times", rec.Code, th.asked)
	}

	th.refuse = true
	if rec := do(h, "/me", "Bearer "+good); rec.Code != http.StatusOK || th.asked != 1 {
		t.Errorf("verified token from a throttled address: %d, throttle asked %d times; want 200 unasked", rec.Code, th.asked)
	}
	other := sign(t, jwt.SigningMethodHS256, testSecret, claims(map[string]any{"sub": "bob"}), nil)
	for _, c := range []string{"Bearer " + other, "Bearer " + good + "x", "Bearer " + good[:len(good)-1]} {
		if rec := do(h, "/me", c); rec.Code != http.StatusTooManyRequests {
			t.Errorf("%.20s… from a throttled address: %d, want the throttle's 429", c, rec.Code)
		}
	}
	if rec := do(h, "/me", "Bearer "+good, "Bearer "+good); rec.Code != http.StatusTooManyRequests {
		t.Errorf("the verified token twice: %d, want the throttle's 429", rec.Code)
	}

	now = now.Add(2 * time.Minute) // past exp and the cache entry
	asked := th.asked
	if rec := do(h, "/me", "Bearer "+good); rec.Code != http.StatusTooManyRequests || th.asked != asked+1 {
		t.Errorf("expired token: %d, throttle asked %d more times; want its 429", rec.Code, th.asked-asked)
	}
}

// A client the throttle refuses costs no parsing of its credentials,
// however large: here a megabyte of commas, which the syntax check would
// otherwise split.
func TestThrottledCredentialsAreNotParsed(t *testing.T) {
	th := &recordingThrottle{refuse: true}
	h := newRouter(Authenticate(Bearer(hsVerifier(t, nil)), APIKey(testAPIKeys(t)), ThrottleFailures(th)), nil)
	huge := "Bearer " + strings.Repeat(",", 1<<20)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	rec := do(h, "/me", huge)
	runtime.ReadMemStats(&after)
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("status %d, want the throttle's 429", rec.Code)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 256<<10 {
		t.Errorf("a refused megabyte of credentials allocated %d KiB", n>>10)
	}
	th.refuse = false
	if rec := do(h, "/me", huge); rec.Code != http.StatusUnauthorized {
		t.Errorf("the same, checked: %d, want 401", rec.Code)
	}
}
