package accept

import "slices"

// ProblemTypes are the media types a problem is written as, in the problem
// writer's order of preference: the JSON pair, then the XML pair, which
// only a writer with XML enabled sends. Read-only.
var ProblemTypes = []MediaType{
	MustParseMediaType("application/problem+json"),
	MustParseMediaType("application/json"),
	MustParseMediaType("application/problem+xml"),
	MustParseMediaType("application/xml"),
}

// ProblemChoice is the media type the problem writer would pick for one
// request, as an index into ProblemTypes, with XML and without.
type ProblemChoice struct{ json, xml uint8 }

// For returns the index into ProblemTypes for a writer with XML enabled or
// not.
func (c ProblemChoice) For(xml bool) int {
	if xml {
		return int(c.xml)
	}
	return int(c.json)
}

// Offers are a server's offers followed by ProblemTypes, so that one pass
// over an Accept header picks an offer and, should it refuse them all,
// the media type of the 406 problem: a hostile header is not read twice.
type Offers struct {
	all    []MediaType
	n      int
	common []answer
}

// answer is Negotiate's result for one Accept header, computed in advance.
type answer struct {
	accept string
	i      int
	choice ProblemChoice
}

// NewOffers returns offers, in the server's order of preference, ready for
// Negotiate.
func NewOffers(offers ...MediaType) Offers {
	all := make([]MediaType, 0, len(offers)+len(ProblemTypes))
	o := Offers{all: append(append(all, offers...), ProblemTypes...), n: len(offers)}
	// The Accept values clients send most, "*/*" and one offer's bare
	// type, are answered by comparing strings: the answers come from the
	// same pass as any other header's, run once here.
	for _, h := range append([]string{"*/*"}, essences(offers[:min(len(offers), 8)])...) {
		i, c := o.negotiate([]string{h})
		o.common = append(o.common, answer{h, i, c})
	}
	return o
}

// essences returns the distinct type/subtype pairs of offers, in order.
func essences(offers []MediaType) []string {
	var out []string
	for _, m := range offers {
		if e := m.Type + "/" + m.Subtype; !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out
}

// Negotiate returns what the package's Negotiate returns for the offers
// and, from the same pass, the choice the problem writer would make for
// the request: the first problem type of highest weight, or the first one
// when none is acceptable, since an error is never an empty 406.
func (o Offers) Negotiate(accept []string) (int, ProblemChoice) {
	if len(accept) == 1 {
		for _, a := range o.common {
			if accept[0] == a.accept {
				return a.i, a.choice
			}
		}
	}
	return o.negotiate(accept)
}

func (o Offers) negotiate(accept []string) (int, ProblemChoice) {
	var q [4]int
	i := negotiate(accept, o.all, o.n, q[:len(o.all)-o.n])
	return i, ProblemChoice{json: firstMax(q[:2]), xml: firstMax(q[:])}
}

// firstMax returns the index of the first highest value in q.
func firstMax(q []int) uint8 {
	best := 0
	for i, v := range q {
		if v > q[best] {
			best = i
		}
	}
	return uint8(best)
}
