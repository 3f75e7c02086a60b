// Package contentenc keeps a response's Content-Encoding as a middleware
// found it, for the middlewares and the problem writer's HandlerFunc that
// replace an answer with a problem. A problem must not carry the encoding
// the handlers after them set for bytes that are not sent (a proxied gzip
// error page, chi's Compress inside TranslateErrors, a precompressed file
// refused by If-Match): the client would fail to decode it. An encoding
// set before, by a compressing wrapper that encodes whatever is written,
// is kept.
package contentenc

import "net/http"

// Saved is a header's Content-Encoding at one moment.
type Saved struct {
	values []string
	had    bool
}

// Save returns h's Content-Encoding now.
func Save(h http.Header) Saved {
	v, had := h["Content-Encoding"]
	return Saved{v[:len(v):len(v)], had}
}

// Restore puts back into h the Content-Encoding that was saved, or takes
// it out if there was none.
func (s Saved) Restore(h http.Header) {
	if s.had {
		h["Content-Encoding"] = s.values
	} else {
		delete(h, "Content-Encoding")
	}
}
