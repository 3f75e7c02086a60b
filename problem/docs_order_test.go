package problem_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/chiguard/chiguard/problem"
)

// The docs list types by status, as an error-codes page does: a type the
// API registers after DefaultTypes sits with its status, not after the
// 503, and types of one status keep the order they were registered in.
// Every format says the same.
func TestDocsListTypesByStatus(t *testing.T) {
	c := problem.NewCatalog("/problems/")
	c.MustRegister(problem.DefaultTypes()...)
	c.MustRegister(
		problem.Type{Slug: "project-archived", Status: 409, Title: "Project Archived"},
		problem.Type{Slug: "cloud-locked", Status: 409, Title: "Cloud Locked"},
		problem.Type{Slug: "teapot", Status: 418, Title: "Teapot"},
	)
	h := docsRouter(c)

	var index struct {
		Types []struct {
			Slug   string `json:"slug"`
			Status int    `json:"status"`
		} `json:"types"`
	}
	w := get(h, "GET", "/problems", "application/json")
	if err := json.Unmarshal(w.Body.Bytes(), &index); w.Code != 200 || err != nil {
		t.Fatalf("%d %v %s", w.Code, err, w.Body)
	}
	var slugs []string
	statuses := []int{}
	for _, ty := range index.Types {
		slugs = append(slugs, ty.Slug)
		statuses = append(statuses, ty.Status)
	}
	if !slices.IsSorted(statuses) {
		t.Errorf("statuses in this order: %v", statuses)
	}
	i, j := slices.Index(slugs, "project-archived"), slices.Index(slugs, "cloud-locked")
	if i < 0 || j != i+1 || slices.Index(slugs, "teapot") < j {
		t.Errorf("the API's types are listed as %v", slugs)
	}
	if len(slugs) != len(c.Types()) {
		t.Errorf("%d types listed, %d registered", len(slugs), len(c.Types()))
	}

	// The HTML and Markdown pages list them in the same order.
	for _, accept := range []string{"text/html", "text/markdown"} {
		body := get(h, "GET", "/problems", accept).Body.String()
		last := -1
		for _, s := range slugs {
			at := strings.Index(body, "/problems/"+s)
			if at < last {
				t.Errorf("%s: %s comes before the type listed ahead of it", accept, s)
			}
			last = at
		}
	}
	if got := c.Types(); got[len(got)-1].Slug != "teapot" {
		t.Errorf("Types() no longer in registration order: ends with %s", got[len(got)-1].Slug)
	}
}
