package bind

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chiguard/chiguard/internal/testkit"
)

// A bool parameter is true or false, as its schema ("type": "boolean"),
// its 400's detail and a JSON body's booleans say: not the 1, t, TRUE and
// False that strconv.ParseBool also reads.
func TestParamBoolIsTrueOrFalse(t *testing.T) {
	for _, s := range []string{"1", "0", "t", "f", "T", "F", "TRUE", "False", "yes", ""} {
		v, err := QueryParam(testkit.Request("GET", "/?v="+s, ""), "v", false)
		p := problemOf(err)
		if p == nil || p.Status != http.StatusBadRequest || !strings.Contains(p.Detail, "must be true or false") {
			t.Errorf("%q: got %v, %v; want a 400", s, v, err)
		}
	}
	for s, want := range map[string]bool{"true": true, "false": false} {
		if v, err := QueryParam(testkit.Request("GET", "/?v="+s, ""), "v", !want); err != nil || v != want {
			t.Errorf("%q: got %v, %v", s, v, err)
		}
	}
}
