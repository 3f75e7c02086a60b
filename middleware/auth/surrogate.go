package auth

// escapesLoneSurrogate reports whether the JSON text data escapes a lone
// surrogate, half of a UTF-16 pair and no character, as "\ud800":
// encoding/json decodes each as U+FFFD, so that "a\ud800" and "a\udbff",
// two subjects to their issuer, would be one principal here, as bytes
// that are not UTF-8 would. It scans the bytes once; a backslash outside
// a string is left to the decoder, which refuses it.
func escapesLoneSurrogate(data []byte) bool {
	for i := 0; i < len(data); i++ {
		if data[i] != '\\' {
			continue
		}
		if i+1 < len(data) && data[i+1] != 'u' {
			i++ // a two-character escape, "\\" among them
			continue
		}
		r, ok := hex4(data, i+2)
		switch {
		case !ok || r < 0xd800 || r >= 0xe000:
		case r >= 0xdc00:
			return true // a low half first
		default:
			low, ok := hex4(data, i+8)
			if !ok || data[i+6] != '\\' || data[i+7] != 'u' || low < 0xdc00 || low >= 0xe000 {
				return true
			}
			i += 6
		}
		i += 5
	}
	return false
}

// hex4 reads the four hex digits at data[i:], or reports false.
func hex4(data []byte, i int) (rune, bool) {
	if i < 0 || i+4 > len(data) {
		return 0, false
	}
	var r rune
	for _, c := range data[i : i+4] {
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
