package contracttest_test

import (
	"net/http"
	"testing"

	"github.com/chiguard/chiguard/middleware/auth"
)

// chi routes the path of a mounted http.Handler, with or without its
// slash, to the handler, through the mount's middlewares: Observe holds
// those answers to the handler's route.
func TestObserveCreditsAMountedHandlersOwnPathToIt(t *testing.T) {
	r := mountRoot()
	files := http.StripPrefix("/static", http.HandlerFunc(ok))
	r.With(auth.Authenticate(auth.APIKey(mountKeys(t)))).Mount("/static", files)
	if _, errs := serveAll(t, r, []mountReq{
		{"GET", "/static", "", 401},
		{"GET", "/static/", "", 401},
		{"GET", "/static/app.css", "", 401},
		{"GET", "/static", "k", 200},
	}); len(errs) > 0 {
		t.Errorf("Observe failed correct answers: %q", errs)
	}
}
