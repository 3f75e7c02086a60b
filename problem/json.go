package problem

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// The body is appended by hand rather than through encoding/json: the
// standard encoder allocates and reflects on every problem, and a refusal
// path should cost less than the request it refuses. Strings are escaped
// exactly as encoding/json escapes them (HTML characters, control
// characters, U+2028/U+2029, invalid UTF-8 as U+FFFD), which the fuzz test
// checks byte for byte.

// plain marks the bytes a JSON string holds unescaped: printable ASCII but
// '"', '\\' and the HTML characters. Bytes from 0x80 up start a UTF-8
// sequence and take the slow path.
var plain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

const hexDigits = "0123456789abcdef"

// appendQuoted appends s as a JSON string.
func appendQuoted(b []byte, s string) []byte {
	b = append(b, '"')
	b = appendEscaped(b, s)
	return append(b, '"')
}

// appendEscaped appends the escaped content of s, without quotes.
func appendEscaped(b []byte, s string) []byte {
	for len(s) > 0 {
		i := plainPrefix(s)
		for i < len(s) && plain[s[i]] {
			i++
		}
		b = append(b, s[:i]...)
		if i == len(s) {
			break
		}
		c := s[i]
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			switch {
			case r == utf8.RuneError && n == 1:
				b = append(b, `\ufffd`...)
			case r == '\u2028' || r == '\u2029':
				b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			default:
				b = append(b, s[i:i+n]...)
			}
			s = s[i+n:]
			continue
		}
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		s = s[i+1:]
	}
	return b
}

// plainPrefix returns a length, a multiple of 8, of a prefix of s made
// only of plain bytes. It tests eight bytes at a time (SWAR), since most
// problem text is plain ASCII that needs no escaping.
func plainPrefix(s string) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := s[i : i+8] // one bounds check for the eight loads below
		x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
		// A byte of x is 0x80 or more, below 0x20, or one of the escaped
		// characters: each test sets the high bit of a matching byte.
		bad := x | (x - ones*0x20) | zeroByte(x^(ones*'"')) | zeroByte(x^(ones*'\\')) |
			zeroByte(x^(ones*'<')) | zeroByte(x^(ones*'>')) | zeroByte(x^(ones*'&'))
		if bad&highs != 0 {
			break
		}
	}
	return i
}

// zeroByte sets the high bit of the bytes of x that are zero, and maybe of
// bytes above a zero one (a borrow), never when no byte is zero.
func zeroByte(x uint64) uint64 { return (x - 0x0101010101010101) &^ x }

// appendValue appends v as JSON: the common extension types directly, any
// other through encoding/json.
func appendValue(b []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendQuoted(b, v), nil
	case bool:
		return strconv.AppendBool(b, v), nil
	case int:
		return strconv.AppendInt(b, int64(v), 10), nil
	case int64:
		return strconv.AppendInt(b, v, 10), nil
	case []string:
		if v == nil {
			return append(b, "null"...), nil
		}
		b = append(b, '[')
		for i, s := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendQuoted(b, s)
		}
		return append(b, ']'), nil
	case []FieldError:
		return appendFieldErrors(b, v), nil
	case FieldError:
		return appendFieldError(b, &v), nil
	}
	j, err := json.Marshal(v)
	if err != nil {
		return b, err
	}
	return append(b, j...), nil
}

func appendFieldErrors(b []byte, errs []FieldError) []byte {
	b = append(b, '[') // WithErrors() with none is [], as the schema of errors says: an array
	for i := range errs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendFieldError(b, &errs[i])
	}
	return append(b, ']')
}

func appendFieldError(b []byte, e *FieldError) []byte {
	b = append(b, `{"detail":`...)
	b = appendQuoted(b, e.Detail)
	if e.Pointer != "" {
		b = append(b, `,"pointer":`...)
		b = appendQuoted(b, e.Pointer)
	}
	if e.Parameter != "" {
		b = append(b, `,"parameter":`...)
		b = appendQuoted(b, e.Parameter)
	}
	if e.Header != "" {
		b = append(b, `,"header":`...)
		b = appendQuoted(b, e.Header)
	}
	return append(b, '}')
}
