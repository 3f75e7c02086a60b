package middleware

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	chimw "github.com/go-chi/chi/v5/middleware"

	"github.com/chiguard/chiguard/problem"
)

// A foreign error TranslateErrors holds back is the answer: a problem the
// handler writes after it is not sent (net/http keeps the first status),
// and the writer must say so, not log and alert it as sent while the
// client gets the translated error without its detail. A status-recording
// wrapper (metrics, logging) between TranslateErrors and the handler must
// not change that.
func TestProblemAfterHeldForeignErrorIsNotClaimedSent(t *testing.T) {
	recording := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(chimw.NewWrapResponseWriter(w, r.ProtoMajor), r)
		})
	}
	for _, withRecorder := range []bool{false, true} {
		var logs bytes.Buffer
		alerts := 0
		pw := &problem.Writer{Logger: slog.New(slog.NewTextHandler(&logs, nil)),
			Alert: func(context.Context, problem.Alert) { alerts++ }}
		r := chi.NewRouter()
		r.Use(pw.Handler, Recoverer, RequestID, TranslateErrors)
		if withRecorder {
			r.Use(recording)
		}
		r.Get("/cloud/1", problem.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
			http.Error(w, "the cloud is archived", http.StatusConflict)
			return errors.New("audit log write failed")
		}))
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest("GET", "/cloud/1", nil))
		pw.Wait(context.Background())
		var p map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || rec.Code != http.StatusConflict ||
			p["detail"] != "the cloud is archived" {
			t.Errorf("recording wrapper %v: %d %s: want the translated 409 with its detail\n%s", withRecorder, rec.Code, rec.Body, logs.String())
		}
		if !strings.Contains(logs.String(), "problem not sent") {
			t.Errorf("recording wrapper %v: the 500 the client never got is logged as sent:\n%s", withRecorder, logs.String())
		}
	}
}
