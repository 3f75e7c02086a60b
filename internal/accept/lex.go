package accept

// isTchar holds the token characters of RFC 9110 §5.6.2. Read-only.
var isTchar = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
		t[c-'a'+'A'] = true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		t[c] = true
	}
	return t
}()

// tokenEnd returns the index of the first non-token byte of s at or after i.
func tokenEnd(s string, i int) int {
	for i < len(s) && isTchar[s[i]] {
		i++
	}
	return i
}

// isToken reports whether s is a non-empty token.
func isToken(s string) bool {
	return s != "" && tokenEnd(s, 0) == len(s)
}

// skipOWS returns the index of the first byte of s at or after i that is
// neither a space nor a tab.
func skipOWS(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

// quotedEnd returns the index just past the quoted-string that starts at
// s[i] == '"', or ok false when it is unterminated or holds a byte the
// grammar forbids (controls other than tab, DEL).
func quotedEnd(s string, i int) (end int, ok bool) {
	for i++; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			return i + 1, true
		case c == '\\':
			i++
			if i == len(s) || !isQuotedText(s[i]) {
				return 0, false
			}
		case !isQuotedText(c):
			return 0, false
		}
	}
	return 0, false
}

// isQuotedText reports whether c may appear in a quoted string, escaped or
// not: tab, space, visible ASCII and obs-text.
func isQuotedText(c byte) bool {
	return c == '\t' || (c >= ' ' && c != 0x7f)
}

// elementEnd returns the index of the comma that ends the list element
// starting at s[i], or len(s). Commas inside quoted strings do not count.
// It is used to step over malformed elements, so it never fails.
func elementEnd(s string, i int) int {
	quoted := false
	for ; i < len(s); i++ {
		switch s[i] {
		case '"':
			quoted = !quoted
		case '\\':
			if quoted {
				i++
			}
		case ',':
			if !quoted {
				return i
			}
		}
	}
	return len(s)
}

// parseQ parses a qvalue (0[.ddd] or 1[.000]) into thousandths.
func parseQ(v string) (q int, ok bool) {
	if len(v) == 0 || len(v) > 5 || (v[0] != '0' && v[0] != '1') {
		return 0, false
	}
	q = int(v[0]-'0') * 1000
	if len(v) == 1 {
		return q, true
	}
	if v[1] != '.' {
		return 0, false
	}
	for i, scale := 2, 100; i < len(v); i, scale = i+1, scale/10 {
		if v[i] < '0' || v[i] > '9' {
			return 0, false
		}
		q += int(v[i]-'0') * scale
	}
	return q, q <= 1000
}

// lower maps an ASCII upper-case letter to lower case.
func lower(c byte) byte {
	if c-'A' < 26 {
		c += 'a' - 'A'
	}
	return c
}

// equalFold compares ASCII strings case-insensitively; unlike
// strings.EqualFold it does no Unicode folding, which HTTP tokens never need.
// It is small enough to inline and tries a plain compare first: headers are
// almost always lower case already.
func equalFold(a, b string) bool {
	return len(a) == len(b) && (a == b || foldEqual(a, b))
}

// foldEqual is the slow path of equalFold, for strings of equal length.
func foldEqual(a, b string) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if lower(a[i]) != lower(b[i]) {
			return false
		}
	}
	return true
}
