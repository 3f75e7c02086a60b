package problem

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestAppendQuotedMatchesEncodingJSON puts every byte value, and the runes
// encoding/json treats specially, at every offset of strings long enough
// for the eight-byte scan, and compares with json.Marshal byte for byte.
func TestAppendQuotedMatchesEncodingJSON(t *testing.T) {
	var specials []string
	for c := range 256 {
		specials = append(specials, string([]byte{byte(c)}))
	}
	specials = append(specials, "\u2028", "\u2029", "é", "🙂", "\xed\xa0\x80", "\xf4\x90\x80\x80")
	for _, sp := range specials {
		for pos := range 18 {
			s := strings.Repeat("a", pos) + sp + strings.Repeat("b", 17-pos)
			want, _ := json.Marshal(s)
			if got := appendQuoted(nil, s); string(got) != string(want) {
				t.Fatalf("appendQuoted(%q) = %s, want %s", s, got, want)
			}
		}
	}
}
