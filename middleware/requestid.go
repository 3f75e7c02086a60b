package middleware

import (
	"context"
	"crypto/rand"
	"net/http"
	"strings"

	"github.com/chiguard/chiguard/internal/describe"
	chimw "github.com/go-chi/chi/v5/middleware"
)

// RequestIDHeader is the request and response header that carries the
// request ID.
const RequestIDHeader = "X-Request-Id"

// maxRequestIDLen bounds an incoming request ID: longer ones are replaced,
// so a client cannot bloat every log line of its request.
const maxRequestIDLen = 128

// RequestID gives every request an ID: the client's X-Request-Id when it is
// valid (see ValidRequestID), else a new random one. The ID is sent back in
// the X-Request-Id response header and stored in the request context under
// chi's middleware.RequestIDKey, so chi's GetReqID, loggers and the problem
// writer (for logs, alerts and the "instance" member) all see it.
func RequestID(next http.Handler) http.Handler {
	return describe.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(RequestIDHeader)
		if !ValidRequestID(id) {
			id = rand.Text()
		}
		w.Header().Set(RequestIDHeader, id)
		ctx := context.WithValue(r.Context(), chimw.RequestIDKey, id)
		next.ServeHTTP(w, r.WithContext(ctx))
	}), describeRequestID)
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
	for seg := range strings.SplitSeq(id, "/") {
		if seg == "." || seg == ".." {
			return false
		}
	}
	return true
}
