package api_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
)

// The docs routes answer 200, and the OpenAPI document they are part of
// says so: an operation whose responses are only 404, 405, 406 and 500
// tells a reader, or a client generator, that the page never succeeds.
func TestDocsRoutesDocumentTheir200(t *testing.T) {
	srv := newDemoServer(t)
	resp, body := send(t, srv, "GET", "/openapi.json")
	var doc struct {
		Paths map[string]map[string]struct {
			Responses map[string]json.RawMessage
		}
	}
	if err := json.Unmarshal(body, &doc); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /openapi.json: %d %v", resp.StatusCode, err)
	}
	for path, served := range map[string]string{
		"/openapi.json":    "/openapi.json",
		"/routes":          "/routes",
		"/problems":        "/problems",
		"/problems/{path}": "/problems/not-found",
	} {
		if resp, _ := send(t, srv, "GET", served); resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", served, resp.StatusCode)
		}
		op, ok := doc.Paths[path]["get"]
		if !ok {
			t.Errorf("the document has no GET %s", path)
			continue
		}
		if _, ok := op.Responses["200"]; !ok {
			var got []string
			for s := range op.Responses {
				got = append(got, s)
			}
			slices.Sort(got)
			t.Errorf("GET %s documents %v, not its 200", path, got)
		}
	}
}
