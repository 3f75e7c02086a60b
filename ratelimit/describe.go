package ratelimit

import (
	"net/http"
	"reflect"
	"slices"

	"github.com/chiguard/chiguard/internal/describe"
	"github.com/chiguard/chiguard/problem"
)

func init() {
	describe.DescribeThrottles(func(t any) *describe.Middleware {
		f, ok := t.(*FailureLimiter)
		if !ok || f == nil {
			return nil
		}
		d := f.l.describe()
		d.Name, d.Headers, d.Limit.Failures = "ratelimit.LimitFailures", nil, true
		d.Responses[0].Detail = "too many failed credential checks from the client's address"
		// Its fields go on its own 429 (and on failed checks' refusals,
		// which the contract adds), not on what follows a success.
		if d.Limit.Legacy {
			d.Responses[0].Headers = append(d.Responses[0].Headers, legacyFields...)
		}
		return &d
	})
}

func (l *Limiter) describe() describe.Middleware {
	fields := []string{"RateLimit-Policy", "RateLimit"}
	if l.legacy {
		fields = append(fields, legacyFields...)
	}
	fields = slices.Clip(fields) // an append to one of the two copies its own
	d := describe.Middleware{Name: "ratelimit.Limit",
		Limit:   &describe.Limit{FailOpen: l.failOpen, Shared: l.local == nil, Legacy: l.legacy, Fields: fields},
		Headers: fields}
	for _, p := range l.policies {
		d.Limit.Policies = append(d.Limit.Policies, describe.Policy{Name: p.Name, Quota: p.Quota, Window: p.Window})
	}
	fails := l.local == nil
	for _, k := range l.keys {
		name := keyName(k)
		d.Limit.Keys = append(d.Limit.Keys, name)
		fails = fails || name == "principal" || name == "custom"
	}
	d.Responses = []describe.Response{{Status: http.StatusTooManyRequests, Type: problem.TypeQuotaExceeded,
		Headers: []string{"Retry-After", "RateLimit-Policy", "RateLimit"}, Detail: "a quota is spent"}}
	if fails && !l.failOpen {
		d.Responses = append(d.Responses, describe.Response{Status: http.StatusServiceUnavailable,
			Type: problem.TypeServiceUnavailable, Headers: []string{"Retry-After"},
			Detail: "the request cannot be keyed or counted now"})
	}
	return d
}

// legacyFields are the fields LegacyHeaders adds.
var legacyFields = []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"}

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
