package bind_test

import (
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
