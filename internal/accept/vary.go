package accept

import (
	"net/http"
	"strings"
)

// varyAccept is the shared value of a new Vary field. Its capacity is one,
// so a later Header.Add copies it instead of writing into it.
var varyAccept = []string{"Accept"}

// Vary records in h that the response depends on the request's Accept: it
// adds "Accept" to Vary unless Vary already lists it or is "*". Anything
// that negotiates on Accept calls it, so the field is written one way.
func Vary(h http.Header) {
	vary := h["Vary"]
	if len(vary) == 0 {
		h["Vary"] = varyAccept
		return
	}
	for _, v := range vary {
		for f := range strings.SplitSeq(v, ",") {
			if f = strings.TrimSpace(f); f == "*" || strings.EqualFold(f, "Accept") {
				return
			}
		}
	}
	h.Add("Vary", "Accept")
}
