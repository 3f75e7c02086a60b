package bind

import (
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
