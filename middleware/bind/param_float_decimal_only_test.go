package bind

import (
	"net/url"
	"testing"

	"github.com/chiguard/chiguard/internal/testkit"
)

// A float parameter is a decimal number, as its schema ("type": "number")
// and the body's JSON numbers are: not Go's hexadecimal floats or digits
// split by underscores, which strconv.ParseFloat also reads.
func TestParamFloatIsDecimalOnly(t *testing.T) {
	for _, s := range []string{"1_000", "0x1p4", "0X10", "-0x1.8p1", "1_0.5"} {
		if v, err := QueryParam(testkit.Request("GET", "/?v="+url.QueryEscape(s), ""), "v", 0.0); problemOf(err) == nil {
			t.Errorf("float64 %q: got %v", s, v)
		}
		if v, err := QueryParam(testkit.Request("GET", "/?v="+url.QueryEscape(s), ""), "v", float32(0)); problemOf(err) == nil {
			t.Errorf("float32 %q: got %v", s, v)
		}
	}
	for s, want := range map[string]float64{"1000": 1000, "-1.5e3": -1500, "0.25": 0.25, "1E2": 100} {
		if v, err := QueryParam(testkit.Request("GET", "/?v="+url.QueryEscape(s), ""), "v", 0.0); err != nil || v != want {
			t.Errorf("%q: got %v, %v", s, v, err)
		}
	}
}
