package bind_test

import (
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"

	"github.com/chiguard/chiguard/middleware/bind"
	"github.com/chiguard/chiguard/problem"
)

// A member whose name differs from the field's only in case is not the
// field: the API's contract spells it "name".
func ExampleDecodeJSON() {
	var in struct {
		Name string `json:"name" validate:"required"`
	}
	for _, body := range []string{`{"name":"prod"}`, `{"NAME":"prod"}`, `{"name":"a","name":"b"}`} {
		r := httptest.NewRequest("POST", "/cloud", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		var p *problem.Problem
		if !errors.As(bind.DecodeJSON(httptest.NewRecorder(), r, &in), &p) {
			fmt.Printf("%s: name is %q\n", body, in.Name)
			continue
		}
		errs, _ := p.Extension("errors")
		for _, fe := range errs.([]problem.FieldError) {
			fmt.Printf("%s: %d, %s %s\n", body, p.Status, fe.Pointer, fe.Detail)
		}
	}
	// Output:
	// {"name":"prod"}: name is "prod"
	// {"NAME":"prod"}: 400, #/NAME is not a known field
	// {"name":"a","name":"b"}: 400, #/name appears more than once
}
