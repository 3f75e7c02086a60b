package middleware

import (
	"net/http"

	"github.com/chiguard/chiguard/internal/describe"
	"github.com/chiguard/chiguard/problem"
)

func describeRecoverer() describe.Middleware {
	return describe.Middleware{Name: "middleware.Recoverer", Recoverer: true, Responses: []describe.Response{
		{Status: http.StatusInternalServerError, Type: problem.TypeInternalServerError, Detail: "a handler panicked"},
	}}
}

func describeRequestID() describe.Middleware {
	return describe.Middleware{Name: "middleware.RequestID", Headers: []string{RequestIDHeader}}
}

func describeHeadAsGet() describe.Middleware {
	return describe.Middleware{Name: "middleware.HeadAsGet", HeadAsGet: true}
}

func describeTranslate() describe.Middleware {
	return describe.Middleware{Name: "middleware.TranslateErrors", Translate: true}
}

func describeConditional() describe.Middleware {
	safe := []string{http.MethodGet, http.MethodHead}
	return describe.Middleware{Name: "middleware.Conditional", Conditional: true, Responses: []describe.Response{
		{Status: http.StatusNotModified, Detail: "If-None-Match or If-Modified-Since matched", Headers: []string{"ETag"}, Methods: safe},
		{Status: http.StatusPreconditionFailed, Type: problem.TypePreconditionFailed,
			Detail: "If-Match or If-Unmodified-Since did not hold", Methods: safe},
	}}
}

func describeNegotiate(offers []string) func() describe.Middleware {
	return func() describe.Middleware {
		return describe.Middleware{Name: "middleware.Negotiate", Offers: append([]string(nil), offers...),
			Headers: []string{"Vary"},
			Responses: []describe.Response{{Status: http.StatusNotAcceptable, Type: problem.TypeNotAcceptable,
				Detail: "Accept names none of the offered media types"}}}
	}
}

func (m *Maintenance) describe() describe.Middleware {
	status := m.Status
	if status == 0 {
		status = http.StatusServiceUnavailable
	}
	typ := ""
	switch status {
	case http.StatusServiceUnavailable:
		typ = problem.TypeServiceUnavailable
	case http.StatusBadGateway:
		typ = problem.TypeBadGateway
	}
	return describe.Middleware{Name: "middleware.Maintenance.Handler",
		Maintenance: &describe.Maintenance{Status: status, Exempt: append([]string(nil), m.Exempt...)},
		Responses: []describe.Response{{Status: status, Type: typ, Detail: "while maintenance is on",
			Headers: []string{"Retry-After"}}}}
}
