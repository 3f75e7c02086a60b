package ratelimit

import (
	"net/http"
	"reflect"

	"github.com/chiguard/chiguard/internal/describe"
	"github.com/chiguard/chiguard/problem"
)

func init() {
	describe.DescribeThrottles(func(t any) *describe.Limit {
		if f, ok := t.(*FailureLimiter); ok && f != nil {
			d := f.l.describeLimit()
			d.Failures = true
			return d
		}
		return nil
	})
}

func (l *Limiter) describe() describe.Middleware {
	return describe.Middleware{Name: "ratelimit.Limit", Limit: l.describeLimit(),
		Headers: l.headers(), Responses: l.responses()}
}

func (l *Limiter) describeLimit() *describe.Limit {
	d := &describe.Limit{FailOpen: l.failOpen, Shared: l.local == nil, Legacy: l.legacy}
	for _, p := range l.policies {
		d.Policies = append(d.Policies, describe.Policy{Name: p.Name, Quota: p.Quota, Window: p.Window})
	}
	for _, k := range l.keys {
		d.Keys = append(d.Keys, keyName(k))
	}
	return d
}

// headers are the fields the limiter sets on every response through it.
func (l *Limiter) headers() []string {
	h := []string{"Ratelimit-Policy", "Ratelimit"}
	if l.legacy {
		h = append(h, "X-Ratelimit-Limit", "X-Ratelimit-Remaining", "X-Ratelimit-Reset")
	}
	return h
}

// responses are the limiter's refusals: the 429, and the 503 of a key or
// counter that can fail, unless it fails open.
func (l *Limiter) responses() []describe.Response {
	rs := []describe.Response{{Status: http.StatusTooManyRequests, Type: QuotaExceededURI, Title: quotaExceededTitle,
		Headers: []string{"Retry-After"}, Detail: "a quota is spent"}}
	if l.failOpen {
		return rs
	}
	fails := l.local == nil
	for _, k := range l.keys {
		switch keyName(k) {
		case "principal", "custom":
			fails = true
		}
	}
	if fails {
		rs = append(rs, describe.Response{Status: http.StatusServiceUnavailable, Type: problem.TypeServiceUnavailable,
			Headers: []string{"Retry-After"}, Detail: "the request cannot be keyed or counted now"})
	}
	return rs
}

var (
	ipPrefixCode = reflect.ValueOf(ByIPPrefix(32, 64)).Pointer()
	constantCode = reflect.ValueOf(Key("")).Pointer()
)

// keyName names a key part for descriptions. ByIPPrefix and Key return
// closures that share their code, which is how they are told apart.
func keyName(k KeyFunc) string {
	switch reflect.ValueOf(k).Pointer() {
	case reflect.ValueOf(ByPrincipalOrIP).Pointer():
		return "principal-or-ip"
	case reflect.ValueOf(ByPrincipal).Pointer():
		return "principal"
	case reflect.ValueOf(ByIP).Pointer():
		return "ip"
	case reflect.ValueOf(ByRoute).Pointer():
		return "route"
	case ipPrefixCode:
		return "ip-prefix"
	case constantCode:
		return "constant"
	}
	return "custom"
}
