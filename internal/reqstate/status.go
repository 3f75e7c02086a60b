package reqstate

import (
	"iter"
	"net/http"
)

// StatusOf walks w's Unwrap chain for writers with chi's Status method:
// started if one reports a status, tracked if any is there to report one.
// A writer only knows what reached it: a status one records may be held
// back by the writer right below it, which then reports none. Only a
// writer that says so (HoldsAnswer, as Conditional's does while it buffers
// a body) is taken to hold it: below is that writer, and a problem written
// there replaces what it holds, where the wrappers above would swallow the
// problem's WriteHeader as superfluous. A writer that merely reports no
// status below one that does (a Recorder below TranslateErrors, which
// keeps a foreign error to translate it; one below a wrapper without a
// Status method) holds nothing it would give up: the status counts as
// sent, and a problem written below it would bypass what the writers
// above still send, or have already encoded.
func StatusOf(w http.ResponseWriter) (started, tracked bool, below http.ResponseWriter) {
	above := false // the writer just above w reported a status
	for w := range Chain(w) {
		s, ok := w.(interface{ Status() int })
		reports := ok && s.Status() != 0
		switch {
		case reports:
			started, below = true, nil
		case above && holdsAnswer(w):
			started, below = false, w
		}
		tracked = tracked || ok
		above = reports
	}
	return started, tracked, below
}

// maxUnwrap bounds a walk down an Unwrap chain: far more writers than any
// stack of middlewares wraps, it ends the walk of a writer that unwraps to
// itself, which would otherwise never end.
const maxUnwrap = 64

// Chain yields w and the writers below it, as its Unwrap chain reaches
// them (the way http.ResponseController walks it), at most maxUnwrap.
func Chain(w http.ResponseWriter) iter.Seq[http.ResponseWriter] {
	return func(yield func(http.ResponseWriter) bool) {
		for range maxUnwrap {
			if w == nil || !yield(w) {
				return
			}
			u, ok := w.(interface{ Unwrap() http.ResponseWriter })
			if !ok {
				return
			}
			w = u.Unwrap()
		}
	}
}

// holdsAnswer reports whether w holds back the answer written to it so
// far, and gives it up for one written in its place.
func holdsAnswer(w http.ResponseWriter) bool {
	h, ok := w.(interface{ HoldsAnswer() bool })
	return ok && h.HoldsAnswer()
}
