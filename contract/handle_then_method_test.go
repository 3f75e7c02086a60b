package contract_test

import (
	"net/http"
	"testing"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/middleware/auth"
)

// A method registered after Handle at the same pattern has its own
// handler and middlewares: it is a route of its own, every time the
// router is walked, and the route for every method does not answer for it.
func TestOfKeepsAMethodRegisteredAfterHandleApart(t *testing.T) {
	for range 20 {
		r := newRoot(writer())
		r.With(contract.Declare(contract.Response{Status: http.StatusAccepted})).Handle("/x", http.HandlerFunc(ok))
		r.With(auth.Authenticate(auth.APIKey(apiKeys(t)))).Get("/x", ok)
		c := contract.Of(r)
		get := route(t, c, "GET", "/x")
		if get.Method != "GET" || !get.Answers(http.StatusUnauthorized, "") || get.Answers(http.StatusAccepted, "") {
			t.Fatalf("GET /x: %s %+v", get.Method, get.Responses)
		}
		if all := route(t, c, "*", "/x"); all.Method != "*" || all.Answers(http.StatusUnauthorized, "") {
			t.Fatalf("* /x: %s %+v", all.Method, all.Responses)
		}
		op := c.OpenAPI(contract.Info{}).Paths["/x"].(map[string]any)
		if _, ok := op["get"].(map[string]any)["responses"].(map[string]any)["202"]; ok {
			t.Fatal("the OpenAPI GET lists the 202 of the route for every method")
		}
	}
}

// pageTable is a handler of a type == cannot compare.
type pageTable struct{ pages map[string]string }

func (pageTable) ServeHTTP(http.ResponseWriter, *http.Request) {}

// Handle with a handler of a type == cannot compare, a struct holding a
// map, is still one route for every method, not one route per method.
func TestOfKeepsHandleOfAnUncomparableHandlerOneRoute(t *testing.T) {
	r := newRoot(writer())
	r.Handle("/x", pageTable{pages: map[string]string{}})
	c := contract.Of(r)
	var methods []string
	for _, rt := range c.Routes {
		if rt.Pattern == "/x" {
			methods = append(methods, rt.Method)
		}
	}
	if len(methods) != 1 || methods[0] != "*" {
		t.Fatalf("routes at /x: %v, want [*]", methods)
	}
	r.Method("GET", "/x", pageTable{pages: map[string]string{}})
	if get := route(t, contract.Of(r), "GET", "/x"); get.Method != "GET" {
		t.Fatalf("GET /x after Handle is the route %s", get.Method)
	}
}

// greeter returns a closure: every one it returns shares its code.
func greeter(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(name)) }
}

// A method registered after Handle with another closure of the same
// function is a route of its own, not the one served for every method.
func TestOfKeepsAMethodWithAnotherClosureOfTheSameFuncApart(t *testing.T) {
	var hs []http.HandlerFunc
	for _, name := range []string{"all", "get"} { // one call site: one inlined closure too
		hs = append(hs, greeter(name))
	}
	r := newRoot(writer())
	r.Handle("/x", hs[0])
	r.Method("GET", "/x", hs[1])
	if get := route(t, contract.Of(r), "GET", "/x"); get.Method != "GET" {
		t.Fatalf("GET /x after Handle is the route %s", get.Method)
	}
	r = newRoot(writer())
	r.Handle("/x", hs[0])
	for _, rt := range contract.Of(r).Routes {
		if rt.Pattern == "/x" && rt.Method != "*" {
			t.Fatalf("Handle of a closure listed as %s", rt.Method)
		}
	}
}
