package api

import (
	"log/slog"
	"net/http"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/problem"
	"github.com/go-chi/chi/v5"
)

// The demo's catalog speaks the words of the error-codes page it
// reproduces (testdata/error-codes.rst at the repository's root): its
// descriptions replace chiguard's neutral defaults, which keep their fixes,
// members and headers. The demo has an alert hook, so its 500 may promise
// an alert.
var seedWording = []struct{ slug, description string }{
	{problem.TypeBadRequest, "The request was invalid or cannot be otherwise served. Typical when there is a syntax error in the request. A required field is missing in the body."},
	{problem.TypeUnauthorized, "The authentication failed. Your token may be expired, missing or malformed."},
	{problem.TypeForbidden, "You don't have the authorization to access this resource. Check if the resource is exclusive to users or app (eg: /user is exclusive to users) or if your user has the right to access this resource."},
	{problem.TypeNotFound, "The resource does not exist or you don't have the right to see if the resource exists."},
	{problem.TypeNotAcceptable, "An invalid format is specified in the request."},
	{problem.TypeQuotaExceeded, "The application's rate limit for the resource has been exceeded."},
	// The page's example, "/cloud/[object Object]/project may raise a
	// 500", is left out: the demo answers that path with a 400.
	{problem.TypeInternalServerError, "Something really bad happened. Check if your route is correct. An alert is automatically sent to us, we'll look at it shortly."},
	{problem.TypeBadGateway, "API is down, or being upgraded."},
}

// seedSuccess are the page's success statuses.
var seedSuccess = []problem.SuccessStatus{
	{Status: http.StatusOK, Description: "The request has succeeded."},
	{Status: http.StatusCreated, Description: "The request has been fulfilled and has resulted in new resources created."},
	{Status: http.StatusAccepted, Description: "The request has been accepted for processing, and the processing has not been completed."},
	{Status: http.StatusNoContent, Description: "The server has successfully fulfilled the request, there is no content in the response body."},
	{Status: http.StatusNotModified, Description: "There was no new data to return. Typically used to indicate that the cached version of the response is still valid."},
}

// neverSent are the default types the demo has no route for: it proxies
// nothing (504) and its handlers refuse no conflict (409) or content
// (422). Its page lists only what it can send.
var neverSent = []string{problem.TypeConflict, problem.TypeUnprocessableContent, problem.TypeGatewayTimeout}

// NewCatalog returns the demo's catalog of problem types, under
// problem.DefaultBase.
func NewCatalog() (*problem.Catalog, error) {
	c := problem.NewCatalog(problem.DefaultBase)
	if err := c.Register(problem.DefaultTypes()...); err != nil {
		return nil, err
	}
	if err := c.Remove(neverSent...); err != nil {
		return nil, err
	}
	for _, w := range seedWording {
		t, _ := c.Lookup(w.slug)
		t.Description = w.description
		if err := c.Replace(t); err != nil {
			return nil, err
		}
	}
	if err := c.SetSuccessStatuses(seedSuccess...); err != nil {
		return nil, err
	}
	return c, nil
}

// OpenAPI returns the OpenAPI document of the demo API with its default
// configuration, as GET /openapi.json serves it and the openapi command
// prints it: every route, from the router's contract, and the problem
// types as components.
func OpenAPI() (*problem.OpenAPI, error) {
	cfg := DefaultConfig()
	cfg.Logger = slog.New(slog.DiscardHandler)
	a, err := New(cfg)
	if err != nil {
		return nil, err
	}
	defer a.Close()
	return contract.Of(a.Handler.(chi.Routes)).OpenAPI(openAPIInfo), nil
}

var openAPIInfo = contract.Info{
	Title:   "chiguard demo API",
	Version: "0.1.0",
	Description: "chiguard's demo API: every route, what it needs and every answer it can give, " +
		"read from the router's middlewares. The problem types' docs are served at /problems, the routes at /routes.",
}
