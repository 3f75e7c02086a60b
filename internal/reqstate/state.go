// Package reqstate is the one request-scoped state chiguard's middlewares
// share. problem.Writer.Handler, the first middleware of the recommended
// order, allocates it once as the request's context; the middlewares after
// it store what they learn (request ID, principal, negotiated type) into it
// instead of each paying a context value and a request copy.
//
// Each slot is claimed once: a second writer (a nested middleware, or a
// sub-request handled with the same context) is refused and falls back to
// context.WithValue, whose value, being nearer, is found first. Claims and
// publications are atomic, so sub-requests on other goroutines are safe.
// A value stored here is visible through the whole context, also to the
// middlewares that ran before the one that stored it.
package reqstate

import (
	"context"
	"net/http"
	"sync/atomic"
	"unsafe"

	chimw "github.com/go-chi/chi/v5/middleware"
)

// Key names a slot. It is also the context key of the fallback value, so
// that Value finds whichever is nearer.
type Key uint8

const (
	Writer     Key = iota // the problem writer, or its watched body
	Auth                  // principal and authenticator
	Negotiated            // the media type Negotiate chose
	numValues
	requestID = numValues // the ID, under chi's RequestIDKey
	recorder  = numValues + 1
)

// IDLen is the room the state keeps for a generated request ID.
const IDLen = 32

// State is a context that carries the request's shared values.
//
// It is kept small: NewRequest allocates it with a request copy (304
// bytes), and at 176 bytes the two fill a 480-byte size class rather than
// a 512-byte one. Hence one value per slot but Auth's second. The ID is
// kept apart from its header value: that is the handler's to rewrite in
// place, and the ID must not change with it.
type State struct {
	context.Context
	// claimed and ready are bit sets of Keys, read and written atomically
	// once the state is shared; NewRequest sets them before it is.
	claimed, ready uint32
	vals           [numValues]any
	auth1          any // the Auth slot's second value
	id             string
	idHeader       [1]string
	idBuf          [IDLen]byte
	rec            Recorder
}

type stateKey struct{}

// New returns a state over parent.
func New(parent context.Context) *State { return &State{Context: parent} }

// withRequest holds a state and the request copy that carries it.
type withRequest struct {
	s State
	r http.Request
}

// NewRequest returns a new state over r's context and a shallow copy of r
// that carries it, as r.WithContext would, in one allocation instead of
// two. The copy is what the caller passes on; r is left unchanged. The
// state's Writer slot holds writer, as if Set had stored it: the state is
// not shared yet, so that costs no atomic operation.
func NewRequest(r *http.Request, writer any) (*State, *http.Request) {
	const w = 1 << Writer
	sr := &withRequest{s: State{Context: r.Context(), claimed: w, ready: w}}
	sr.s.vals[Writer] = writer
	// WithContext inlines, so its own copy stays on the stack.
	sr.r = *r.WithContext(&sr.s)
	return &sr.s, &sr.r
}

// From returns the nearest state in ctx, or nil.
func From(ctx context.Context) *State {
	s, _ := ctx.Value(stateKey{}).(*State)
	return s
}

func (s *State) claim(k Key) bool {
	bit := uint32(1) << k
	return atomic.OrUint32(&s.claimed, bit)&bit == 0
}

func (s *State) publish(k Key) { atomic.OrUint32(&s.ready, uint32(1)<<k) }

func (s *State) has(k Key) bool { return atomic.LoadUint32(&s.ready)&(uint32(1)<<k) != 0 }

// Set stores v0 and v1 in slot k, unless it was claimed before. Only the
// Auth slot holds a second value: v1 must be nil for the others.
func (s *State) Set(k Key, v0, v1 any) bool {
	if v1 != nil && k != Auth {
		panic("reqstate: a second value for a slot that holds one")
	}
	if !s.claim(k) {
		return false
	}
	s.vals[k] = v0
	if k == Auth {
		s.auth1 = v1
	}
	s.publish(k)
	return true
}

// Get returns what Set stored in slot k.
func (s *State) Get(k Key) (v0, v1 any) {
	if !s.has(k) {
		return nil, nil
	}
	if k == Auth {
		return s.vals[k], s.auth1
	}
	return s.vals[k], nil
}

// Lookup returns the first value stored under k in ctx: by the nearest
// state's Set, or as a fallback context value of key k.
func Lookup(ctx context.Context, k Key) any {
	v := ctx.Value(k)
	if s, ok := v.(*State); ok {
		v, _ = s.Get(k)
	}
	return v
}

// SetRequestID stores the request ID: id, or if id is "", the one gen
// appends to the state's own buffer, so that a new ID costs no allocation.
// It returns the ID and, as a header value of capacity one, the ID again.
func (s *State) SetRequestID(id string, gen func([]byte) []byte) (string, []string, bool) {
	if !s.claim(requestID) {
		return "", nil, false
	}
	if id == "" {
		b := gen(s.idBuf[:0])
		if len(b) > 0 && &b[0] == &s.idBuf[0] {
			id = unsafe.String(&s.idBuf[0], len(b)) // never written again
		} else {
			id = string(b)
		}
	}
	s.id = id
	s.idHeader[0] = id
	s.publish(requestID)
	return id, s.idHeader[:1:1], true
}

// Value answers for the slots that are set, chi's RequestIDKey included,
// and asks the parent for anything else. A slot's key returns the state
// itself: read it with Get.
func (s *State) Value(key any) any {
	switch k := key.(type) {
	case Key:
		if k < numValues && s.has(k) {
			return s
		}
	case stateKey:
		return s
	default:
		if key == any(chimw.RequestIDKey) && s.has(requestID) {
			return s.id
		}
	}
	return s.Context.Value(key)
}
