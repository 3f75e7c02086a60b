package problem

import "net/http"

// Slugs of DefaultTypes. A Problem whose Type is a slug gets its type URI
// from the Writer's catalog.
const (
	TypeBadRequest           = "bad-request"
	TypeUnauthorized         = "unauthorized"
	TypeForbidden            = "forbidden"
	TypeNotFound             = "not-found"
	TypeMethodNotAllowed     = "method-not-allowed"
	TypeNotAcceptable        = "not-acceptable"
	TypeConflict             = "conflict"
	TypePreconditionFailed   = "precondition-failed"
	TypeContentTooLarge      = "content-too-large"
	TypeUnsupportedMediaType = "unsupported-media-type"
	TypeUnprocessableContent = "unprocessable-content"
	TypeQuotaExceeded        = "quota-exceeded"
	TypeInternalServerError  = "internal-server-error"
	TypeBadGateway           = "bad-gateway"
	TypeServiceUnavailable   = "service-unavailable"
	TypeGatewayTimeout       = "gateway-timeout"
)

// QuotaExceededURI is the type URI of TypeQuotaExceeded: the one the
// RateLimit header fields draft (draft-ietf-httpapi-ratelimit-headers)
// registers in the IANA HTTP Problem Types registry. The 429 keeps it, not
// base+"quota-exceeded", so that clients and libraries that know the
// registry recognise it from any API; the catalog still serves its docs at
// base+"quota-exceeded". An API that wants the local URI replaces the type
// with one whose URI is empty.
const QuotaExceededURI = "https://iana.org/assignments/http-problem-types#quota-exceeded"

// defaultTypes are DefaultTypes, built once and never modified, and
// defaultIndex their positions by slug.
var (
	defaultTypes = DefaultTypes()
	defaultIndex = func() map[string]int {
		m := map[string]int{}
		for i, t := range defaultTypes {
			m[t.Slug] = i
		}
		return m
	}()
)

// typed returns a problem of a default type. It remembers the type's
// position among the defaults, which every catalog state maps to its own
// position, so that writing the problem needs no map lookup.
func typed(slug string, status int, detail string) *Problem {
	return &Problem{Type: slug, Status: status, Detail: detail, def: int32(defaultIndex[slug]) + 1}
}

// BadRequest is a 400: the request is malformed or misses a required field.
func BadRequest(detail string) *Problem {
	return typed(TypeBadRequest, http.StatusBadRequest, detail)
}

// Unauthorized is a 401: credentials are missing, expired or malformed. Add
// the WWW-Authenticate challenge with WithHeader.
func Unauthorized(detail string) *Problem {
	return typed(TypeUnauthorized, http.StatusUnauthorized, detail)
}

// Forbidden is a 403: the client is known but may not do this.
func Forbidden(detail string) *Problem {
	return typed(TypeForbidden, http.StatusForbidden, detail)
}

// NotFound is a 404: the resource does not exist or is not visible to the
// client.
func NotFound(detail string) *Problem {
	return typed(TypeNotFound, http.StatusNotFound, detail)
}

// MethodNotAllowed is a 405. RFC 9110 requires an Allow header: add it with
// WithHeader.
func MethodNotAllowed(detail string) *Problem {
	return typed(TypeMethodNotAllowed, http.StatusMethodNotAllowed, detail)
}

// NotAcceptable is a 406: no representation matches the request's Accept.
func NotAcceptable(detail string) *Problem {
	return typed(TypeNotAcceptable, http.StatusNotAcceptable, detail)
}

// Conflict is a 409: the request conflicts with the resource's state.
func Conflict(detail string) *Problem {
	return typed(TypeConflict, http.StatusConflict, detail)
}

// PreconditionFailed is a 412: a conditional request header did not hold.
func PreconditionFailed(detail string) *Problem {
	return typed(TypePreconditionFailed, http.StatusPreconditionFailed, detail)
}

// ContentTooLarge is a 413: the request body is over the limit.
func ContentTooLarge(detail string) *Problem {
	return typed(TypeContentTooLarge, http.StatusRequestEntityTooLarge, detail)
}

// UnsupportedMediaType is a 415: the body's Content-Type is not accepted.
func UnsupportedMediaType(detail string) *Problem {
	return typed(TypeUnsupportedMediaType, http.StatusUnsupportedMediaType, detail)
}

// UnprocessableContent is a 422: the body is well-formed but unusable.
func UnprocessableContent(detail string) *Problem {
	return typed(TypeUnprocessableContent, http.StatusUnprocessableEntity, detail)
}

// QuotaExceeded is a 429 of the registered quota-exceeded type: a rate
// limit or quota was exceeded. Add Retry-After with WithHeader and the
// exceeded policies as "violated-policies"; package ratelimit does both.
func QuotaExceeded(detail string) *Problem {
	return typed(TypeQuotaExceeded, http.StatusTooManyRequests, detail)
}

// InternalServerError is a 500. Attach the real error with WithCause: it is
// logged and alerted, never shown.
func InternalServerError(detail string) *Problem {
	return typed(TypeInternalServerError, http.StatusInternalServerError, detail)
}

// BadGateway is a 502: the API is down, being upgraded, or an upstream
// answered badly.
func BadGateway(detail string) *Problem {
	return typed(TypeBadGateway, http.StatusBadGateway, detail)
}

// ServiceUnavailable is a 503: the API cannot serve now; add Retry-After.
func ServiceUnavailable(detail string) *Problem {
	return typed(TypeServiceUnavailable, http.StatusServiceUnavailable, detail)
}

// GatewayTimeout is a 504: an upstream did not answer in time.
func GatewayTimeout(detail string) *Problem {
	return typed(TypeGatewayTimeout, http.StatusGatewayTimeout, detail)
}
