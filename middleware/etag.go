package middleware

// Entity tags (RFC 9110 §8.8.3) and the If-Match / If-None-Match lists.
// net/http has this parsing only inside ServeContent, unexported, and the
// libraries we found split lists at every comma, which breaks tags that
// hold one; so it is written here, allocation-free.

// entityTag is a parsed entity-tag. opaque is the quoted string, quotes
// included, pointing into the header it was read from.
type entityTag struct {
	weak   bool
	opaque string
}

// isEtagc reports the bytes an opaque-tag may hold between its quotes:
// %x21 / %x23-7E / obs-text.
func isEtagc(c byte) bool {
	return c == 0x21 || (c >= 0x23 && c != 0x7f)
}

// scanETag reads the entity-tag at the start of s and returns it and the
// index just past it.
func scanETag(s string) (t entityTag, end int, ok bool) {
	i := 0
	if len(s) >= 2 && s[0] == 'W' && s[1] == '/' {
		t.weak, i = true, 2
	}
	if i == len(s) || s[i] != '"' {
		return entityTag{}, 0, false
	}
	for j := i + 1; j < len(s); j++ {
		switch c := s[j]; {
		case c == '"':
			t.opaque = s[i : j+1]
			return t, j + 1, true
		case !isEtagc(c):
			return entityTag{}, 0, false
		}
	}
	return entityTag{}, 0, false
}

// parseETag parses a whole header value holding one entity-tag, such as
// the ETag a handler set.
func parseETag(s string) (entityTag, bool) {
	s = trimOWS(s)
	t, end, ok := scanETag(s)
	return t, ok && end == len(s)
}

// eachETag walks the list in every field line of an If-Match or
// If-None-Match header, calling fn for each valid entity-tag until fn
// returns true. It reports whether the header holds "*" and whether fn
// returned true. An element that is neither "*" nor an entity-tag is
// skipped up to the next comma: garbage between tags does not hide them.
func eachETag(lines []string, fn func(entityTag) bool) (star, found bool) {
	for _, s := range lines {
		for i := 0; i < len(s); {
			c := s[i]
			if c == ' ' || c == '\t' || c == ',' {
				i++
				continue
			}
			if c == '*' && listElementEnds(s, i+1) {
				star = true
				i++
				continue
			}
			if t, n, ok := scanETag(s[i:]); ok && listElementEnds(s, i+n) {
				if fn(t) {
					return star, true
				}
				i += n
				continue
			}
			for i < len(s) && s[i] != ',' { // garbage: skip the element
				i++
			}
		}
	}
	return star, false
}

// listElementEnds reports whether only whitespace separates s[i:] from
// the next comma or the end.
func listElementEnds(s string, i int) bool {
	for ; i < len(s); i++ {
		switch s[i] {
		case ',':
			return true
		case ' ', '\t':
		default:
			return false
		}
	}
	return true
}

// hasListValue reports whether a list header is present with content:
// field lines holding only whitespace and commas count as absent, as
// net/http's own conditional handling treats an empty value.
func hasListValue(lines []string) bool {
	for _, s := range lines {
		for i := 0; i < len(s); i++ {
			if c := s[i]; c != ' ' && c != '\t' && c != ',' {
				return true
			}
		}
	}
	return false
}

// matchIfNoneMatch reports whether the If-None-Match lines match the
// current entity-tag with the weak comparison (RFC 9110 §8.8.3.2): "*"
// matches any current representation, which exists is whether there is one.
func matchIfNoneMatch(lines []string, current entityTag, exists bool) bool {
	star, found := eachETag(lines, func(t entityTag) bool {
		return current.opaque != "" && t.opaque == current.opaque
	})
	return (star && exists) || found
}

// matchIfMatch reports whether the If-Match lines match the current
// entity-tag with the strong comparison: both tags strong and equal.
func matchIfMatch(lines []string, current entityTag, exists bool) bool {
	star, found := eachETag(lines, func(t entityTag) bool {
		return current.opaque != "" && !current.weak && !t.weak && t.opaque == current.opaque
	})
	return (star && exists) || found
}

func trimOWS(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}
