package auth

import (
	"fmt"
	"net/http"

	"github.com/chiguard/chiguard/internal/describe"
	"github.com/chiguard/chiguard/problem"
)

func (a *authenticator) describe() describe.Middleware {
	d := &describe.Auth{Realm: a.realm, Anonymous: a.anonymous, Query: a.queryParam}
	challenged := []string{"WWW-Authenticate"}
	if a.throttle != nil {
		if d.Throttle = describe.ThrottleOf(a.throttle); d.Throttle == nil {
			d.OpaqueThrottle = fmt.Sprintf("%T", a.throttle)
		}
	}
	unavailable, buggy := false, false
	for _, s := range a.schemes {
		kind := "custom"
		switch v := s.v.(type) {
		case *JWT:
			kind = "jwt"
			if v.jwks != nil {
				kind = "jwks"
			}
		case *Introspection:
			kind = "introspection"
		case *APIKeys:
			kind = "apikeys"
		}
		d.Schemes = append(d.Schemes, describe.Scheme{Name: s.name, Verifier: kind})
		unavailable = unavailable || kind != "jwt" && kind != "apikeys"
		buggy = buggy || kind == "custom"
	}
	rs := []describe.Response{
		{Status: http.StatusUnauthorized, Type: problem.TypeUnauthorized, Headers: challenged, Concealable: true,
			Detail: "credentials missing, malformed, invalid or of an unsupported scheme"},
		{Status: http.StatusBadRequest, Type: problem.TypeBadRequest, Headers: challenged, Concealable: true,
			Detail: "more than one credential"},
	}
	if unavailable {
		rs = append(rs, describe.Response{Status: http.StatusServiceUnavailable, Type: problem.TypeServiceUnavailable,
			Headers: []string{"Retry-After"}, Detail: "the verifier cannot check credentials now"})
	}
	if buggy {
		rs = append(rs, describe.Response{Status: http.StatusInternalServerError, Type: problem.TypeInternalServerError,
			Detail: "a custom verifier failed"})
	}
	return describe.Middleware{Name: "auth.Authenticate", Auth: d, Responses: rs}
}

// anonymousRefusal is the 401 of Authenticate for a request without
// credentials that an authorization check refuses.
var anonymousRefusal = describe.Response{Status: http.StatusUnauthorized, Type: problem.TypeUnauthorized,
	Headers: []string{"WWW-Authenticate"}, Concealable: true, Anonymous: true, Detail: "no credentials"}

func (c *scopeCheck) describe() describe.Middleware {
	name := "auth.RequireScopes"
	if !c.all {
		name = "auth.RequireAnyScope"
	}
	return describe.Middleware{Name: name,
		Require: &describe.Require{Scopes: append([]string(nil), c.scopes...), Any: !c.all},
		Responses: []describe.Response{anonymousRefusal,
			{Status: http.StatusForbidden, Type: problem.TypeForbidden, Headers: []string{"WWW-Authenticate"},
				Concealable: true, Detail: "the credentials lack a required scope"}}}
}

func describeKind(kind Kind) func() describe.Middleware {
	name := "auth.RequireUser"
	if kind == KindApp {
		name = "auth.RequireApp"
	}
	return func() describe.Middleware {
		return describe.Middleware{Name: name, Require: &describe.Require{Kind: kind.String()},
			Responses: []describe.Response{anonymousRefusal,
				{Status: http.StatusForbidden, Type: problem.TypeForbidden, Concealable: true,
					Detail: "the resource is exclusive to " + kind.String() + "s"}}}
	}
}

func describeAuthenticated() describe.Middleware {
	return describe.Middleware{Name: "auth.RequireAuthenticated", Require: &describe.Require{},
		Responses: []describe.Response{anonymousRefusal}}
}

func describeConceal() describe.Middleware {
	return describe.Middleware{Name: "auth.Conceal", Conceal: true}
}
