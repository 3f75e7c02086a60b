package bind

import (
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/problem"
)

func TestPathParamParsesOrRefuses(t *testing.T) {
	r := chi.NewRouter()
	var got int64
	r.Get("/cloud/{cloudPk}/project", problem.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		id, err := PathParam[int64](r, "cloudPk")
		if err != nil {
			return err
		}
		got = id
		return nil
	}).ServeHTTP)
	tests := []struct {
		path   string
		status int
		detail string
	}{
		{"/cloud/42/project", 200, ""},
		{"/cloud/-7/project", 200, ""},
		{"/cloud/not%20a%20number/project", 400, `The path parameter cloudPk must be an integer, got "not a number".`},
		{"/cloud/1.5/project", 400, `The path parameter cloudPk must be an integer, got "1.5".`},
		{"/cloud/99999999999999999999/project", 400, `The path parameter cloudPk must be an integer from -9223372036854775808 to 9223372036854775807, got "99999999999999999999".`},
		{"/cloud/" + strings.Repeat("x", 100) + "/project", 400, `The path parameter cloudPk must be an integer, got "` + strings.Repeat("x", 64) + `…".`},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			rec := testkit.Serve(r, testkit.Request("GET", tt.path, ""))
			if tt.status == 200 {
				if rec.Code != 200 {
					t.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
				return
			}
			p := testkit.Problem(t, rec, tt.status)
			if p["detail"] != tt.detail {
				t.Errorf("detail = %v\nwant     %v", p["detail"], tt.detail)
			}
			if errs := testkit.FieldErrors(t, p); len(errs) != 1 || errs["cloudPk"] == "" {
				t.Errorf("errors = %v", errs)
			}
		})
	}
	if got != -7 {
		t.Errorf("last parsed id = %d", got)
	}
}

func TestPathParamUnescapes(t *testing.T) {
	r := chi.NewRouter()
	var got string
	r.Get("/files/{name}", func(w http.ResponseWriter, r *http.Request) {
		got, _ = PathParam[string](r, "name")
	})
	testkit.Serve(r, testkit.Request("GET", "/files/a%2Fb%20c", ""))
	if got != "a/b c" {
		t.Fatalf("got %q", got)
	}
	testkit.Serve(r, testkit.Request("GET", "/files/100%25", ""))
	if got != "100%" {
		t.Fatalf("got %q", got)
	}
}

func TestPathParamUnknownNameIsAServerError(t *testing.T) {
	r := chi.NewRouter()
	var err error
	r.Get("/cloud/{cloudPk}", func(w http.ResponseWriter, r *http.Request) {
		_, err = PathParam[int](r, "cloudId")
	})
	testkit.Serve(r, testkit.Request("GET", "/cloud/1", ""))
	if p := problemOf(err); p == nil || p.Status != 500 || !errors.Is(p.Unwrap(), ErrNoPathParam) {
		t.Fatalf("got %v", err)
	}
}

func TestParamTypes(t *testing.T) {
	check := func(name string, got, want any, err error, wantErr string) {
		t.Helper()
		if wantErr != "" {
			p := problemOf(err)
			if p == nil {
				t.Errorf("%s: no error", name)
				return
			}
			errs, _ := p.Extension("errors")
			if fe := errs.([]problem.FieldError); fe[0].Detail != wantErr || fe[0].Parameter != "v" {
				t.Errorf("%s: field error %+v, want %q", name, fe, wantErr)
			}
			return
		}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %v, %v; want %v", name, got, err, want)
		}
	}
	q := func(v string) *http.Request { return testkit.Request("GET", "/?v="+v, "") }
	b, err := QueryParam(q("true"), "v", false)
	check("bool", b, true, err, "")
	_, err = QueryParam(q("yes"), "v", false)
	check("bad bool", nil, nil, err, "must be true or false")
	u8, err := QueryParam[uint8](q("255"), "v", 0)
	check("uint8", u8, uint8(255), err, "")
	_, err = QueryParam[uint8](q("256"), "v", 0)
	check("uint8 range", nil, nil, err, "must be an integer from 0 to 255")
	_, err = QueryParam[uint](q("-1"), "v", 0)
	check("negative uint", nil, nil, err, "must be a non-negative integer")
	i16, err := QueryParam[int16](q("-32768"), "v", 0)
	check("int16", i16, int16(-32768), err, "")
	_, err = QueryParam[int32](q("2147483648"), "v", 0)
	check("int32 range", nil, nil, err, "must be an integer from -2147483648 to 2147483647")
	f, err := QueryParam(q("1.5"), "v", 0.0)
	check("float", f, 1.5, err, "")
	_, err = QueryParam(q("inf"), "v", 0.0)
	check("inf", nil, nil, err, "must be a number")
	_, err = QueryParam[float32](q("NaN"), "v", 0)
	check("NaN", nil, nil, err, "must be a number")
	s, err := QueryParam(q("a%20b"), "v", "")
	check("string", s, "a b", err, "")
	d, err := QueryParam(testkit.Request("GET", "/", ""), "v", 20)
	check("absent gives the default", d, 20, err, "")
	_, err = QueryParam(testkit.Request("GET", "/?v=", ""), "v", 20)
	check("empty is not absent", nil, nil, err, "must be an integer")
	first, err := QueryParam(testkit.Request("GET", "/?v=1&v=x", ""), "v", 0)
	check("first value counts", first, 1, err, "")
}

func TestQueryParamProblemNamesTheQuery(t *testing.T) {
	_, err := QueryParam(testkit.Request("GET", "/?limit=ten", ""), "limit", 20)
	if p := problemOf(err); p == nil || p.Detail != `The query parameter limit must be an integer, got "ten".` {
		t.Fatalf("got %v", err)
	}
}

func TestValidatePath(t *testing.T) {
	r := chi.NewRouter()
	r.Route("/cloud/{cloudPk}", func(r chi.Router) {
		r.Use(ValidatePath[int64]("cloudPk"))
		r.Get("/", testkit.OK)
		r.With(ValidatePath[int64]("projectPk")).Get("/project/{projectPk}", testkit.OK)
	})
	if rec := testkit.Serve(r, testkit.Request("GET", "/cloud/1/project/2", "")); rec.Code != 200 {
		t.Fatalf("valid: %d %s", rec.Code, rec.Body)
	}
	p := testkit.Problem(t, testkit.Serve(r, testkit.Request("GET", "/cloud/[object%20Object]", "")), 400)
	if errs := testkit.FieldErrors(t, p); !reflect.DeepEqual(errs, map[string]string{"cloudPk": "must be an integer"}) {
		t.Errorf("errors = %v", errs)
	}
	p = testkit.Problem(t, testkit.Serve(r, testkit.Request("GET", "/cloud/1/project/x", "")), 400)
	if errs := testkit.FieldErrors(t, p); !reflect.DeepEqual(errs, map[string]string{"projectPk": "must be an integer"}) {
		t.Errorf("errors = %v", errs)
	}

	both := chi.NewRouter()
	both.With(ValidatePath[uint]("a", "b")).Get("/{a}/{b}", testkit.OK)
	p = testkit.Problem(t, testkit.Serve(both, testkit.Request("GET", "/x/-1", "")), 400)
	if errs := testkit.FieldErrors(t, p); len(errs) != 2 || p["detail"] != "The path parameters a, b are invalid." {
		t.Errorf("detail %v, errors %v", p["detail"], errs)
	}
	rec := testkit.Serve(both, testkit.Request("GET", "/1/2", ""))
	if rec.Code != 200 {
		t.Errorf("valid: %d", rec.Code)
	}

	typo := chi.NewRouter()
	typo.With(ValidatePath[int]("nope")).Get("/{id}", testkit.OK)
	testkit.Problem(t, testkit.Serve(typo, testkit.Request("GET", "/1", "")), 500)
}

func TestPathParamWithServeMux(t *testing.T) {
	mux := http.NewServeMux()
	var got int
	var err error
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		got, err = PathParam[int](r, "id")
	})
	testkit.Serve(mux, testkit.Request("GET", "/items/12", ""))
	if err != nil || got != 12 {
		t.Fatalf("got %d, %v", got, err)
	}
}

func TestParamProblemsAreTheCallers(t *testing.T) {
	calls := map[string]func() error{
		"QueryParam": func() error {
			_, err := QueryParam(testkit.Request("GET", "/?n=x", ""), "n", 0)
			return err
		},
		"PathParam undeclared": func() error {
			_, err := PathParam[int](testkit.Request("GET", "/", ""), "n")
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			first, _ := errors.AsType[*problem.Problem](call())
			want := first.Error()
			first.Detail = "changed"
			if errs, ok := first.Extension("errors"); ok {
				errs.([]problem.FieldError)[0].Detail = "changed"
			}
			second, _ := errors.AsType[*problem.Problem](call())
			if second == first || second.Error() != want {
				t.Errorf("second problem %q, want %q", second.Error(), want)
			}
			if errs, ok := second.Extension("errors"); ok && errs.([]problem.FieldError)[0].Detail == "changed" {
				t.Error("field errors are shared")
			}
		})
	}
}
