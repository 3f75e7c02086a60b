package bind

import "testing"

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
