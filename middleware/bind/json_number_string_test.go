package bind

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/problem"
)

type semCount struct {
	N json.Number `json:"n"`
}

// encoding/json takes a json.Number sent as a number or as a string that
// holds one; anything else is an error at the member, in the words of a
// number, not of a string.
func TestDecodeJSONNumberNotANumberIsAFieldError(t *testing.T) {
	for _, body := range []string{`{"n":"abc"}`, `{"n":""}`, `{"n":" 1"}`, `{"n":true}`, `{"n":[1]}`, `{"n":{}}`} {
		r := testkit.Request("POST", "/", body, "Content-Type: application/json")
		var v semCount
		err := DecodeJSON(nil, r, &v)
		rec := testkit.Serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			problem.Write(w, r, problem.FromError(err))
		}), r)
		got := testkit.FieldErrors(t, testkit.Problem(t, rec, http.StatusBadRequest))
		if d := got["#/n"]; d != "must be a number" {
			t.Errorf("%s: errors %v, want #/n: must be a number", body, got)
		}
	}
	for _, body := range []string{`{"n":12.5}`, `{"n":"-1e3"}`} {
		r := testkit.Request("POST", "/", body, "Content-Type: application/json")
		var v semCount
		if err := DecodeJSON(nil, r, &v); err != nil {
			t.Errorf("%s: %v", body, err)
		}
	}
}

type semQuotedCount struct {
	N json.Number `json:"n,string"`
}

// Under `json:",string"` the quotes may hold any text: a broken string in
// them is a field error like any other.
func TestDecodeJSONQuotedNumberHoldingAnyText(t *testing.T) {
	for _, body := range []string{`{"n":"\""}`, `{"n":"\"\\\""}`, `{"n":"\"x\""}`, `{"n":"x"}`} {
		r := testkit.Request("POST", "/", body, "Content-Type: application/json")
		var v semQuotedCount
		if err := DecodeJSON(nil, r, &v); err == nil {
			t.Errorf("%s: accepted as %q", body, v.N)
		}
	}
}
