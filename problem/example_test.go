package problem_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/chiguard/chiguard/problem"
)

// A handler returns problems as errors; the writer renders them, and hides
// the text of unexpected errors.
func Example() {
	h := problem.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		switch r.URL.Query().Get("id") {
		case "":
			return problem.BadRequest("The id query parameter is required.").
				WithErrors(problem.ParamError("id", "is required"))
		case "42":
			return problem.NotFound("Cloud 42 does not exist.")
		default:
			return errors.New("database unreachable") // logged, not shown
		}
	})
	for _, target := range []string{"/cloud", "/cloud?id=42", "/cloud?id=7"} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
		fmt.Println(w.Code, w.Header().Get("Content-Type"))
		fmt.Println(w.Body.String())
	}
	// Output:
	// 400 application/problem+json
	// {"type":"/problems/bad-request","title":"Bad Request","status":400,"detail":"The id query parameter is required.","errors":[{"detail":"is required","parameter":"id"}]}
	// 404 application/problem+json
	// {"type":"/problems/not-found","title":"Not Found","status":404,"detail":"Cloud 42 does not exist."}
	// 500 application/problem+json
	// {"type":"/problems/internal-server-error","title":"Internal Server Error","status":500}
}

// The API owns its catalog: it starts from the defaults, says things in
// its own words, removes what it never sends and adds its own types.
func ExampleCatalog() {
	c := problem.NewCatalog("https://api.example.com/problems/")
	c.MustRegister(problem.DefaultTypes()...)

	forbidden, _ := c.Lookup(problem.TypeForbidden)
	forbidden.Description = "Your plan does not include this feature."
	if err := c.Replace(forbidden); err != nil {
		panic(err)
	}
	if err := c.Remove(problem.TypeConflict, problem.TypeUnprocessableContent); err != nil {
		panic(err)
	}
	c.MustRegister(problem.Type{Slug: "cloud-locked", Status: http.StatusConflict, Title: "Cloud Locked",
		Description: "The cloud is being exported.", Fix: "Retry when the export is done."})

	t, _ := c.Lookup("cloud-locked")
	fmt.Println(c.URI(t))
	w := httptest.NewRecorder()
	pw := &problem.Writer{Catalog: c}
	pw.Write(w, httptest.NewRequest("GET", "/cloud/1", nil), problem.New(http.StatusConflict, ""))
	fmt.Println(w.Code, w.Body.String())
	// Output:
	// https://api.example.com/problems/cloud-locked
	// 409 {"type":"https://api.example.com/problems/cloud-locked","title":"Cloud Locked","status":409}
}

// On shutdown, once the server has stopped serving, Wait lets the alert
// hooks still running finish before the process exits.
func ExampleWriter_Wait() {
	pw := &problem.Writer{
		Logger: slog.New(slog.DiscardHandler),
		Alert: func(_ context.Context, a problem.Alert) {
			fmt.Println("paging on-call:", a.Status, a.Err)
		},
	}
	srv := httptest.NewServer(pw.Handler(problem.HandlerFunc(func(http.ResponseWriter, *http.Request) error {
		return errors.New("disk full")
	})))
	resp, err := http.Get(srv.URL)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	srv.Close() // as http.Server.Shutdown would

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := pw.Wait(ctx); err != nil {
		fmt.Println("alerts still being sent:", err)
	}
	// Output: paging on-call: 500 disk full
}
