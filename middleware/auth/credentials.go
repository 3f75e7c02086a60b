package auth

import "strings"

// MaxCredentialLength bounds the credentials Authenticate reads: longer
// ones are refused as malformed before any hashing or parsing, so a huge
// header costs nothing. 16 KiB holds the largest JWTs identity providers
// issue (many roles or groups) with room to spare.
const MaxCredentialLength = 16 << 10

// splitAuthorization splits an Authorization field value into its scheme
// and credentials (RFC 9110 §11.6.2: auth-scheme [ 1*SP token68 ]). Leading
// and trailing whitespace is ignored, as HTTP field parsing drops it. It
// reports false when the value has no scheme.
func splitAuthorization(v string) (scheme, credentials string, ok bool) {
	v = trimAuthSpace(v)
	i := 0
	for i < len(v) && v[i] != ' ' && v[i] != '\t' {
		i++
	}
	if i == 0 {
		return "", "", false
	}
	scheme = v[:i]
	for i < len(v) && (v[i] == ' ' || v[i] == '\t') {
		i++
	}
	return scheme, v[i:], true
}

func trimAuthSpace(v string) string {
	for len(v) > 0 && (v[0] == ' ' || v[0] == '\t') {
		v = v[1:]
	}
	for len(v) > 0 && (v[len(v)-1] == ' ' || v[len(v)-1] == '\t') {
		v = v[:len(v)-1]
	}
	return v
}

// validToken68 reports whether s is an RFC 9110 token68 (RFC 6750's
// b64token): 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=",
// no longer than MaxCredentialLength. JWTs, opaque tokens and API keys
// all fit; anything else (spaces, commas, quotes, control characters) is
// malformed.
func validToken68(s string) bool {
	if s == "" || len(s) > MaxCredentialLength {
		return false
	}
	i := 0
	for i < len(s) && isToken68Char(s[i]) {
		i++
	}
	if i == 0 {
		return false
	}
	for i < len(s) && s[i] == '=' {
		i++
	}
	return i == len(s)
}

func isToken68Char(c byte) bool { return token68Chars[c] }

// token68Chars marks the bytes of a token68 before its padding: a table is
// several times faster than comparisons on tokens of a kilobyte.
var token68Chars = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("-._~+/", byte(c)) >= 0
	}
	return t
}()
