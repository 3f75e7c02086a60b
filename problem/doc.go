// Package problem renders HTTP API failures as RFC 9457 problem details
// (application/problem+json) and keeps the catalog of problem types an API
// documents.
//
// Every refusal in chiguard is a *Problem handed to one Writer, which
// negotiates the format, sets the headers, writes the body, logs, and calls
// the alert hook for 5xx. Handlers use the same path:
//
//	problem.Write(w, r, problem.NotFound("cloud 42 does not exist"))
//
// or return problems as errors from a HandlerFunc.
//
// The Catalog belongs to the API: it starts empty, takes DefaultTypes (one
// per constructor, in words true for any API) or the API's own types, and
// any of them can be reworded, replaced or removed. From it come the types
// and titles the Writer sends, the docs served at the type URIs (HTML,
// Markdown and JSON, each type with when it happens, how to fix it, its
// members, headers and an example the Writer renders), and a standalone
// OpenAPI 3.1 document, so that docs and behaviour never drift.
package problem
