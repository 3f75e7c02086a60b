package reqstate

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"unsafe"

	chimw "github.com/go-chi/chi/v5/middleware"
)

func TestSlotIsClaimedOnce(t *testing.T) {
	s := New(context.Background())
	var wg sync.WaitGroup
	won := make(chan int, 8)
	for i := range 8 {
		wg.Go(func() {
			if s.Set(Negotiated, i, nil) {
				won <- i
			}
		})
	}
	wg.Wait()
	close(won)
	if n := len(won); n != 1 {
		t.Fatalf("%d winners", n)
	}
	if v, _ := s.Get(Negotiated); v != <-won {
		t.Fatalf("stored %v", v)
	}
}

func TestNearerValueWins(t *testing.T) {
	s := New(context.Background())
	s.SetRequestID("outer", nil)
	if got := chimw.GetReqID(s); got != "outer" {
		t.Fatalf("GetReqID %q", got)
	}
	inner := context.WithValue(s, chimw.RequestIDKey, "inner")
	if got := chimw.GetReqID(inner); got != "inner" {
		t.Fatalf("GetReqID %q", got)
	}
	if s.Value(Auth) != nil {
		t.Fatal("an unset slot answers")
	}
}

func TestGeneratedIDIsTheStates(t *testing.T) {
	s := New(context.Background())
	id, field, ok := s.SetRequestID("", func(b []byte) []byte { return append(b, "abc"...) })
	if !ok || id != "abc" || len(field) != 1 || cap(field) != 1 || field[0] != "abc" {
		t.Fatalf("%q %q %v", id, field, ok)
	}
	if _, _, ok := s.SetRequestID("x", nil); ok {
		t.Fatal("second ID stored")
	}
}

type plain struct{ http.ResponseWriter }

func TestRecorderKeepsTheInterfaces(t *testing.T) {
	rec := httptest.NewRecorder() // Flusher only
	w, _ := New(context.Background()).Recorder(rec, 1)
	if _, ok := w.(http.Flusher); !ok {
		t.Error("Flusher lost")
	}
	if _, ok := w.(http.Hijacker); ok {
		t.Error("Hijacker made up")
	}
	w2, _ := New(context.Background()).Recorder(plain{rec}, 1)
	if _, ok := w2.(http.Flusher); ok {
		t.Error("Flusher made up")
	}
	if _, ok := w2.(io.ReaderFrom); ok {
		t.Error("ReaderFrom made up")
	}
	if w.Status() != 0 {
		t.Fatal("started")
	}
	w.WriteHeader(http.StatusContinue)
	if w.Status() != 0 {
		t.Fatal("an interim status started the response")
	}
	w.Write([]byte("x"))
	if w.Status() != http.StatusOK {
		t.Fatalf("status %d", w.Status())
	}
}

type ctxKey struct{}

var sink *http.Request // makes what NewRequest returns escape, as in a server

func TestNewRequestCopiesTheRequest(t *testing.T) {
	parent := context.WithValue(context.Background(), ctxKey{}, "parent")
	r := httptest.NewRequest("GET", "/x", nil).WithContext(parent)
	s, r2 := NewRequest(r, "writer")
	if v, _ := s.Get(Writer); v != "writer" || s.Set(Writer, "another", nil) {
		t.Fatal("the Writer slot does not hold the writer alone")
	}
	if r2 == r || r.Context() != parent {
		t.Fatal("the incoming request was changed")
	}
	if r2.Context() != context.Context(s) || From(r2.Context()) != s {
		t.Fatal("the copy does not carry the state")
	}
	if r2.Context().Value(ctxKey{}) != "parent" || r2.URL != r.URL || r2.Method != "GET" {
		t.Fatal("the copy lost the request's fields or its parent context")
	}
	if n := testing.AllocsPerRun(100, func() { _, sink = NewRequest(r, nil) }); n != 1 && !raceEnabled {
		t.Fatalf("%v allocations, want 1", n)
	}
}

// The state and the request copy fill a 480-byte size class; at 512 bytes
// every request would allocate 32 more.
func TestStateFitsItsSizeClass(t *testing.T) {
	if n := unsafe.Sizeof(withRequest{}); n > 480 {
		t.Fatalf("State and Request take %d bytes, over 480", n)
	}
}

func TestOnlyAuthHoldsTwoValues(t *testing.T) {
	s := New(context.Background())
	if !s.Set(Auth, 1, 2) {
		t.Fatal("Auth not set")
	}
	if v0, v1 := s.Get(Auth); v0 != 1 || v1 != 2 {
		t.Fatalf("Auth holds %v %v", v0, v1)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("a second value for Negotiated was taken")
		}
	}()
	s.Set(Negotiated, 1, 2)
}
