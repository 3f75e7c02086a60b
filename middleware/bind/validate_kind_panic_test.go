package bind

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/problem"
)

type semLoose struct {
	V any            `json:"v,omitempty" validate:"omitempty,max=3"`
	M map[string]any `json:"m,omitempty" validate:"dive,oneof=a b"`
	F any            `json:"f,omitempty" validate:"omitempty,max=1.5"`
}

// validator panics on a value of a kind its rule does not apply to ("max"
// on a bool, "oneof" on a number, "max=1.5" on a string's length). Under an
// interface field the client chose that kind: it is a 400, not a panic and
// a 500.
func TestDecodeJSONValueOfAKindItsRuleDoesNotTakeIs400(t *testing.T) {
	for _, body := range []string{`{"v":true}`, `{"m":{"k":1}}`, `{"f":"ab"}`} {
		rec := decodeRefusal[semLoose](t, body)
		testkit.Problem(t, rec, http.StatusBadRequest)
		if s := rec.Body.String(); strings.Contains(s, "Bad field") || strings.Contains(s, "float64") {
			t.Errorf("%s: internals in %s", body, s)
		}
	}
	var ok semLoose
	r := testkit.Request("POST", "/", `{"v":"ab","m":{"k":"a"},"f":1}`, "Content-Type: application/json")
	if err := DecodeJSON(nil, r, &ok); err != nil {
		t.Fatalf("valid body refused: %v", err)
	}
}

type semWrongTag struct {
	N struct{ X int } `json:"n" validate:"min=1"`
}

// A rule on a field whose type it never applies to is the code's mistake,
// whatever the client sends: it still panics, for Recoverer's 500.
func TestDecodeJSONRuleOnAWrongFieldTypeStillPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	r := testkit.Request("POST", "/", `{"n":{"X":1}}`, "Content-Type: application/json")
	var v semWrongTag
	_ = DecodeJSON(nil, r, &v)
}

type semLooseDive struct {
	L any   `json:"l,omitempty" validate:"omitempty,dive,oneof=a b"`
	N []any `json:"n,omitempty" validate:"dive,dive,oneof=a b"`
}

// "dive" on an interface field, or into one, takes the array or object the
// client may send instead: a string or a number there is a 400 too.
func TestDecodeJSONDiveIntoAValueOfAnotherKindIs400(t *testing.T) {
	for _, body := range []string{`{"l":"a"}`, `{"n":["a"]}`, `{"n":[7]}`} {
		testkit.Problem(t, decodeRefusal[semLooseDive](t, body), http.StatusBadRequest)
	}
	var ok semLooseDive
	r := testkit.Request("POST", "/", `{"l":["a","b"],"n":[["a"]]}`, "Content-Type: application/json")
	if err := DecodeJSON(nil, r, &ok); err != nil {
		t.Fatalf("valid body refused: %v", err)
	}
}

// decodeRefusal decodes body into a T, failing t on a panic, and returns
// the answer the decoder's error gets.
func decodeRefusal[T any](t *testing.T, body string) *httptest.ResponseRecorder {
	t.Helper()
	r := testkit.Request("POST", "/", body, "Content-Type: application/json")
	var err error
	func() {
		defer func() {
			if p := recover(); p != nil {
				t.Fatalf("%s: panic %v", body, p)
			}
		}()
		var v T
		err = DecodeJSON(nil, r, &v)
	}()
	return testkit.Serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		problem.Write(w, r, problem.FromError(err))
	}), r)
}
