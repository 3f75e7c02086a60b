package middleware

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/go-chi/chi/v5"
)

// A subrouter mounted through a handler that hides it refuses a method with
// a 405 whose Allow never names that method: the walk cannot see the
// subrouter's routes, and must not send the client back to the method it
// was refused. Mounted itself, the subrouter's methods are listed exactly.
func TestAllowBehindAWrappedMountNeverNamesTheRefusedMethod(t *testing.T) {
	wrap := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) })
	}
	for _, wrapped := range []bool{true, false} {
		sub := chi.NewRouter()
		if wrapped { // chi passes its handlers on only to a router it sees
			sub.NotFound(NotFound)
			sub.MethodNotAllowed(MethodNotAllowed)
		}
		sub.Put("/flags", testkit.OK)
		r := chi.NewRouter()
		r.NotFound(NotFound)
		r.MethodNotAllowed(MethodNotAllowed)
		if wrapped {
			r.Mount("/admin", wrap(sub))
		} else {
			r.With(wrap).Mount("/admin", sub)
		}
		for _, method := range []string{"GET", "DELETE", "POST"} {
			rec := testkit.Serve(r, testkit.Request(method, "/admin/flags", ""))
			testkit.Problem(t, rec, http.StatusMethodNotAllowed)
			allow := rec.Header().Get("Allow")
			if allow == "" || strings.Contains(", "+allow+",", ", "+method+",") {
				t.Errorf("wrapped=%v: %s answered 405 with Allow %q", wrapped, method, allow)
			}
			if !wrapped && allow != "PUT" {
				t.Errorf("mounted itself: %s answered Allow %q, want PUT", method, allow)
			}
		}
		if rec := testkit.Serve(r, testkit.Request("PUT", "/admin/flags", "")); rec.Code != 200 {
			t.Errorf("wrapped=%v: PUT answered %d", wrapped, rec.Code)
		}
	}
}

// A 405 repeats a method of a usual length, and not one as long as
// net/http takes: the answer's size does not follow the request's.
func TestMethodNotAllowedDoesNotEchoALongMethod(t *testing.T) {
	r := chi.NewRouter()
	r.MethodNotAllowed(MethodNotAllowed)
	r.Get("/x", testkit.OK)
	long := strings.Repeat("M", 64<<10)
	for method, want := range map[string]string{"PURGE": "The method PURGE is not allowed here", long: "The method used is not allowed here"} {
		rec := testkit.Serve(r, testkit.Request(method, "/x", ""))
		testkit.Problem(t, rec, http.StatusMethodNotAllowed)
		if !strings.Contains(rec.Body.String(), want) || rec.Body.Len() > 1024 {
			t.Errorf("%d-byte method: %d-byte answer %.120s", len(method), rec.Body.Len(), rec.Body)
		}
	}
}
