package accept

import (
	"net/http"
	"slices"
	"testing"
)

func TestVary(t *testing.T) {
	tests := []struct {
		name string
		have []string
		want []string
	}{
		{"none", nil, []string{"Accept"}},
		{"another field", []string{"Accept-Encoding"}, []string{"Accept-Encoding", "Accept"}},
		{"already listed, any case", []string{"Origin, accept"}, []string{"Origin, accept"}},
		{"star", []string{"*"}, []string{"*"}},
	}
	for _, tt := range tests {
		h := http.Header{}
		if tt.have != nil {
			h["Vary"] = slices.Clone(tt.have)
		}
		Vary(h)
		if got := h["Vary"]; !slices.Equal(got, tt.want) {
			t.Errorf("%s: Vary = %q, want %q", tt.name, got, tt.want)
		}
	}
	h := http.Header{}
	Vary(h)
	h.Add("Vary", "Origin") // must not write into the shared value
	if varyAccept[0] != "Accept" || len(varyAccept) != 1 {
		t.Fatalf("shared value changed: %q", varyAccept)
	}
}
