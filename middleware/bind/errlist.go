package bind

import (
	"strconv"
	"unicode/utf8"

	"github.com/chiguard/chiguard/problem"
)

// The field errors of one 400 are bounded in number and in the bytes of
// their pointers, and each reference token taken from the body is cut, so
// that a small body (one long member name with many bad members under it)
// never makes a large answer. The first error is always listed.
const (
	maxFieldErrors  = 100
	maxPointerBytes = 8 << 10
	maxTokenBytes   = 128
)

// errorList collects the field errors of one 400.
type errorList struct {
	errs  []problem.FieldError
	bytes int  // of the listed pointers
	full  bool // no more are listed
}

// add lists an error at the pointer of tokens, unless the list is full; it
// may cut the tokens in place.
func (l *errorList) add(detail string, tokens []string) {
	if l.full {
		return
	}
	for i, t := range tokens {
		tokens[i] = clipToken(t)
	}
	e := problem.BodyError(detail, tokens...)
	if len(l.errs) > 0 && l.bytes+len(e.Pointer) > maxPointerBytes {
		l.full = true
		return
	}
	l.bytes += len(e.Pointer)
	l.errs = append(l.errs, e)
	l.full = len(l.errs) >= maxFieldErrors
}

// clipToken cuts a token longer than maxTokenBytes at a character boundary
// and marks the cut with "…": the pointer then locates nothing, and says so
// to the reader.
func clipToken[T ~string | ~[]byte](t T) string {
	if len(t) <= maxTokenBytes {
		return string(t)
	}
	n := maxTokenBytes
	for n > 0 && !utf8.RuneStart(t[n]) {
		n--
	}
	return string(t[:n]) + "…"
}

// problem is the 400 listing the errors; when all of them are missing
// required fields it says so in the error-codes page's words.
func (l *errorList) problem() *problem.Problem {
	detail := "A required field is missing in the body."
	for _, e := range l.errs {
		if e.Detail != detailRequired {
			detail = "The request body has invalid fields."
			break
		}
	}
	if l.full {
		detail = "The request body has invalid fields; the first " + strconv.Itoa(len(l.errs)) + " are listed."
	}
	return problem.BadRequest(detail).WithErrors(l.errs...)
}
