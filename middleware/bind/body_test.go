package bind_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/middleware/bind"
)

type newCloud struct {
	Name string `json:"name" validate:"required,max=8"`
}

func TestBodyDecodesBeforeTheHandler(t *testing.T) {
	called := 0
	var got newCloud
	h := bind.Body[newCloud](&bind.JSONDecoder{MaxBytes: 32})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		called++
		var ok bool
		if got, ok = bind.BodyFrom[newCloud](r.Context()); !ok {
			t.Error("BodyFrom found no body")
		}
	}))
	tests := []struct {
		name, contentType, body string
		status                  int
	}{
		{"a valid body", "application/json", `{"name":"prod"}`, 200},
		{"a missing field", "application/json", `{}`, 400},
		{"a field over its max", "application/json", `{"name":"production"}`, 400},
		{"an unknown field", "application/json", `{"name":"a","size":1}`, 400},
		{"a body over MaxBytes", "application/json", `{"name":"` + strings.Repeat("a", 40) + `"}`, 413},
		{"a body that is not JSON", "text/plain", `name=prod`, 415},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := called
			rec := testkit.Serve(h, testkit.Request("POST", "/cloud", tt.body, "Content-Type: "+tt.contentType))
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			if ran := called > before; ran != (tt.status == 200) {
				t.Errorf("handler ran: %v", ran)
			}
		})
	}
	if got.Name != "prod" {
		t.Errorf("the handler got %+v", got)
	}
}

func TestBodyFromOutsideBody(t *testing.T) {
	r := testkit.Request("POST", "/cloud", "")
	if v, ok := bind.BodyFrom[newCloud](r.Context()); ok || v != (newCloud{}) {
		t.Errorf("BodyFrom = %+v, %v", v, ok)
	}
}
