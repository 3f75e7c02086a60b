package accept

// maxParams caps the parameters of one media range. No registered media
// type comes close; the cap keeps the duplicate-name check cheap on hostile
// input.
const maxParams = 32

// mediaRange is one Accept element, parsed in two steps (parseType, then
// parseParams) so that scan can skip the second for ranges that match no
// offer. Its strings point into the header.
type mediaRange struct {
	typ, sub string // "*" for wildcards
	level    int    // 0 for */*, 1 for type/*, 2 for type/subtype
	params   string // the validated parameter list before the weight
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
// comma that follows it, or len(s). ok is false for a malformed element. A
// parameter name is checked against the earlier ones by rescanning them,
// which maxParams keeps cheap.
func parseParams(s string, i int, r *mediaRange) (end int, ok bool) {
	r.params, r.nparams, r.q = "", 0, 1000
	start := i
	for {
		semi := skipOWS(s, i)
		if semi == len(s) || s[semi] == ',' {
			r.params = s[start:semi]
			return semi, true
		}
		if s[semi] != ';' {
			return 0, false
		}
		i = skipOWS(s, semi+1)
		if i == len(s) || s[i] == ';' || s[i] == ',' {
			continue // empty parameter, allowed by the grammar
		}
		eq := tokenEnd(s, i)
		if eq == i || eq == len(s) || s[eq] != '=' {
			return 0, false
		}
		name := s[i:eq]
		if len(name) == 1 && lower(name[0]) == 'q' {
			r.params = s[start:semi]
			return r.weight(s, eq+1)
		}
		if i, ok = valueEnd(s, eq+1); !ok {
			return 0, false
		}
		if r.nparams++; r.nparams > maxParams ||
			(r.nparams > 1 && hasParam(s[start:semi], name)) {
			return 0, false
		}
	}
}

// weight parses the qvalue at s[i] into r and skips any accept extension
// after it.
func (r *mediaRange) weight(s string, i int) (end int, ok bool) {
	end = tokenEnd(s, i)
	if r.q, ok = parseQ(s[i:end]); !ok {
		return 0, false
	}
	end = skipOWS(s, end)
	switch {
	case end == len(s) || s[end] == ',':
		return end, true
	case s[end] == ';':
		return elementEnd(s, end), true
	}
	return 0, false
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

// hasParam reports whether the validated list seg names a parameter name.
func hasParam(seg, name string) bool {
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
