package bind

import (
	"errors"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/problem"
)

// A character outside the Basic Multilingual Plane may be sent escaped as
// a UTF-16 surrogate pair: only a half pair is refused (see
// TestDecodeJSONSyntaxErrorsSayWhere), the pair decodes to its character.
func TestDecodeJSONTakesAnEscapedSurrogatePair(t *testing.T) {
	for _, body := range []string{`{"name":"\ud83d\ude00"}`, `{"name":"\uD83D\uDE00"}`, `{"name":"😀"}`} {
		v, rec := semDecode(t, nil, "application/json", body)
		if rec.Code != 200 || v.Name != "😀" {
			t.Errorf("%s: status %d, name %q; want 200, %q", body, rec.Code, v.Name, "😀")
		}
	}
}

// A string field tagged `json:",string"` holds a JSON string inside the
// string sent, and encoding/json decodes that inner string's escapes too:
// a lone surrogate escaped there ("\"\\ud800\"") is refused where it
// stands, as one in the body itself, and a pair inside is its character.
func TestDecodeJSONRefusesALoneSurrogateInsideAQuotedString(t *testing.T) {
	type quoted struct {
		Name *string `json:"name,string"`
	}
	for _, tt := range []struct {
		body   string
		offset int // of the refused escape; 0 for none
	}{
		{`{"name":"\"\\ud800\""}`, 12},
		{`{"name":"\"é\\uDFFF\""}`, 14},
		{`{"name":"\"\\ud83d\\u0041\""}`, 12},
		{`{"name":"\"\\ud83d\\ude00\""}`, 0},
		{`{"name":"\"\ud83d\ude00\""}`, 0},
	} {
		r := testkit.Request("POST", "/", tt.body)
		r.Header.Set("Content-Type", "application/json")
		var v quoted
		err := DecodeJSON(httptest.NewRecorder(), r, &v)
		if tt.offset == 0 {
			if err != nil || v.Name == nil || *v.Name != "😀" {
				t.Errorf("%s: %v, want the pair decoded", tt.body, err)
			}
			continue
		}
		p, ok := errors.AsType[*problem.Problem](err)
		if !ok || p.Status != 400 || !strings.Contains(p.Detail, "lone surrogate") ||
			!strings.Contains(p.Detail, "(byte "+strconv.Itoa(tt.offset)+")") {
			t.Errorf("%s: %v, want a lone surrogate refused at byte %d", tt.body, err, tt.offset)
		}
	}
}
