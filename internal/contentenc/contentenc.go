// Package contentenc keeps the fields of a response that describe the
// bytes of its body, Content-Encoding and the Trailer declaration, as a
// middleware found them, for the middlewares and the problem writer's
// HandlerFunc that replace an answer with a problem. A problem must not
// carry the encoding the handlers after them set for bytes that are not
// sent (a proxied gzip error page, chi's Compress inside TranslateErrors, a
// precompressed file refused by If-Match): the client would fail to decode
// it; nor the trailers of a body that never came. An encoding set before,
// by a compressing wrapper that encodes whatever is written, is kept, and
// so is a trailer declared before, by a middleware that sets its value
// once the answer is written (a Server-Timing, say).
package contentenc

import (
	"net/http"
	"net/textproto"
	"strings"
)

// Saved is a header's Content-Encoding and Trailer at one moment.
type Saved struct {
	values, trailer []string
	had, declared   bool
}

// Save returns h's Content-Encoding and Trailer now.
func Save(h http.Header) Saved {
	v, had := h["Content-Encoding"]
	t, declared := h["Trailer"]
	return Saved{values: v[:len(v):len(v)], had: had, trailer: t[:len(t):len(t)], declared: declared}
}

// Restore puts back into h the Content-Encoding and Trailer that were
// saved, or takes them out if there were none. The values of the trailers
// h declares by then are dropped (see DropTrailers): the body they were
// for is not sent.
func (s Saved) Restore(h http.Header) {
	if s.had {
		h["Content-Encoding"] = s.values
	} else {
		delete(h, "Content-Encoding")
	}
	DropTrailers(h)
	if s.declared {
		h["Trailer"] = s.trailer
	} else {
		delete(h, "Trailer")
	}
}

// DropTrailers deletes from h the trailer values it holds already: the
// fields named with http.TrailerPrefix, and those the Trailer field
// declares. A trailer's value follows the body it is about; one set before
// a problem is written is about a body the problem replaces, and net/http
// would send it after the problem's (a declared one, as a header field as
// well). The declaration stays: a value set after the problem is the
// problem's.
func DropTrailers(h http.Header) {
	for k := range h {
		if strings.HasPrefix(k, http.TrailerPrefix) {
			delete(h, k)
		}
	}
	DropDeclaredTrailers(h, h["Trailer"])
}

// DropDeclaredTrailers deletes from h the values of the trailers that
// lines, h's Trailer field, declare; the declaration stays.
func DropDeclaredTrailers(h http.Header, lines []string) {
	for _, line := range lines {
		for name := range strings.SplitSeq(line, ",") {
			if name = textproto.TrimString(name); name != "" {
				delete(h, http.CanonicalHeaderKey(name))
			}
		}
	}
}
