package problem_test

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/chiguard/chiguard/problem"
)

// defaultCatalog returns a catalog under /problems/ holding DefaultTypes.
func defaultCatalog(t *testing.T) *problem.Catalog {
	t.Helper()
	c := problem.NewCatalog("/problems/")
	if err := c.Register(problem.DefaultTypes()...); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRegisterRejectsInvalidTypes(t *testing.T) {
	ok := problem.Type{Slug: "cloud-locked", Status: 409, Title: "Cloud Locked"}
	with := func(edit func(*problem.Type)) problem.Type {
		t := ok
		edit(&t)
		return t
	}
	tests := []struct {
		name string
		typ  problem.Type
		want error
	}{
		{"duplicate slug", problem.Type{Slug: "not-found", Status: 404, Title: "x"}, problem.ErrDuplicateType},
		{"duplicate type URI", problem.Type{Slug: "quota", URI: problem.QuotaExceededURI, Status: 429, Title: "x"}, problem.ErrDuplicateType},
		{"no slug", problem.Type{URI: "https://example.com/probs/x", Status: 400, Title: "x"}, problem.ErrInvalidType},
		{"slug with slash", with(func(t *problem.Type) { t.Slug = "a/b" }), problem.ErrInvalidType},
		{"success status", with(func(t *problem.Type) { t.Status = 200 }), problem.ErrInvalidType},
		{"no title", with(func(t *problem.Type) { t.Title = "" }), problem.ErrInvalidType},
		{"relative URI", with(func(t *problem.Type) { t.URI = "quota" }), problem.ErrInvalidType},
		{"standard member", with(func(t *problem.Type) { t.Members = []problem.Member{{Name: "detail", Schema: `{}`}} }), problem.ErrInvalidType},
		{"member without schema", with(func(t *problem.Type) { t.Members = []problem.Member{{Name: "owner"}} }), problem.ErrInvalidType},
		{"schema not an object", with(func(t *problem.Type) { t.Members = []problem.Member{{Name: "owner", Schema: `"string"`}} }), problem.ErrInvalidType},
		{"member twice", with(func(t *problem.Type) {
			t.Members = []problem.Member{{Name: "owner", Schema: `{}`}, {Name: "owner", Schema: `{}`}}
		}), problem.ErrInvalidType},
		{"header not a token", with(func(t *problem.Type) { t.Headers = []problem.Header{{Name: "Retry After"}} }), problem.ErrInvalidType},
		{"header twice", with(func(t *problem.Type) { t.Headers = []problem.Header{{Name: "Allow"}, {Name: "allow"}} }), problem.ErrInvalidType},
		{"example of another status", with(func(t *problem.Type) { t.Example = problem.NotFound("x") }), problem.ErrInvalidType},
	}
	for _, tt := range tests {
		c := defaultCatalog(t)
		before := len(c.Types())
		// Register adds all or nothing: the valid type before the bad one
		// stays out too.
		if err := c.Register(problem.Type{Slug: "fine", Status: 400, Title: "Fine"}, tt.typ); !errors.Is(err, tt.want) {
			t.Errorf("%s: Register = %v, want %v", tt.name, err, tt.want)
		}
		if len(c.Types()) != before {
			t.Errorf("%s: a failed Register changed the catalog", tt.name)
		}
	}
}

// The API owns its catalog: it starts empty, takes the defaults or its own
// types, and replaces or removes any of them; the writer follows.
func TestCatalogBelongsToTheAPI(t *testing.T) {
	c := problem.NewCatalog("https://api.example.com/problems")
	if len(c.Types()) != 0 || c.Base() != "https://api.example.com/problems/" {
		t.Fatalf("a new catalog holds %d types under %q", len(c.Types()), c.Base())
	}
	c.MustRegister(problem.DefaultTypes()...)
	c.MustRegister(problem.Type{Slug: "cloud-locked", Status: 409, Title: "Cloud Locked", Description: "An export holds it."})

	forbidden, _ := c.Lookup(problem.TypeForbidden)
	forbidden.Title, forbidden.Description = "Not Your Plan", "Your plan does not include this feature."
	if err := c.Replace(forbidden); err != nil {
		t.Fatal(err)
	}
	if err := c.Remove(problem.TypeConflict, problem.TypeUnprocessableContent); err != nil {
		t.Fatal(err)
	}
	pw := &problem.Writer{Catalog: c, Logger: slog.New(slog.DiscardHandler)}
	tests := []struct {
		p                 *problem.Problem
		status            int
		wantType, wantTtl string
	}{
		{problem.Forbidden(""), 403, "https://api.example.com/problems/forbidden", "Not Your Plan"},
		{&problem.Problem{Type: "cloud-locked"}, 409, "https://api.example.com/problems/cloud-locked", "Cloud Locked"},
		{problem.New(409, ""), 409, "https://api.example.com/problems/cloud-locked", "Cloud Locked"}, // the first 409 left
		{problem.QuotaExceeded("x"), 429, problem.QuotaExceededURI, "Request cannot be satisfied as assigned quota has been exceeded"},
		{problem.Conflict("x"), 409, "https://api.example.com/problems/conflict", "Conflict"}, // removed: still sent, and logged
	}
	for _, tt := range tests {
		w, body := render(t, pw, "", tt.p)
		if w.Code != tt.status || body["type"] != tt.wantType || body["title"] != tt.wantTtl {
			t.Errorf("%+v: %d %v", tt.p, w.Code, body)
		}
	}
	var slugs []string
	for _, ty := range c.Types() {
		slugs = append(slugs, ty.Slug)
	}
	if got := strings.Join(slugs, " "); !strings.Contains(got, "not-found method-not-allowed not-acceptable precondition-failed") ||
		!strings.HasSuffix(got, "gateway-timeout cloud-locked") || strings.Contains(got, "conflict ") {
		t.Errorf("order after the changes: %s", got)
	}

	for _, err := range []error{
		c.Replace(problem.Type{Slug: "nope", Status: 400, Title: "x"}),
		c.Remove(problem.TypeNotFound, "nope"),
	} {
		if !errors.Is(err, problem.ErrUnknownType) {
			t.Errorf("%v, want ErrUnknownType", err)
		}
	}
	if _, ok := c.Lookup(problem.TypeNotFound); !ok {
		t.Error("a failed Remove removed a type")
	}

	// The local URI of quota-exceeded is one Replace away.
	q, _ := c.Lookup(problem.TypeQuotaExceeded)
	q.URI = ""
	c.Replace(q)
	if _, body := render(t, pw, "", problem.QuotaExceeded("x")); body["type"] != "https://api.example.com/problems/quota-exceeded" {
		t.Errorf("local quota-exceeded: %v", body["type"])
	}
}

// What the catalog hands out is the caller's, and what it was handed is
// its own.
func TestCatalogValuesAreCopies(t *testing.T) {
	types := []problem.Type{{Slug: "locked", Status: 423, Title: "Locked",
		Members: []problem.Member{{Name: "owner", Schema: `{"type":"string"}`}},
		Example: problem.New(423, "It is locked.")}}
	c := problem.NewCatalog("/p/")
	c.MustRegister(types...)
	types[0].Members[0].Name = "changed"

	got, _ := c.Lookup("locked")
	got.Members[0].Name = "mine"
	got.Example.Detail = "mine"
	all := c.Types()
	all[0].Title = "mine"

	again, _ := c.Lookup("locked")
	if again.Members[0].Name != "owner" || again.Example.Detail != "It is locked." || again.Title != "Locked" {
		t.Fatalf("the catalog changed with its callers' values: %+v", again)
	}
}

func TestZeroCatalogIsEmptyUnderTheDefaultBase(t *testing.T) {
	var c problem.Catalog
	if len(c.Types()) != 0 || c.Base() != problem.DefaultBase {
		t.Fatalf("zero catalog: %d types under %q", len(c.Types()), c.Base())
	}
	c.MustRegister(problem.Type{Slug: "cloud-locked", Status: 409, Title: "Cloud Locked"})
	w, body := render(t, &problem.Writer{Catalog: &c}, "", &problem.Problem{Type: "cloud-locked"})
	if w.Code != 409 || body["type"] != "/problems/cloud-locked" {
		t.Fatalf("%d %v", w.Code, body)
	}
	// Constructors keep their title and status in a catalog without them.
	_, body = render(t, &problem.Writer{Catalog: &c, Logger: slog.New(slog.DiscardHandler)}, "", problem.NotFound(""))
	if body["title"] != "Not Found" || body["type"] != "/problems/not-found" {
		t.Fatalf("%v", body)
	}
}

// The defaults are every API's: one type per constructor and status, with
// texts that name no resource and promise nothing the configuration may
// not do.
func TestDefaultTypesAreNeutral(t *testing.T) {
	byStatus := map[int][]string{}
	for _, ty := range problem.DefaultTypes() {
		byStatus[ty.Status] = append(byStatus[ty.Status], ty.Slug)
		text := strings.ToLower(ty.Title + " " + ty.Description + " " + ty.Fix)
		for _, m := range ty.Members {
			text += " " + strings.ToLower(m.Description)
		}
		for _, h := range ty.Headers {
			text += " " + strings.ToLower(h.Description)
		}
		for _, word := range []string{"alert", " us ", " us,", " us.", "we'll", " we ", "eg:", "/user", "[object", "bimdata", "really bad"} {
			if strings.Contains(text, word) {
				t.Errorf("%s: the default text says %q", ty.Slug, word)
			}
		}
		if ty.Description == "" || ty.Fix == "" {
			t.Errorf("%s: no description or no fix", ty.Slug)
		}
	}
	for _, status := range []int{400, 401, 403, 404, 405, 406, 409, 412, 413, 415, 422, 429, 500, 502, 503, 504} {
		if len(byStatus[status]) != 1 {
			t.Errorf("%d: default types %v, want one", status, byStatus[status])
		}
	}
	if q, _ := problem.DefaultCatalog.ForStatus(http.StatusTooManyRequests); q.Slug != problem.TypeQuotaExceeded || q.URI != problem.QuotaExceededURI {
		t.Errorf("the 429 type is %+v", q)
	}
}

func TestConstructedProblemsFollowTypeChanges(t *testing.T) {
	p := problem.NotFound("x")
	p.Type = problem.TypeConflict // a user may change the exported field
	_, body := render(t, &problem.Writer{}, "", p)
	if body["type"] != "/problems/conflict" || body["title"] != "Conflict" || body["status"] != 404.0 {
		t.Fatalf("%v", body)
	}
}

func TestSuccessStatusesAreTheAPIs(t *testing.T) {
	c := problem.NewCatalog("/problems/")
	if len(c.SuccessStatuses()) != 0 {
		t.Fatal("a new catalog lists success statuses")
	}
	if err := c.SetSuccessStatuses(problem.SuccessStatus{Status: 404}); !errors.Is(err, problem.ErrInvalidType) {
		t.Errorf("404 as a success status: %v", err)
	}
	c.SetSuccessStatuses(problem.SuccessStatus{Status: 200, Description: "Served."})
	got := c.SuccessStatuses()
	got[0].Description = "mine"
	if c.SuccessStatuses()[0].Description != "Served." {
		t.Error("SuccessStatuses shares its slice")
	}
}

// chiguard's middlewares and constructors send each default slug with its
// status: a catalog that gave one another status would document an answer
// the API never sends. The API's own types may change status at will.
func TestDefaultSlugKeepsItsStatus(t *testing.T) {
	c := problem.NewCatalog("/problems/")
	c.MustRegister(problem.DefaultTypes()...)
	c.MustRegister(problem.Type{Slug: "cloud-locked", Status: 409, Title: "Cloud Locked"})
	gone, _ := c.Lookup(problem.TypeNotFound)
	gone.Status, gone.Title, gone.Example = http.StatusGone, "Gone", nil
	if err := c.Replace(gone); !errors.Is(err, problem.ErrInvalidType) {
		t.Errorf("Replace gave not-found status 410: %v, want ErrInvalidType", err)
	}
	if got, _ := c.Lookup(problem.TypeNotFound); got.Status != http.StatusNotFound || got.Title != "Not Found" {
		t.Errorf("a refused Replace changed the type: %+v", got)
	}
	fresh := problem.NewCatalog("/problems/")
	if err := fresh.Register(problem.Type{Slug: problem.TypeNotFound, Status: http.StatusGone, Title: "Gone"}); !errors.Is(err, problem.ErrInvalidType) {
		t.Errorf("Register of not-found with status 410: %v, want ErrInvalidType", err)
	}
	if err := fresh.Register(problem.Type{Slug: problem.TypeNotFound, Status: http.StatusNotFound, Title: "No Such Thing"}); err != nil {
		t.Errorf("Register of not-found with its own status: %v", err)
	}

	locked, _ := c.Lookup("cloud-locked")
	locked.Status = http.StatusLocked
	if err := c.Replace(locked); err != nil {
		t.Fatal(err)
	}
	pw := &problem.Writer{Catalog: c, Logger: slog.New(slog.DiscardHandler)}
	if w, body := render(t, pw, "", &problem.Problem{Type: "cloud-locked"}); w.Code != http.StatusLocked || body["status"] != float64(http.StatusLocked) {
		t.Errorf("the API's own type after its status changed: %d %v", w.Code, body)
	}
}

// A base like "problems" would make every type URI relative to the
// request's own path (RFC 3986 §5.2): "/v1/cloud/problems/not-found" from
// /v1/cloud/7, where no docs are served. It is taken from the host's root.
func TestRelativePathBaseStartsAtTheRoot(t *testing.T) {
	for base, want := range map[string]string{
		"problems":                  "/problems/",
		"docs/problems/":            "/docs/problems/",
		"/problems":                 "/problems/",
		"https://api.example.com/p": "https://api.example.com/p/",
		"//docs.example.com/p/":     "//docs.example.com/p/",
	} {
		c := problem.NewCatalog(base)
		if c.Base() != want {
			t.Errorf("NewCatalog(%q).Base() = %q, want %q", base, c.Base(), want)
		}
	}
	c := problem.NewCatalog("problems")
	c.MustRegister(problem.DefaultTypes()...)
	_, body := render(t, &problem.Writer{Catalog: c}, "", problem.NotFound(""))
	if body["type"] != "/problems/not-found" {
		t.Errorf("type %v, want /problems/not-found", body["type"])
	}
}
