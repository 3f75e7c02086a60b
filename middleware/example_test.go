package middleware_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/middleware/bind"
	"github.com/chiguard/chiguard/problem"
)

type cloudInput struct {
	Name string `json:"name" validate:"required,min=1,max=256"`
}

// do sends one request with a fixed request ID and prints the answer.
// The ID shows in problems as "instance" where RequestID is installed.
func do(h http.Handler, method, target, body string, headers ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	r.Header.Set("X-Request-Id", "req-1")
	for _, kv := range headers {
		k, v, _ := strings.Cut(kv, ": ")
		r.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	fmt.Println(strings.TrimSpace(fmt.Sprint(method, " ", target, " -> ", rec.Code, " ", rec.Body.String())))
	return rec
}

// The general middlewares in the recommended order (see package chiguard),
// without authentication.
func Example() {
	// Problems are logged; keep this example's output to the responses.
	pw := &problem.Writer{Logger: slog.New(slog.DiscardHandler)}
	maintenance := &middleware.Maintenance{
		Status: http.StatusBadGateway,
		Exempt: []string{"/healthz", "/problems", "/admin/maintenance"},
	}
	json := middleware.Negotiate("application/json")

	r := chi.NewRouter()
	r.Use(pw.Handler, middleware.Recoverer, middleware.RequestID, middleware.TranslateErrors,
		maintenance.Handler, middleware.HeadAsGet)
	r.NotFound(middleware.NotFound)
	r.MethodNotAllowed(middleware.MethodNotAllowed)
	r.Get("/healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	r.With(json).Get("/cloud", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("[]")) })
	r.With(json, bind.Body[cloudInput](nil)).Post("/cloud", func(w http.ResponseWriter, r *http.Request) {
		in, _ := bind.BodyFrom[cloudInput](r.Context()) // valid: Body refused the others
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"name":%q}`, in.Name)
	})
	r.Route("/cloud/{cloudPk}", func(r chi.Router) {
		r.Use(json, bind.ValidatePath[int64]("cloudPk"), middleware.Conditional)
		r.Get("/", func(w http.ResponseWriter, r *http.Request) {
			id, _ := bind.PathParam[int64](r, "cloudPk")
			fmt.Fprintf(w, `{"id":%d}`, id)
		})
	})

	do(r, "POST", "/cloud", `{}`, "Content-Type: application/json")
	do(r, "POST", "/cloud", `name=x`, "Content-Type: application/x-www-form-urlencoded")
	do(r, "GET", "/cloud/not%20a%20number", "")
	etag := do(r, "GET", "/cloud/42", "").Header().Get("ETag")
	do(r, "GET", "/cloud/42", "", "If-None-Match: "+etag)
	fmt.Println("Allow:", do(r, "DELETE", "/cloud/42", "").Header().Get("Allow"))
	do(r, "GET", "/cloud", "", "Accept: text/csv")
	maintenance.Enable(time.Minute)
	do(r, "GET", "/cloud/42", "")
	do(r, "GET", "/healthz", "")
	// Output:
	// POST /cloud -> 400 {"type":"/problems/bad-request","title":"Bad Request","status":400,"detail":"A required field is missing in the body.","instance":"req-1","errors":[{"detail":"is required","pointer":"#/name"}]}
	// POST /cloud -> 415 {"type":"/problems/unsupported-media-type","title":"Unsupported Media Type","status":415,"detail":"The request body must be JSON, sent with Content-Type: application/json.","instance":"req-1","acceptable":["application/json"]}
	// GET /cloud/not%20a%20number -> 400 {"type":"/problems/bad-request","title":"Bad Request","status":400,"detail":"The path parameter cloudPk must be an integer, got \"not a number\".","instance":"req-1","errors":[{"detail":"must be an integer","parameter":"cloudPk"}]}
	// GET /cloud/42 -> 200 {"id":42}
	// GET /cloud/42 -> 304
	// DELETE /cloud/42 -> 405 {"type":"/problems/method-not-allowed","title":"Method Not Allowed","status":405,"detail":"The method DELETE is not allowed here; use GET, HEAD.","instance":"req-1"}
	// Allow: GET, HEAD
	// GET /cloud -> 406 {"type":"/problems/not-acceptable","title":"Not Acceptable","status":406,"detail":"This resource is available as application/json.","instance":"req-1","acceptable":["application/json"]}
	// GET /cloud/42 -> 502 {"type":"/problems/bad-gateway","title":"Bad Gateway","status":502,"detail":"API is down, or being upgraded.","instance":"req-1"}
	// GET /healthz -> 200 ok
}

func ExampleNegotiate() {
	r := chi.NewRouter()
	r.Use(middleware.Negotiate("application/json", "text/csv"))
	r.Get("/clouds", func(w http.ResponseWriter, r *http.Request) {
		switch middleware.NegotiatedTypeFrom(r.Context()) {
		case "text/csv":
			w.Write([]byte("id,name\n1,demo\n"))
		default:
			w.Write([]byte(`[{"id":1,"name":"demo"}]`))
		}
	})
	for _, accept := range []string{"", "text/*", "application/json;q=0.5, text/csv"} {
		req := httptest.NewRequest("GET", "/clouds", nil)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		fmt.Printf("%q -> %q\n", accept, rec.Body.String())
	}
	// Output:
	// "" -> "[{\"id\":1,\"name\":\"demo\"}]"
	// "text/*" -> "id,name\n1,demo\n"
	// "application/json;q=0.5, text/csv" -> "id,name\n1,demo\n"
}

func ExampleCheckPreconditions() {
	version := `"v2"`
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !middleware.CheckPreconditions(w, r, version, time.Time{}) {
			return // answered 412 or 304
		}
		version = `"v3"`
		w.WriteHeader(http.StatusNoContent)
	})
	do(h, "PUT", "/cloud/1", `{}`, `If-Match: "v1"`)
	do(h, "PUT", "/cloud/1", `{}`, `If-Match: "v2"`)
	// Output:
	// PUT /cloud/1 -> 412 {"type":"/problems/precondition-failed","title":"Precondition Failed","status":412}
	// PUT /cloud/1 -> 204
}
