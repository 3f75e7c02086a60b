package problem

import "net/http"

// DefaultTypes returns the types every catalog starts with: the statuses of
// the error-codes page chiguard enforces, in its words, and the other
// statuses chiguard's middlewares answer, in the same voice.
func DefaultTypes() []Type {
	return []Type{
		{Slug: TypeBadRequest, Status: http.StatusBadRequest, Title: "Bad Request",
			Description: "The request was invalid or cannot be otherwise served. Typical when there is a syntax error in the request. A required field is missing in the body."},
		{Slug: TypeUnauthorized, Status: http.StatusUnauthorized, Title: "Unauthorized",
			Description: "The authentication failed. Your token may be expired, missing or malformed."},
		{Slug: TypeForbidden, Status: http.StatusForbidden, Title: "Forbidden",
			Description: "You don't have the authorization to access this resource. Check if the resource is exclusive to users or app (eg: /user is exclusive to users) or if your user has the right to access this resource."},
		{Slug: TypeNotFound, Status: http.StatusNotFound, Title: "Not Found",
			Description: "The resource does not exist or you don't have the right to see if the resource exists."},
		{Slug: TypeMethodNotAllowed, Status: http.StatusMethodNotAllowed, Title: "Method Not Allowed",
			Description: "The resource exists but does not support this method. The Allow header lists the methods it supports."},
		{Slug: TypeNotAcceptable, Status: http.StatusNotAcceptable, Title: "Not Acceptable",
			Description: "An invalid format is specified in the request. Check the Accept header against the formats the resource offers."},
		{Slug: TypeConflict, Status: http.StatusConflict, Title: "Conflict",
			Description: "The request conflicts with the current state of the resource. Fetch the resource again, then retry."},
		{Slug: TypePreconditionFailed, Status: http.StatusPreconditionFailed, Title: "Precondition Failed",
			Description: "A condition of the request (If-Match, If-None-Match, If-Unmodified-Since) does not hold: the resource changed since you fetched it."},
		{Slug: TypeContentTooLarge, Status: http.StatusRequestEntityTooLarge, Title: "Content Too Large",
			Description: "The request body is larger than the API accepts for this resource."},
		{Slug: TypeUnsupportedMediaType, Status: http.StatusUnsupportedMediaType, Title: "Unsupported Media Type",
			Description: "The request body is in a format this resource does not accept. The Accept header of the response lists the formats it does."},
		{Slug: TypeUnprocessableContent, Status: http.StatusUnprocessableEntity, Title: "Unprocessable Content",
			Description: "The request is well-formed but its content cannot be processed. The errors member says which fields to fix."},
		{Slug: TypeTooManyRequests, Status: http.StatusTooManyRequests, Title: "Too Many Requests",
			Description: "The application's rate limit for the resource has been exceeded. Retry after the delay given in the Retry-After header."},
		{Slug: TypeInternalServerError, Status: http.StatusInternalServerError, Title: "Internal Server Error",
			Description: "Something really bad happened. Check if your route is correct. An alert is automatically sent to us, we'll look at it shortly."},
		{Slug: TypeBadGateway, Status: http.StatusBadGateway, Title: "Bad Gateway",
			Description: "API is down, or being upgraded."},
		{Slug: TypeServiceUnavailable, Status: http.StatusServiceUnavailable, Title: "Service Unavailable",
			Description: "The API cannot serve the request right now. Retry after the delay given in the Retry-After header."},
		{Slug: TypeGatewayTimeout, Status: http.StatusGatewayTimeout, Title: "Gateway Timeout",
			Description: "A service the API depends on did not answer in time. Retry later."},
	}
}

// SuccessStatus documents a success status on the error-codes page.
type SuccessStatus struct {
	Status      int
	Description string
}

// SuccessStatuses returns the success statuses of the error-codes page.
func SuccessStatuses() []SuccessStatus {
	return []SuccessStatus{
		{http.StatusOK, "The request has succeeded."},
		{http.StatusCreated, "The request has been fulfilled and has resulted in new resources created."},
		{http.StatusAccepted, "The request has been accepted for processing, and the processing has not been completed."},
		{http.StatusNoContent, "The server has successfully fulfilled the request, there is no content in the response body."},
		{http.StatusNotModified, "There was no new data to return. Typically used to indicate that the cached version of the response is still valid."},
	}
}
