// Package contract reads from a chi router what each of its routes
// promises: the credentials and scopes it needs, the statuses and problem
// types it can answer, the headers that come with them, its rate limits,
// its typed parameters and the schema of its request body; and what a path
// no route serves gets, below each mounted router too. chiguard's
// middlewares know all of it, because they are the ones enforcing it.
//
//	c := contract.Of(r)
//	if err := c.Check(); err != nil {
//		log.Fatal(err) // a middleware where it cannot do its job
//	}
//	doc, err := json.Marshal(c.OpenAPI(contract.Info{Title: "Cloud API", Version: "1.0"}))
//
// Of walks the router (as chi.Walk does) and asks each middleware of each
// route to describe itself; a middleware that is not chiguard's is listed
// as opaque, and what it does is not guessed, as is the answer of a
// router's own NotFound or MethodNotAllowed handler. From the same walk come the
// OpenAPI paths of the router (OpenAPI), a page listing each route with
// what it needs and answers (RoutesHandler), and Check, which finds
// middlewares mounted where they cannot do their job, each error naming
// the route and the fix. Package contracttest compares a hand-written
// OpenAPI document with the router, and the answers a test provokes with
// the contract.
//
// What the router cannot see: a handler's own answers (a 404 for a missing
// resource, a 201), query parameters read in handlers (bind.QueryParam)
// and bodies decoded in handlers (bind.DecodeJSON). Decode bodies with
// bind.Body where the route is declared, and declare a handler's answers
// with Declare, which package contracttest holds against what tests see.
package contract
