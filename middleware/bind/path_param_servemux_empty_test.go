package bind

import (
	"net/http"
	"testing"

	"github.com/chiguard/chiguard/internal/testkit"
)

// A ServeMux wildcard "{p...}" matches the empty rest of a path: its
// value is "", a client's value, not an undeclared parameter's 500.
func TestPathParamServeMuxEmptyWildcardIsDeclared(t *testing.T) {
	mux := http.NewServeMux()
	var got string
	var err error
	mux.HandleFunc("GET /files/{p...}", func(w http.ResponseWriter, r *http.Request) {
		got, err = PathParam[string](r, "p")
	})
	mux.Handle("GET /n/{n...}", ValidatePath[int]("n")(testkit.OK))
	testkit.Serve(mux, testkit.Request("GET", "/files/", ""))
	if err != nil || got != "" {
		t.Fatalf("got %q, %v", got, err)
	}
	testkit.Problem(t, testkit.Serve(mux, testkit.Request("GET", "/n/", "")), 400)

	mux.HandleFunc("GET /other/{p...}", func(w http.ResponseWriter, r *http.Request) {
		_, err = PathParam[string](r, "nope")
	})
	testkit.Serve(mux, testkit.Request("GET", "/other/x", ""))
	if p := problemOf(err); p == nil || p.Status != 500 {
		t.Fatalf("undeclared: got %v", err)
	}
}
