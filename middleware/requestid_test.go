package middleware

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chiguard/chiguard/internal/testkit"
	chimw "github.com/go-chi/chi/v5/middleware"
)

func TestRequestIDKeepsValidIncomingID(t *testing.T) {
	for _, id := range []string{
		"abc", "0b9e3c1e-4f1a-4c59-9a43-0f6b1e2d3c4b", "01ARZ3NDEKTSV4RRFFQ69G5FAV",
		"host.example.com/AbCdEfGhIj-000042", "dGVzdA==", "a:b@c~d_e+f", strings.Repeat("x", 128),
		"...", "a..b", ".a/b.", "//evil.example/phish",
	} {
		var seen string
		h := RequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			seen = chimw.GetReqID(r.Context())
		}))
		rec := testkit.Serve(h, testkit.Request("GET", "/", "", "X-Request-Id: "+id))
		if seen != id || rec.Header().Get("X-Request-Id") != id {
			t.Errorf("id %q: context %q, header %q", id, seen, rec.Header().Get("X-Request-Id"))
		}
	}
}

func TestRequestIDReplacesInvalidOrMissingID(t *testing.T) {
	for _, id := range []string{"", strings.Repeat("x", 129), "has space", `q"uote`, "a,b", "tab\there", "é", "x\x00y",
		".", "..", "../x", "a/../b", "a/./b", "a/..", "./a", `a\b`} {
		var seen string
		h := RequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			seen = chimw.GetReqID(r.Context())
		}))
		r := testkit.Request("GET", "/", "")
		if id != "" {
			r.Header["X-Request-Id"] = []string{id}
		}
		rec := testkit.Serve(h, r)
		if seen == id || !ValidRequestID(seen) || rec.Header().Get("X-Request-Id") != seen {
			t.Errorf("id %q: context %q, header %q", id, seen, rec.Header().Get("X-Request-Id"))
		}
	}
}

func TestRequestIDGeneratesDistinctIDs(t *testing.T) {
	seen := map[string]bool{}
	var perPosition [26]map[byte]bool
	h := RequestID(testkit.OK)
	for range 1000 {
		id := testkit.Serve(h, testkit.Request("GET", "/", "")).Header().Get("X-Request-Id")
		if seen[id] {
			t.Fatalf("duplicate id %q", id)
		}
		seen[id] = true
		if len(id) != 26 || strings.Trim(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != "" {
			t.Fatalf("id %q is not 26 characters of base32", id)
		}
		for i := range id {
			if perPosition[i] == nil {
				perPosition[i] = map[byte]bool{}
			}
			perPosition[i][id[i]] = true
		}
	}
	// Every character is random: none is stuck (16 values at least, since
	// the 13th of each 64-bit half carries 4 bits).
	for i, vals := range perPosition {
		if len(vals) < 16 {
			t.Errorf("position %d takes only %d values", i, len(vals))
		}
	}
}

func TestRequestIDReachesProblems(t *testing.T) {
	tests := []struct{ id, instance string }{
		{"req-42", "req-42"},
		{"host.example.com/AbCdEfGhIj-000042", "host.example.com%2FAbCdEfGhIj-000042"},
		{"//evil.example/phish", "%2F%2Fevil.example%2Fphish"},
		{"https://evil.example", "https%3A%2F%2Fevil.example"},
	}
	for _, tt := range tests {
		for name, h := range map[string]http.Handler{
			"chiguard": RequestID(http.HandlerFunc(NotFound)),
			"chi":      chimw.RequestID(http.HandlerFunc(NotFound)),
		} {
			rec := testkit.Serve(h, testkit.Request("GET", "/", "", "X-Request-Id: "+tt.id))
			p := testkit.Problem(t, rec, http.StatusNotFound)
			if p["instance"] != tt.instance {
				t.Errorf("%s RequestID, id %q: instance = %v, want %s", name, tt.id, p["instance"], tt.instance)
			}
		}
	}
}
