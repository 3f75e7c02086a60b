// Package jsonesc reads the \uXXXX escapes of JSON text, for the checks
// that encoding/json does not make: it decodes an escaped lone surrogate,
// half of a UTF-16 pair and no character, as U+FFFD, so two texts a client
// or an issuer told apart would arrive as one. Package bind walks bodies
// with it, package auth token claims and introspection answers.
package jsonesc

import "unicode/utf16"

// Rune reads the escape \uXXXX at data[i:], if there is one.
func Rune(data []byte, i int) (rune, bool) {
	if i < 0 || i+6 > len(data) || data[i] != '\\' || data[i+1] != 'u' {
		return 0, false
	}
	var r rune
	for _, c := range data[i+2 : i+6] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// Pair reports whether r, read at data[i:], is a high surrogate that the
// escape after it, at data[i+6:], completes: a pair is one character.
func Pair(data []byte, i int, r rune) bool {
	low, ok := Rune(data, i+6)
	return ok && r < 0xdc00 && utf16.IsSurrogate(r) && 0xdc00 <= low && low <= 0xdfff
}

// HasLoneSurrogate reports whether the JSON text data escapes a lone
// surrogate, in one pass over its bytes. A backslash outside a string is
// left to the decoder, which refuses it.
func HasLoneSurrogate(data []byte) bool {
	for i := 0; i < len(data); i++ {
		if data[i] != '\\' {
			continue
		}
		r, ok := Rune(data, i)
		switch {
		case !ok:
			i++ // a two-character escape, "\\" among them
		case !utf16.IsSurrogate(r):
			i += 5
		case Pair(data, i, r):
			i += 11
		default:
			return true
		}
	}
	return false
}
