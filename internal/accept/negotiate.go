package accept

import "math/bits"

// chunk is how many offers one pass over the header scores; their scores
// live on the stack, so Negotiate never allocates. Longer offer lists take
// one pass per chunk. It must not exceed the bits of a uint (see scan).
// Twelve makes room for eight offers and the four ProblemTypes of Offers.
const chunk = 12

// score is the most specific range seen so far for one offer.
type score struct {
	specificity int // -1: no range matched
	q           int
}

// Negotiate returns the index of the offer the Accept field lines prefer, or
// -1 when none is acceptable.
//
// accept holds every Accept field line: r.Header["Accept"], or
// r.Header.Values("Accept"), which also canonicalises the key. No field
// lines, only empty ones or only malformed elements mean the client accepts
// anything: the first offer wins. Otherwise the offer with the highest
// non-zero weight wins and ties go to the earliest offer.
func Negotiate(accept []string, offers []MediaType) int {
	return negotiate(accept, offers, len(offers), nil)
}

// negotiate is Negotiate among offers[:n]. It leaves in tail the weights,
// as Quality gives them, of the offers after n, which take part in the same
// passes over accept but are never chosen.
func negotiate(accept []string, offers []MediaType, n int, tail []int) int {
	best, bestQ := -1, 0
	for base := 0; base < len(offers); base += chunk {
		group := offers[base:min(base+chunk, len(offers))]
		var buf [chunk]score
		scores := buf[:len(group)]
		if !scan(accept, group, scores) {
			for i := range tail {
				tail[i] = 1000
			}
			return min(0, n-1)
		}
		for i, s := range scores {
			switch j := base + i; {
			case j >= n:
				tail[j-n] = s.q
			case s.q > bestQ:
				best, bestQ = j, s.q
			}
		}
	}
	return best
}

// Quality returns the weight, in thousandths (0 to 1000), that the Accept
// field lines give to offer: the weight of the most specific matching range,
// the highest one among equally specific ranges, and 0 when no range
// matches. A header that is absent, empty or wholly malformed gives 1000.
func Quality(accept []string, offer MediaType) int {
	var s [1]score
	if !scan(accept, []MediaType{offer}, s[:]) {
		return 1000
	}
	return s[0].q
}

// scan reads every element of accept once and leaves in scores[i] the
// weight accept gives offers[i]. It reports whether accept has any valid
// element; if not, scores are meaningless.
func scan(accept []string, offers []MediaType, scores []score) (valid bool) {
	scores = scores[:len(offers)]
	for i := range scores {
		scores[i] = score{specificity: -1}
	}
	var r mediaRange
	for _, s := range accept {
		for i := 0; i < len(s); {
			if c := s[i]; c == ' ' || c == '\t' || c == ',' {
				i++
				continue
			}
			elem := s[i:]
			end, ok := parseType(elem, &r)
			if !ok {
				i += elementEnd(elem, 0) // skip the element as if absent
				continue
			}
			var typeMatch uint // bit j: offers[j] has r's type and subtype
			level, ntyp, nsub := r.level, len(r.typ), len(r.sub)
			for j := range offers {
				// The length tests, inlined, spare most calls.
				if o := &offers[j]; level == 0 || ntyp == len(o.Type) &&
					(level == 1 || nsub == len(o.Subtype)) && r.matchesType(o) {
					typeMatch |= 1 << j
				}
			}
			if typeMatch == 0 && valid {
				// Whether or not the rest is well formed, it changes nothing.
				i += elementEnd(elem, end)
				continue
			}
			if end, ok = parseParams(elem, end, &r); !ok {
				i += elementEnd(elem, end)
				continue
			}
			i += end
			valid = true
			for m := typeMatch; m != 0; m &= m - 1 {
				j := bits.TrailingZeros(m)
				if r.nparams > 0 && !r.paramsIn(&offers[j]) {
					continue
				}
				spec := r.specificity()
				if sc := &scores[j]; spec > sc.specificity || (spec == sc.specificity && r.q > sc.q) {
					*sc = score{spec, r.q}
				}
			}
		}
	}
	return valid
}
