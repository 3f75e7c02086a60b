package middleware

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strings"

	"github.com/chiguard/chiguard/internal/describe"
	chimw "github.com/go-chi/chi/v5/middleware"

	"github.com/chiguard/chiguard/internal/reqstate"
)

// RequestIDHeader is the request and response header that carries the
// request ID.
const RequestIDHeader = "X-Request-Id"

// maxRequestIDLen bounds an incoming request ID: longer ones are replaced,
// so a client cannot bloat every log line of its request.
const maxRequestIDLen = 128

// RequestID gives every request an ID: the client's X-Request-Id when it is
// valid (see ValidRequestID), else a new one of 26 random base32 characters
// (128 bits, no counter). The ID is sent back in the X-Request-Id response
// header and stored in the request context under chi's
// middleware.RequestIDKey, so chi's GetReqID, loggers and the problem writer
// (for logs, alerts and the "instance" member) all see it.
func RequestID(next http.Handler) http.Handler {
	return describe.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := ""
		if v := r.Header[RequestIDHeader]; len(v) > 0 && ValidRequestID(v[0]) { // the key is canonical: no need for Get
			id = v[0]
		}
		if s := reqstate.From(r.Context()); s != nil {
			if _, field, ok := s.SetRequestID(id, appendRequestID); ok {
				w.Header()[RequestIDHeader] = field
				next.ServeHTTP(w, r)
				return
			}
		}
		if id == "" {
			id = string(appendRequestID(make([]byte, 0, requestIDLen)))
		}
		w.Header().Set(RequestIDHeader, id)
		ctx := context.WithValue(r.Context(), chimw.RequestIDKey, id)
		next.ServeHTTP(w, r.WithContext(ctx))
	}), describeRequestID)
}

// requestIDLen is the length of a new ID: 26 characters of base32 (RFC
// 4648's alphabet, as crypto/rand.Text), 128 bits.
const requestIDLen = 26

// appendRequestID appends a new request ID. Its bits come from
// math/rand/v2's global generator, a ChaCha8 stream per thread seeded by
// the operating system: unpredictable enough for a correlation ID, which is
// no secret (clients may choose their own), at a fraction of crypto/rand's
// cost. The IDs carry no counter, so they leak neither the order nor the
// number of requests.
func appendRequestID(b []byte) []byte {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	var id [requestIDLen]byte
	for half := 0; half < requestIDLen; half += requestIDLen / 2 {
		u := rand.Uint64()
		for i := range requestIDLen / 2 { // 13 x 5 bits: the last character takes 4
			id[half+i] = alphabet[u&31]
			u >>= 5
		}
	}
	return append(b, id[:]...)
}

// ValidRequestID reports whether id may be kept as a request ID: 1 to 128
// characters among ASCII letters, digits and - . _ ~ : / + = @, with no
// "." or ".." between slashes. The set covers UUIDs, ULIDs, base64 and
// chi's "host/prefix-000001" IDs, and keeps out spaces, quotes, commas and
// controls, which would corrupt log lines or headers downstream. No ID
// generator makes dot segments, and they would climb out of any path the
// ID is joined into (an Instance function, a log file or object name).
func ValidRequestID(id string) bool {
	if len(id) == 0 || len(id) > maxRequestIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '-', c == '.', c == '_', c == '~', c == ':', c == '/', c == '+', c == '=', c == '@':
		default:
			return false
		}
	}
	return !hasDotSegment(id)
}

// hasDotSegment reports whether a "/"-separated path has a "." or ".."
// segment.
func hasDotSegment(path string) bool {
	for seg := range strings.SplitSeq(path, "/") {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}
