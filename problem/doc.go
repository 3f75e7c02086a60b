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
// or return problems as errors from a HandlerFunc. The Catalog lists every
// type with its status, title and description, and renders the error-codes
// page, an OpenAPI fragment, and the documents behind each type URI, so the
// documentation and the behaviour come from one source.
package problem
