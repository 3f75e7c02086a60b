package middleware

import (
	"context"
	"net/http"
	"strings"

	"github.com/chiguard/chiguard/internal/accept"
	"github.com/chiguard/chiguard/internal/describe"
	"github.com/chiguard/chiguard/internal/reqstate"
	"github.com/chiguard/chiguard/problem"
)

// Negotiate picks, for each request, the offered media type the request's
// Accept header prefers (RFC 9110 §12.5.1) and stores it in the request
// context, where NegotiatedTypeFrom finds it. Offers are listed in the server's
// order of preference: ties, a missing Accept and */* go to the first one.
// Every response gets Vary: Accept.
//
// When the client accepts none of the offers, Negotiate answers 406 with a
// problem whose "acceptable" member lists them, in the format that the same
// pass over Accept chose (see problem.Writer.WriteAs). An Accept header whose
// elements are all malformed is treated as absent (the client gets the
// first offer, not a 406 it cannot act on); malformed elements next to
// valid ones are skipped. Every Accept field line counts, q=0 excludes, the
// most specific matching range wins, and names compare without case.
//
// Offers are parsed once; an invalid offer (a wildcard, a q parameter, bad
// syntax) is a programming error and makes Negotiate panic.
func Negotiate(offers ...string) func(http.Handler) http.Handler {
	if len(offers) == 0 {
		panic("middleware.Negotiate: no offers")
	}
	parsed := make([]accept.MediaType, len(offers))
	names := make([]string, len(offers))
	values := make([]any, len(offers)) // boxed once: storing them costs no allocation
	for i, o := range offers {
		m, err := accept.ParseMediaType(o)
		if err != nil {
			panic("middleware.Negotiate: " + err.Error())
		}
		parsed[i], names[i], values[i] = m, m.String(), m.String()
	}
	refusal := problem.NotAcceptable("This resource is available as "+strings.Join(names, ", ")+".").
		With("acceptable", names)
	all := accept.NewOffers(parsed...)
	return func(next http.Handler) http.Handler {
		return describe.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			accept.Vary(w.Header())
			i, choice := all.Negotiate(r.Header["Accept"])
			if i < 0 {
				// The pass that refused the offers also chose the problem's
				// media type: the writer need not read Accept again.
				pw := problem.WriterFrom(r.Context())
				pw.WriteAs(w, r, refusal, problemTypes[choice.For(pw.XML)])
				return
			}
			if s := reqstate.From(r.Context()); s != nil && s.Set(reqstate.Negotiated, values[i], nil) {
				next.ServeHTTP(w, r)
				return
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), reqstate.Negotiated, values[i])))
		}), describeNegotiate(names))
	}
}

// problemTypes are the names of accept.ProblemTypes, for Writer.WriteAs.
var problemTypes = func() (names []string) {
	for _, t := range accept.ProblemTypes {
		names = append(names, t.String())
	}
	return names
}()

// NegotiatedTypeFrom returns the media type Negotiate chose for the request, in
// canonical form (lower-case type and subtype, then the offer's
// parameters), or "" outside Negotiate.
func NegotiatedTypeFrom(ctx context.Context) string {
	t, _ := reqstate.Lookup(ctx, reqstate.Negotiated).(string)
	return t
}
