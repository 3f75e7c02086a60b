package bind

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chiguard/chiguard/internal/testkit"
)

// A query value that does not decode is the client's error, not an absent
// parameter; the first value counts even when it is bad; and the query's
// other parameters, however many, do not hide the one asked for.
func TestQueryParamMalformedValueIsNotAbsent(t *testing.T) {
	bad := map[string]string{
		"bad escape":                    "/?v=%zz",
		"bad escape before good one":    "/?v=%zz&v=7",
		"semicolon":                     "/?v=5;x",
		"bad value past 10000 others":   "/?" + strings.Repeat("x=1&", 20000) + "v=ten",
		"bad value before 10000 others": "/?v=ten&" + strings.Repeat("x=1&", 20000),
	}
	for name, target := range bad {
		t.Run(name, func(t *testing.T) {
			got, err := QueryParam(testkit.Request("GET", target, ""), "v", 99)
			p := problemOf(err)
			if p == nil || p.Status != 400 {
				t.Fatalf("got %d, %v; want a 400", got, err)
			}
			if len(p.Detail) > 200 {
				t.Errorf("detail of %d bytes", len(p.Detail))
			}
		})
	}
	good := map[string]struct {
		target string
		want   int
	}{
		"escaped key":              {"/?%76=5", 5},
		"escaped value":            {"/?v=%35", 5},
		"bad pair of another key":  {"/?x=%zz&v=5", 5},
		"past 10000 others":        {"/?" + strings.Repeat("x=1&", 20000) + "v=5", 5},
		"absent past 10000 others": {"/?" + strings.Repeat("x=1&", 20000), 99},
		"empty pairs":              {"/?&&v=5&", 5},
	}
	for name, tt := range good {
		t.Run(name, func(t *testing.T) {
			got, err := QueryParam(testkit.Request("GET", tt.target, ""), "v", 99)
			if err != nil || got != tt.want {
				t.Fatalf("got %d, %v; want %d", got, err, tt.want)
			}
		})
	}
}

// FuzzQueryValue holds queryValue to url.ParseQuery wherever the query
// parses: the first value of a name is the same, and a name ParseQuery
// does not find, queryValue does not either.
func FuzzQueryValue(f *testing.F) {
	for _, s := range []string{"", "v=1", "a=1&v=2&v=3", "v", "v=", "%76=5", "v+x=1&v%20x=2", "v=a%20b+c", "v=%zz", "v=5;x",
		"&&v=1&", "=1&v=2", "%zz=1&v=2", "v=%e2%82%ac"} {
		f.Add(s, "v")
	}
	f.Fuzz(func(t *testing.T, query, name string) {
		got, fe, ok := queryValue(query, name)
		q, err := url.ParseQuery(query)
		if err != nil {
			return // ParseQuery drops pairs here; queryValue refuses the asked one instead
		}
		vs, want := q[name]
		if ok != want || ok && fe == nil && got != vs[0] || ok && fe != nil {
			t.Fatalf("query %q, name %q: queryValue %q %v %v, ParseQuery %q %v", query, name, got, fe, ok, vs, want)
		}
	})
}

// BenchmarkHostileQuery looks for a parameter after 10,000 others of one
// size: "benign" keys that compare at once, "escaped" keys full of escapes
// that unescape to another length than the name's, and "escaped-name-length"
// ones that unescape to its length, each unescaped before it is compared.
// All are linear; the hostile ones should cost at most a few times the
// benign one.
func BenchmarkHostileQuery(b *testing.B) {
	for _, shape := range []struct{ name, pair string }{
		{"benign", "abcdefghijkl=1"},
		{"escaped", "%61%62%63%64=1"},
		{"escaped-name-length", "%6c%69%6d%69z=1"},
	} {
		query := strings.Repeat(shape.pair+"&", 10_000) + "limit=5"
		b.Run(shape.name, func(b *testing.B) {
			b.SetBytes(int64(len(query)))
			b.ReportAllocs()
			for b.Loop() {
				if v, fe, ok := queryValue(query, "limit"); !ok || fe != nil || v != "5" {
					b.Fatal(v, fe, ok)
				}
			}
		})
	}
}
