package bind

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/problem"
)

type semShelf struct {
	Items map[string]semShelfItem `json:"items" validate:"dive"`
	Tags  map[string]string       `json:"tags" validate:"dive,min=2"`
}

type semShelfItem struct {
	Name   string `json:"name" validate:"required"`
	Secret string `json:"-" validate:"max=0"`
}

// validator writes a map key between brackets as it is, so a key may hold
// "]" and "." and seem to end early. The pointer is still the member's,
// and never spells a Go field name the API does not expose.
func TestDecodeJSONMapKeyWithBracketsAndDotsIsLocated(t *testing.T) {
	for _, c := range []struct{ body, pointer string }{
		{`{"items":{"a].b":{}}}`, "#/items/a%5D.b/name"},
		{`{"items":{"x].Name":{}}}`, "#/items/x%5D.Name/name"},
		{`{"items":{"a][0]":{}}}`, "#/items/a%5D%5B0%5D/name"},
		{`{"tags":{"a].b":"x"}}`, "#/tags/a%5D.b"},
		{`{"tags":{"a[0].b":"x"}}`, "#/tags/a%5B0%5D.b"},
	} {
		r := testkit.Request("POST", "/", c.body, "Content-Type: application/json")
		var v semShelf
		err := DecodeJSON(nil, r, &v)
		rec := testkit.Serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			problem.Write(w, r, problem.FromError(err))
		}), r)
		got := testkit.FieldErrors(t, testkit.Problem(t, rec, http.StatusBadRequest))
		if _, ok := got[c.pointer]; !ok || len(got) != 1 {
			t.Errorf("%s: errors %v, want one at %s", c.body, got, c.pointer)
		}
	}
}

// A key written to look like a path into the element never makes the
// pointer name a Go field.
func TestDecodeJSONMapKeyNeverLeaksGoFieldNames(t *testing.T) {
	for _, key := range []string{`a].Secret`, `a].Name].Secret`, `a].Name.`, `].].[`, `a].Secret[`} {
		body := `{"items":{"` + key + `":{}}}`
		r := testkit.Request("POST", "/", body, "Content-Type: application/json")
		var v semShelf
		err := DecodeJSON(nil, r, &v)
		rec := testkit.Serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			problem.Write(w, r, problem.FromError(err))
		}), r)
		for p := range testkit.FieldErrors(t, testkit.Problem(t, rec, http.StatusBadRequest)) {
			rest := strings.TrimPrefix(p, "#/items/")
			if strings.HasSuffix(rest, "/Name") || (strings.Contains(rest, "/Secret") && !strings.Contains(key, "Secret")) {
				t.Errorf("%s: pointer %s", body, p)
			}
			if !strings.HasSuffix(p, "/name") {
				t.Errorf("%s: pointer %s is not the member's", body, p)
			}
		}
	}
}
