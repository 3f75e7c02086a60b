package auth

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chiguard/chiguard/problem"
)

// A verifier that looks credentials up with the request's context (a
// database, a remote service) returns context.Canceled when the client
// hangs up: that is no outage and no bug, so it is neither logged as an
// error nor alerted, and no failed check is counted for the client.
func TestAVerifierCanceledByTheClientsHangUpIsNotAlerted(t *testing.T) {
	for name, wrap := range map[string]func(error) error{
		"as is":                     func(err error) error { return err },
		"as ErrVerifierUnavailable": func(err error) error { return fmt.Errorf("%w: lookup: %w", ErrVerifierUnavailable, err) },
	} {
		t.Run(name, func(t *testing.T) {
			var alerts atomic.Int32
			logs := &logBuffer{}
			pw := &problem.Writer{
				Logger: slog.New(slog.NewTextHandler(logs, nil)),
				Alert:  func(context.Context, problem.Alert) { alerts.Add(1) },
			}
			v := VerifierFunc(func(ctx context.Context, _ string) (Principal, error) {
				<-ctx.Done()
				return Principal{}, wrap(ctx.Err())
			})
			throttle := &countingThrottle{}
			h := pw.Handler(newRouter(Authenticate(Bearer(v), ThrottleFailures(throttle)), nil))

			ctx, cancel := context.WithCancel(context.Background())
			cancel() // the client went away
			req := httptest.NewRequest(http.MethodGet, "/me", nil).WithContext(ctx)
			req.Header.Set("Authorization", "Bearer some-token")
			h.ServeHTTP(httptest.NewRecorder(), req)
			if err := pw.Wait(context.Background()); err != nil {
				t.Fatal(err)
			}

			if n := alerts.Load(); n != 0 {
				t.Errorf("%d alerts for a client that hung up", n)
			}
			if strings.Contains(logs.String(), "level=ERROR") {
				t.Errorf("a hang-up logged as an error:\n%s", logs)
			}
			if throttle.failed.Load() != 0 {
				t.Error("a hang-up counted as a failed check")
			}
		})
	}
}

// countingThrottle lets every check through and counts the failures.
type countingThrottle struct{ failed atomic.Int32 }

func (c *countingThrottle) Allow(http.ResponseWriter, *http.Request) (Attempt, bool) { return c, true }

func (c *countingThrottle) Done(failed bool) {
	if failed {
		c.failed.Add(1)
	}
}
