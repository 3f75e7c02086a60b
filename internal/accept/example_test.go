package accept_test

import (
	"fmt"
	"net/http"

	"github.com/chiguard/chiguard/internal/accept"
)

func ExampleNegotiate() {
	// Offers are parsed once, in the server's order of preference.
	offers := []accept.MediaType{
		accept.MustParseMediaType("application/problem+json"),
		accept.MustParseMediaType("application/json"),
		accept.MustParseMediaType("application/xml"),
	}
	for _, h := range []string{
		"",
		"*/*",
		"application/json",
		"*/*, application/problem+json;q=0",
		"text/html,application/xml;q=0.9,*/*;q=0.8",
		"image/png",
	} {
		r, _ := http.NewRequest(http.MethodGet, "/", nil)
		if h != "" {
			r.Header.Set("Accept", h)
		}
		if i := accept.Negotiate(r.Header.Values("Accept"), offers); i >= 0 {
			fmt.Printf("%-45q -> %s\n", h, offers[i])
		} else {
			fmt.Printf("%-45q -> 406 Not Acceptable\n", h)
		}
	}
	// Output:
	// ""                                            -> application/problem+json
	// "*/*"                                         -> application/problem+json
	// "application/json"                            -> application/json
	// "*/*, application/problem+json;q=0"           -> application/json
	// "text/html,application/xml;q=0.9,*/*;q=0.8"   -> application/xml
	// "image/png"                                   -> 406 Not Acceptable
}
