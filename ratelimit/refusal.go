package ratelimit

import (
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"

	"github.com/chiguard/chiguard/problem"
)

// refusals holds what a limiter's 429s share, built once, so that refusing
// a flood costs less than serving it: the problem with its
// violated-policies member for each policy alone and for all of them, and
// the last Retry-After value with its detail.
type refusals struct {
	one  []*problem.Problem // policy i alone is violated
	all  *problem.Problem   // every policy is violated
	last atomic.Pointer[retryText]
}

// retryText is a Retry-After value and the detail that names it.
type retryText struct {
	seconds int64
	header  []string // shared by the responses that send it, as the writer shares Content-Type: len == cap, so an Add copies it
	detail  string
}

func (rf *refusals) init(policies []Policy) {
	rf.one = make([]*problem.Problem, len(policies))
	all := make([]string, len(policies))
	for i, p := range policies {
		all[i] = p.Name
		rf.one[i] = problem.QuotaExceeded("").With("violated-policies", []string{p.Name})
	}
	rf.all = problem.QuotaExceeded("").With("violated-policies", all)
}

// retry returns the Retry-After texts for seconds. Refusals in the same
// second mostly share one value: the last is kept, and replaced when it
// differs.
func (l *Limiter) retry(seconds int64) *retryText {
	if t := l.refusals.last.Load(); t != nil && t.seconds == seconds {
		return t
	}
	s := strconv.FormatInt(seconds, 10)
	t := &retryText{seconds: seconds, header: []string{s}, detail: l.exceeded + " Retry after " + s + " seconds."}
	l.refusals.last.Store(t)
	return t
}

// refuse writes the 429 problem: the policies the request does not fit,
// and when to retry.
func (l *Limiter) refuse(w http.ResponseWriter, r *http.Request, usage []Usage, cost, retry int64) {
	n, first := 0, -1
	detail := ""
	for i := range l.policies {
		p := &l.policies[i]
		s := newState(p, &usage[i])
		if fits(s.q, s.w, s.e, s.c, s.p, cost) {
			continue
		}
		if n++; first < 0 {
			first = i
		}
		if cost > s.q && detail == "" {
			detail = fmt.Sprintf("The request costs %d units, more than the %d per %v that policy %q allows: it cannot be served.",
				cost, p.Quota, p.Window, p.Name)
		}
	}
	var base *problem.Problem
	switch {
	case n == 0 || n == len(l.policies): // none: the counter refused on a state that fits, so blame them all
		base = l.refusals.all
	case n == 1:
		base = l.refusals.one[first]
	default:
		var violated []string
		for i := range l.policies {
			if s := newState(&l.policies[i], &usage[i]); !fits(s.q, s.w, s.e, s.c, s.p, cost) {
				violated = append(violated, l.policies[i].Name)
			}
		}
		base = problem.QuotaExceeded("").With("violated-policies", violated)
	}
	t := l.retry(max(retry, 1))
	if detail == "" {
		detail = t.detail
	}
	w.Header()["Retry-After"] = t.header
	problem.Write(w, r, base.WithDetail(detail))
}
