package problem_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/problem"
)

// An alert dropped because the hooks in flight are busy was never sent: the
// next alert of its kind, once a hook is free, must not be folded into it
// and lost for the rest of the interval.
func TestAlertDroppedInFlightIsNotCountedAsSent(t *testing.T) {
	clock := testkit.NewClock(time.Unix(1_700_000_000, 0))
	release := make(chan struct{})
	var c collected
	pw := &problem.Writer{Logger: slog.New(slog.DiscardHandler), MaxAlertsInFlight: 1, AlertInterval: time.Minute,
		Alert: func(ctx context.Context, a problem.Alert) {
			if a.Err.Error() == "slow" {
				<-release
			}
			c.hook(ctx, a)
		}}
	problem.SetClock(pw, clock.Now)
	r := httptest.NewRequest("GET", "/", nil)
	pw.Write(httptest.NewRecorder(), r, problem.FromError(errors.New("slow"))) // occupies the one hook
	pw.Write(httptest.NewRecorder(), r, problem.FromError(errors.New("database down")))
	close(release)
	wait(t, pw)
	clock.Advance(time.Second)
	pw.Write(httptest.NewRecorder(), r, problem.FromError(errors.New("database down")))
	wait(t, pw)
	for _, a := range c.get() {
		if a.Err.Error() == "database down" {
			return
		}
	}
	t.Fatalf("alerts %+v: the database failure was never alerted, its only delivered alert was dropped", c.get())
}

// A handler that set Content-Encoding for the body it meant to send, then
// returned an error, gets a problem that is not labelled with it.
func TestHandlerFuncDropsTheHandlersEncoding(t *testing.T) {
	h := problem.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Content-Encoding", "gzip")
		return errors.New("the archive could not be opened")
	})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if ce := rec.Header().Get("Content-Encoding"); rec.Code != 500 || ce != "" {
		t.Fatalf("status %d, problem %q sent with Content-Encoding %q", rec.Code, rec.Body.String(), ce)
	}
}

// A handler that described the representation it meant to send, then
// failed, gets a problem that does not claim that representation's
// language, location or digest: a client checking Content-Digest would
// reject the problem, and one reading Content-Language would mislabel it.
func TestProblemDropsTheAbandonedRepresentationsMetadata(t *testing.T) {
	h := problem.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Content-Language", "de")
		w.Header().Set("Content-Location", "/cloud/7/export.csv")
		w.Header().Set("Content-Digest", "sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:")
		w.Header().Set("Repr-Digest", "sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:")
		w.Header().Set("Last-Modified", "Mon, 01 Jan 2024 00:00:00 GMT")
		w.Header().Set("Etag", `"v7"`)
		w.Header()["ETag"] = []string{`"v7"`} // a map assignment keeps this spelling
		return errors.New("the archive could not be opened")
	})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/cloud/7/export.csv", nil))
	for _, f := range []string{"Content-Language", "Content-Location", "Content-Digest", "Repr-Digest", "Last-Modified", "Etag", "ETag"} {
		if v := rec.Header()[f]; v != nil {
			t.Errorf("problem %q sent with %s: %s", rec.Body.String(), f, v)
		}
	}
}
