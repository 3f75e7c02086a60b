package accept

import (
	"hash/maphash"
	"math/bits"
	"math/rand/v2"
)

// maxParams caps the parameters of one media range. No registered media
// type comes close; the cap sizes the table of the repeated-name check.
const maxParams = 32

// mediaRange is one Accept element, parsed in two steps (parseType, then
// parseParams) so that scan can skip the second for ranges that match no
// offer. Its strings point into the header.
type mediaRange struct {
	typ, sub string // "*" for wildcards
	level    int    // 0 for */*, 1 for type/*, 2 for type/subtype
	params   string // the validated parameters before the weight, no empty ones at either end
	nparams  int
	q        int // thousandths
}

// rawParam is a parameter as written in the header: a quoted value keeps its
// backslash escapes, so that reading it needs no allocation.
type rawParam struct {
	name, value string
	quoted      bool
}

// parseType parses the type/subtype that starts s, an element that begins
// with neither whitespace nor a comma, into r. It returns the index after
// the subtype, where parseParams takes over.
func parseType(s string, r *mediaRange) (end int, ok bool) {
	slash := tokenEnd(s, 0)
	if slash == 0 || slash == len(s) || s[slash] != '/' {
		return 0, false
	}
	end = tokenEnd(s, slash+1)
	if end == slash+1 {
		return 0, false
	}
	r.typ, r.sub = s[:slash], s[slash+1:end]
	switch r.level = 2; {
	case r.sub != "*":
		if r.typ == "*" {
			return 0, false // */json
		}
	case r.typ == "*":
		r.level = 0
	default:
		r.level = 1
	}
	return end, true
}

// matchesType reports whether r's type and subtype match offer.
func (r *mediaRange) matchesType(offer *MediaType) bool {
	return r.level == 0 || (equalFold(r.typ, offer.Type) && (r.level == 1 || equalFold(r.sub, offer.Subtype)))
}

// parseParams parses the parameters and weight of the element s from s[i],
// just after its subtype, into r, and returns where the element ends: at the
// comma that follows it, or len(s). ok is false for a malformed element;
// then end is where the parser stopped, outside any quoted string, from
// which elementEnd finds the end of the element.
func parseParams(s string, i int, r *mediaRange) (end int, ok bool) {
	if end, ok = parseParamList(s, i, r, nil); end == needNames {
		end, ok = parseNamedParams(s, i, r)
	}
	return end, ok
}

// needNames is what parseParamList returns, without names, at a second
// parameter: from there on names must be checked for repeats.
const needNames = -1

// parseNamedParams is parseParams for ranges with two or more parameters.
// Its set of names lives on its own frame, so that the common ranges, with
// one parameter or none, do not pay for it.
func parseNamedParams(s string, i int, r *mediaRange) (end int, ok bool) {
	var names nameSet
	return parseParamList(s, i, r, &names)
}

// parseParamList is parseParams with the set of names seen so far; with a
// nil set it returns needNames at the second parameter.
func parseParamList(s string, i int, r *mediaRange, names *nameSet) (end int, ok bool) {
	r.params, r.nparams, r.q = "", 0, 1000
	first := -1 // where the first parameter starts: empty ones before it are left out
	for {
		semi := skipOWS(s, i)
		if semi == len(s) || s[semi] == ',' {
			return semi, true
		}
		if s[semi] != ';' {
			return semi, false
		}
		i = skipOWS(s, semi+1)
		if i == len(s) || s[i] == ';' || s[i] == ',' {
			continue // empty parameter, allowed by the grammar
		}
		eq := tokenEnd(s, i)
		if eq == i || eq == len(s) || s[eq] != '=' {
			return i, false
		}
		name := s[i:eq]
		if len(name) == 1 && lower(name[0]) == 'q' {
			return r.weight(s, eq+1)
		}
		if r.nparams++; r.nparams > maxParams {
			return i, false
		}
		if names == nil && r.nparams == 2 {
			return needNames, false
		}
		if names != nil && !names.add(name, r.params) {
			return i, false
		}
		if first < 0 {
			first = i
		}
		if i, ok = valueEnd(s, eq+1); !ok {
			return eq + 1, false
		}
		r.params = s[first:i]
	}
}

// weight parses the qvalue at s[i] into r and skips any accept extension
// after it.
func (r *mediaRange) weight(s string, i int) (end int, ok bool) {
	end = tokenEnd(s, i)
	if r.q, ok = parseQ(s[i:end]); !ok {
		return i, false
	}
	end = skipOWS(s, end)
	switch {
	case end == len(s) || s[end] == ',':
		return end, true
	case s[end] == ';':
		return elementEnd(s, end), true
	}
	return end, false
}

// valueEnd returns the index just past the parameter value at s[i], a token
// or a quoted string.
func valueEnd(s string, i int) (int, bool) {
	if i < len(s) && s[i] == '"' {
		return quotedEnd(s, i)
	}
	end := tokenEnd(s, i)
	return end, end > i
}

// nextParam returns the first parameter of seg, a list that parseParams has
// validated, and the text after it. ok is false when seg holds no more.
func nextParam(seg string) (p rawParam, rest string, ok bool) {
	i := 0
	for i < len(seg) && (seg[i] == ';' || seg[i] == ' ' || seg[i] == '\t') {
		i++
	}
	if i == len(seg) {
		return p, "", false
	}
	eq := tokenEnd(seg, i)
	end, _ := valueEnd(seg, eq+1)
	p.name, p.value = seg[i:eq], seg[eq+1:end]
	if p.value[0] == '"' {
		p.value, p.quoted = p.value[1:len(p.value)-1], true
	}
	return p, seg[end:], true
}

// nameSet holds the parameter names of one range, to refuse a repeated
// one. Rescanning the earlier parameters for each name would make a range's
// cost grow with the square of its parameters; the set keeps fingerprints
// in a small hash table instead, and rescans only when two are equal: for
// names of up to eight bytes only when the names are.
type nameSet struct {
	slot [2 * maxParams]uint8 // 0 is empty, else 1 + an index into fp
	fp   [maxParams]uint64
	n    uint8
}

// add records name and reports whether it is new. earlier is the
// validated parameter list that holds the names added before.
func (ns *nameSet) add(name, earlier string) bool {
	var f uint64 // name folded to lower case: its bytes if eight or fewer, else their hash
	if len(name) <= 8 {
		for i := 0; i < len(name); i++ {
			f = f<<8 | uint64(lower(name[i]))
		}
	} else {
		f = hashName(name)
	}
	hi, lo := bits.Mul64(f^slotSeed[0], slotSeed[1]) // mixed with secrets: no client can aim at one slot
	for i := (hi ^ lo) >> 58; ; i = (i + 1) % uint64(len(ns.slot)) {
		if ns.slot[i] == 0 {
			ns.fp[ns.n] = f
			ns.n++
			ns.slot[i] = ns.n
			return true
		}
		if ns.fp[ns.slot[i]-1] == f && hasParam(earlier, name) {
			return false
		}
	}
}

// hashName hashes name folded to lower case, with a seed chosen at start-up
// so that no client can pick long names that collide.
func hashName(name string) uint64 {
	var h maphash.Hash
	h.SetSeed(nameSeed)
	for i := 0; i < len(name); i++ {
		h.WriteByte(lower(name[i]))
	}
	return h.Sum64()
}

var (
	nameSeed = maphash.MakeSeed()
	slotSeed = [2]uint64{rand.Uint64(), rand.Uint64()}
)

// testHookRescan, if set, is called with the length of every parameter
// list hasParam reads: the bytes the check for repeated names reads twice.
var testHookRescan func(n int)

// hasParam reports whether the validated list seg names a parameter name.
func hasParam(seg, name string) bool {
	if testHookRescan != nil {
		testHookRescan(len(seg))
	}
	for {
		p, rest, ok := nextParam(seg)
		if !ok {
			return false
		}
		if equalFold(p.name, name) {
			return true
		}
		seg = rest
	}
}

// specificity ranks r among the ranges that match an offer: type/subtype
// over type/* over */*, then by the number of parameters.
func (r *mediaRange) specificity() int {
	return r.level*(maxParams+1) + r.nparams
}

// paramsIn reports whether offer carries every parameter of r.
func (r *mediaRange) paramsIn(offer *MediaType) bool {
	for seg := r.params; ; {
		p, rest, more := nextParam(seg)
		if !more {
			return true
		}
		if !offer.has(p) {
			return false
		}
		seg = rest
	}
}

// has reports whether m carries parameter p with an equal value.
func (m *MediaType) has(p rawParam) bool {
	for _, mp := range m.Params {
		if equalFold(mp.Name, p.name) {
			return p.equals(mp.Value, equalFold(p.name, "charset"))
		}
	}
	return false
}

// equals compares p's value, unescaping it on the fly, with want; fold makes
// the comparison case-insensitive.
func (p rawParam) equals(want string, fold bool) bool {
	j := 0
	for i := 0; i < len(p.value); i, j = i+1, j+1 {
		c := p.value[i]
		if p.quoted && c == '\\' {
			i++
			c = p.value[i]
		}
		if j == len(want) || (c != want[j] && (!fold || lower(c) != lower(want[j]))) {
			return false
		}
	}
	return j == len(want)
}
