package ratelimit

import (
	"net/http"

	"github.com/chiguard/chiguard/problem"
)

// QuotaExceededURI is the problem type of a Limiter's 429s, registered
// with IANA by the RateLimit header fields draft.
const QuotaExceededURI = "https://iana.org/assignments/http-problem-types#quota-exceeded"

// quotaExceededTitle is the title the draft registers for the type.
const quotaExceededTitle = "Request cannot be satisfied as assigned quota has been exceeded"

// QuotaExceeded documents the 429s a Limiter sends. Register it in the
// catalog your problem writer uses, so the error-codes page and the OpenAPI
// fragment list it:
//
//	problem.DefaultCatalog.MustRegister(ratelimit.QuotaExceeded)
//
// The package registers nothing itself: a middleware constructor writing
// into a shared catalog would be a hidden side effect, and would miss the
// catalog of a custom Writer. The 429s carry their type and title either
// way.
var QuotaExceeded = problem.Type{
	URI:    QuotaExceededURI,
	Status: http.StatusTooManyRequests,
	Title:  quotaExceededTitle,
	Description: "The application's rate limit for the resource has been exceeded. " +
		"Retry after the delay given in the Retry-After header. The violated-policies member " +
		"names the exceeded policies; the RateLimit and RateLimit-Policy headers describe them.",
}
