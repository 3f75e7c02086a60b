package middleware

import "net/http"

// push is the Push of the middlewares' writers. Handlers push by asserting
// http.Pusher, and http.ResponseController has no Push that would find
// the writer below through Unwrap: a wrapper without one ends pushing.
// Where the writer below cannot push (HTTP/1), it is ErrNotSupported, as
// from a server whose client disabled push.
func push(w http.ResponseWriter, target string, opts *http.PushOptions) error {
	if p, ok := w.(http.Pusher); ok {
		return p.Push(target, opts)
	}
	return http.ErrNotSupported
}
