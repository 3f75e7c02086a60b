package middleware

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/problem"
)

func TestNegotiateChoosesOffer(t *testing.T) {
	mw := Negotiate("application/json", "text/csv", "text/plain;format=flowed")
	tests := []struct {
		name   string
		accept []string // field lines; nil means no Accept
		want   string
	}{
		{"no Accept gives the first offer", nil, "application/json"},
		{"any", []string{"*/*"}, "application/json"},
		{"exact", []string{"text/csv"}, "text/csv"},
		{"case-insensitive type", []string{"TEXT/CSV"}, "text/csv"},
		{"type wildcard", []string{"text/*"}, "text/csv"},
		{"weights", []string{"application/json;q=0.5, text/csv"}, "text/csv"},
		{"every field line counts", []string{"application/json;q=0.1", "text/csv;q=0.9"}, "text/csv"},
		{"q=0 excludes despite */*", []string{"*/*, application/json;q=0"}, "text/csv"},
		{"most specific range wins", []string{"text/*;q=0.2, text/plain;format=flowed;q=0.9, text/csv;q=0.5"}, "text/plain;format=flowed"},
		{"parameters must match", []string{"text/plain;format=fixed, text/csv;q=0.1"}, "text/csv"},
		{"malformed header is treated as absent", []string{"*/json, garbage"}, "application/json"},
		{"q=abc element is skipped", []string{"application/json;q=abc, text/csv;q=0.5"}, "text/csv"},
		{"duplicate parameters make the element invalid", []string{"text/plain;format=flowed;format=flowed, text/csv;q=0.1"}, "text/csv"},
		{"empty Accept is treated as absent", []string{""}, "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			h := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got = NegotiatedTypeFrom(r.Context())
			}))
			r := testkit.Request("GET", "/", "")
			r.Header["Accept"] = tt.accept
			rec := testkit.Serve(h, r)
			if rec.Code != http.StatusOK || got != tt.want {
				t.Fatalf("status %d, chose %q; want 200, %q", rec.Code, got, tt.want)
			}
			if v := rec.Header().Values("Vary"); !reflect.DeepEqual(v, []string{"Accept"}) {
				t.Errorf("Vary = %q, want Accept", v)
			}
		})
	}
}

func TestNegotiateRefusesWith406(t *testing.T) {
	called := false
	h := Negotiate("application/json", "text/csv")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		called = true
	}))
	for _, accept := range []string{"image/png", "application/json;q=0, text/csv;q=0", "text/html, application/*;q=0"} {
		t.Run(accept, func(t *testing.T) {
			called = false
			rec := testkit.Serve(h, testkit.Request("GET", "/", "", "Accept: "+accept))
			p := testkit.Problem(t, rec, http.StatusNotAcceptable)
			if called {
				t.Error("handler ran")
			}
			if got := p["acceptable"]; !reflect.DeepEqual(got, []any{"application/json", "text/csv"}) {
				t.Errorf("acceptable = %v", got)
			}
			if !strings.Contains(rec.Header().Get("Vary"), "Accept") {
				t.Errorf("Vary = %q", rec.Header().Get("Vary"))
			}
		})
	}
}

func TestNegotiateRefusalFormatFollowsAccept(t *testing.T) {
	tests := []struct {
		accept string
		xml    bool
		want   string
	}{
		{"image/png", false, "application/problem+json"},
		{"application/json", false, "application/json"},
		{"application/xml, application/json;q=0.5", false, "application/json"},
		{"application/xml, application/json;q=0.5", true, "application/xml"},
		{"application/problem+xml", true, "application/problem+xml"},
		{"application/problem+xml", false, "application/problem+json"},
	}
	for _, tt := range tests {
		h := (&problem.Writer{XML: tt.xml}).Handler(Negotiate("text/csv")(testkit.OK))
		rec := testkit.Serve(h, testkit.Request("GET", "/", "", "Accept: "+tt.accept))
		if ct := rec.Header().Get("Content-Type"); rec.Code != http.StatusNotAcceptable || ct != tt.want {
			t.Errorf("Accept %q (xml %v): %d, Content-Type %q; want 406, %q", tt.accept, tt.xml, rec.Code, ct, tt.want)
		}
	}
}

// The writer calls its RequestID hook before it would negotiate the format.
// Changing Accept there tells whether the writer reads the header again or
// takes the format from the pass that refused the offers: a hostile header
// must cost one pass, not two.
func TestNegotiateRefusalReadsAcceptOnce(t *testing.T) {
	pw := &problem.Writer{RequestID: func(r *http.Request) string {
		r.Header.Set("Accept", "application/json")
		return ""
	}}
	h := pw.Handler(Negotiate("text/csv")(testkit.OK))
	rec := testkit.Serve(h, testkit.Request("GET", "/", "", "Accept: image/png"))
	if ct := rec.Header().Get("Content-Type"); rec.Code != http.StatusNotAcceptable || ct != "application/problem+json" {
		t.Fatalf("%d, Content-Type %q; want 406, application/problem+json, the format for image/png", rec.Code, ct)
	}
}

func TestNegotiateHugeAcceptHeader(t *testing.T) {
	h := Negotiate("application/json")(testkit.OK)
	big := strings.Repeat("text/html;level=1;q=0.5, ", 64<<10/25) // ~64 KB
	rec := testkit.Serve(h, testkit.Request("GET", "/", "", "Accept: "+big))
	testkit.Problem(t, rec, http.StatusNotAcceptable)
	rec = testkit.Serve(h, testkit.Request("GET", "/", "", "Accept: "+big+"application/json"))
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d", rec.Code)
	}
}

func TestNegotiateKeepsExistingVary(t *testing.T) {
	h := Negotiate("application/json")(testkit.OK)
	for _, tt := range []struct {
		before []string
		want   []string
	}{
		{[]string{"Origin"}, []string{"Origin", "Accept"}},
		{[]string{"origin, accept"}, []string{"origin, accept"}},
		{[]string{"*"}, []string{"*"}},
	} {
		rec := httptest.NewRecorder()
		rec.Header()["Vary"] = append([]string(nil), tt.before...)
		h.ServeHTTP(rec, testkit.Request("GET", "/", ""))
		if got := rec.Header().Values("Vary"); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Vary %q -> %q, want %q", tt.before, got, tt.want)
		}
	}
}

func TestNegotiatedTypeOutsideNegotiate(t *testing.T) {
	if got := NegotiatedTypeFrom(testkit.Request("GET", "/", "").Context()); got != "" {
		t.Fatalf("NegotiatedTypeFrom = %q, want empty", got)
	}
}

func TestNegotiatePanicsOnBadOffers(t *testing.T) {
	for _, offers := range [][]string{nil, {"*/*"}, {"text/*"}, {"application/json;q=1"}, {"json"}} {
		func() {
			defer func() {
				if msg, _ := recover().(string); !strings.HasPrefix(msg, "middleware.Negotiate: ") {
					t.Errorf("Negotiate(%q) panicked with %q, want its own message", offers, msg)
				}
			}()
			Negotiate(offers...)
		}()
	}
}
