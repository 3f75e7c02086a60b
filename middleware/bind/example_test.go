package bind_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/chiguard/chiguard/middleware/bind"
	"github.com/chiguard/chiguard/problem"
)

func ExampleDecodeJSON() {
	type cloud struct {
		Name string `json:"name" validate:"required,max=256"`
		Size int    `json:"size" validate:"gte=1"`
	}
	h := problem.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var c cloud
		if err := bind.DecodeJSON(w, r, &c); err != nil {
			return err
		}
		fmt.Fprintf(w, "created %s", c.Name)
		return nil
	})
	for _, body := range []string{`{"name":"demo","size":3}`, `{"size":"big","color":"red"}`, `{"name":"demo",}`} {
		r := httptest.NewRequest("POST", "/cloud", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		fmt.Println(rec.Code, rec.Body.String())
	}
	// Output:
	// 200 created demo
	// 400 {"type":"/problems/bad-request","title":"Bad Request","status":400,"detail":"The request body has invalid fields.","errors":[{"detail":"must be an integer","pointer":"#/size"},{"detail":"is not a known field","pointer":"#/color"}]}
	// 400 {"type":"/problems/bad-request","title":"Bad Request","status":400,"detail":"The request body is not valid JSON: invalid character '}' looking for beginning of object key string, at line 1, column 16 (byte 16).","line":1,"column":16,"offset":16}
}

// A member whose name differs from the field's only in case is not the
// field: the API's contract spells it "name".
func ExampleDecodeJSON_exactNames() {
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

// Body decodes where the route is declared, so the handler gets a valid
// value and the route's contract documents the body.
func ExampleBody() {
	type newCloud struct {
		Name string `json:"name" validate:"required,max=256"`
	}
	create := bind.Body[newCloud](nil)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, _ := bind.BodyFrom[newCloud](r.Context())
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, "created %s", c.Name)
	}))
	for _, body := range []string{`{"name":"demo"}`, `{}`} {
		r := httptest.NewRequest("POST", "/cloud", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		create.ServeHTTP(rec, r)
		fmt.Println(rec.Code, rec.Body.String())
	}
	// Output:
	// 201 created demo
	// 400 {"type":"/problems/bad-request","title":"Bad Request","status":400,"detail":"A required field is missing in the body.","errors":[{"detail":"is required","pointer":"#/name"}]}
}
