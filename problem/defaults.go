package problem

import "net/http"

// JSON Schemas of the default types' members and headers.
const (
	fieldErrorsSchema = `{"type":"array","items":{"$ref":"#/components/schemas/FieldError"}}`
	stringsSchema     = `{"type":"array","items":{"type":"string"}}`
	positionSchema    = `{"type":"integer","minimum":1}`
	secondsSchema     = `{"type":"integer","minimum":0}`
)

// occurrence starts the example of a default type; the docs give it the
// type and status. (The constructors would make an initialization cycle.)
func occurrence(detail string) *Problem { return &Problem{Detail: detail} }

// DefaultTypes returns, in a new slice the caller owns, one type for each
// of the package's constructors: every status chiguard's middlewares
// answer, and 409 and 422 for handlers. Their texts hold for any API and
// any configuration of chiguard: they promise no alert and name no
// resource of yours. Register them, then Replace the texts you want in
// your own words and Remove the types your API never sends.
func DefaultTypes() []Type {
	return []Type{
		{Slug: TypeBadRequest, Status: http.StatusBadRequest, Title: "Bad Request",
			Description: "The request is malformed or incomplete, so it cannot be processed as sent: " +
				"for instance its body is not valid JSON, a required field is missing, or a path or query parameter has the wrong type.",
			Fix: "Correct the request, then send it again: detail says what is wrong and, when present, errors lists each invalid part. " +
				"Sent again unchanged, the request gets the same answer.",
			Members: []Member{
				{Name: "errors", Schema: fieldErrorsSchema, Description: "The invalid parts of the request, one entry each: " +
					"detail says what is wrong, and exactly one of pointer (a JSON Pointer into the body, in URI fragment form), " +
					"parameter (a path or query parameter) and header (a request header) says where."},
				{Name: "line", Schema: positionSchema, Description: "For a body that is not valid JSON: the line where parsing failed, from 1."},
				{Name: "column", Schema: positionSchema, Description: "For a body that is not valid JSON: the column, in characters from 1, where parsing failed."},
				{Name: "offset", Schema: positionSchema, Description: "For a body that is not valid JSON: the byte where parsing failed, from 1."},
			},
			Headers: []Header{
				{Name: "WWW-Authenticate", Description: "Sent when the request carries more than one credential: " +
					`the authentication challenges, the first with error="invalid_request" (RFC 6750 §3.1).`},
			},
			Example: occurrence("The request body has invalid fields.").
				WithErrors(BodyError("is required", "name"), BodyError("must be at most 64 characters long", "tags", "0")),
		},
		{Slug: TypeUnauthorized, Status: http.StatusUnauthorized, Title: "Unauthorized",
			Description: "The resource requires authentication, and the request's credentials are missing, malformed, expired, " +
				"or not accepted by the API.",
			Fix: "Send valid credentials in the Authorization header, with a scheme that WWW-Authenticate lists. " +
				"If a token expired, get a new one, then retry.",
			Headers: []Header{
				{Name: "WWW-Authenticate", Always: true, Description: "One challenge per authentication scheme the API accepts " +
					`(RFC 9110 §11.6.1). The challenge of refused credentials carries error="invalid_token" and an error_description (RFC 6750 §3).`},
				{Name: "RateLimit", Description: "Sent when a limit counted the request before it was refused: the failed " +
					"credential checks the client has left where the API throttles them, or the requests it has left under the " +
					"route's rate limit (r), and the seconds until the count restarts (t)."},
				{Name: "RateLimit-Policy", Description: "Sent with RateLimit: the quota (q) per window of w seconds of each policy it names."},
			},
			Example: occurrence("Your access token has expired: get a new one and retry.").
				WithHeader("WWW-Authenticate", `Bearer realm="api", error="invalid_token", error_description="The access token expired"`),
		},
		{Slug: TypeForbidden, Status: http.StatusForbidden, Title: "Forbidden",
			Description: "The credentials are valid but do not allow this request: they lack a scope the resource requires, " +
				"or the resource is reserved to another kind of client, users or apps.",
			Fix: "Get credentials with the scopes that missing_scopes lists, or of the kind the resource is for. " +
				"Sent again with the same credentials, the request gets the same answer.",
			Members: []Member{
				{Name: "required_scopes", Schema: stringsSchema, Description: "Sent when scopes are missing: the scopes the resource requires."},
				{Name: "missing_scopes", Schema: stringsSchema, Description: "Sent when scopes are missing: the required scopes the credentials lack."},
			},
			Headers: []Header{
				{Name: "WWW-Authenticate", Description: "Sent when scopes are missing: a challenge with " +
					`error="insufficient_scope" and the scopes the resource requires (RFC 6750 §3.1).`},
			},
			Example: occurrence("This resource requires the scopes items:read, items:write; your credentials lack items:write.").
				With("required_scopes", []string{"items:read", "items:write"}).
				With("missing_scopes", []string{"items:write"}).
				WithHeader("WWW-Authenticate", `Bearer error="insufficient_scope", error_description="The access token lacks the scope this resource requires", scope="items:read items:write"`),
		},
		{Slug: TypeNotFound, Status: http.StatusNotFound, Title: "Not Found",
			Description: "There is no resource at this URL that the request may see: it does not exist, " +
				"or the credentials sent do not allow seeing it.",
			Fix:     "Check the URL and its path parameters, and the credentials sent.",
			Example: occurrence("Item 42 does not exist."),
		},
		{Slug: TypeMethodNotAllowed, Status: http.StatusMethodNotAllowed, Title: "Method Not Allowed",
			Description: "The resource exists but does not support this method.",
			Fix:         "Use one of the methods that the Allow header lists.",
			Headers: []Header{
				{Name: "Allow", Always: true, Description: "The methods the resource supports (RFC 9110 §10.2.1)."},
			},
			Example: occurrence("The method PATCH is not allowed here; use GET, HEAD, DELETE.").
				WithHeader("Allow", "GET, HEAD, DELETE"),
		},
		{Slug: TypeNotAcceptable, Status: http.StatusNotAcceptable, Title: "Not Acceptable",
			Description: "The resource offers none of the formats that the request's Accept header allows.",
			Fix:         "Send an Accept header that allows one of the media types that acceptable lists, or no Accept header.",
			Members: []Member{
				{Name: "acceptable", Schema: stringsSchema, Always: true, Description: "The media types the resource offers."},
			},
			Example: occurrence("This resource is available as application/json.").
				With("acceptable", []string{"application/json"}),
		},
		{Slug: TypeConflict, Status: http.StatusConflict, Title: "Conflict",
			Description: "The request conflicts with the current state of the resource.",
			Fix:         "Fetch the resource again, apply your change to its current state, then retry.",
			Example:     occurrence("Item 42 was changed by another request."),
		},
		{Slug: TypePreconditionFailed, Status: http.StatusPreconditionFailed, Title: "Precondition Failed",
			Description: "A condition of the request (If-Match, If-None-Match, If-Unmodified-Since) does not hold: " +
				"the resource changed since it was fetched.",
			Fix: "Fetch the resource again for its current ETag, check your change against it, then retry with the new validator.",
		},
		{Slug: TypeContentTooLarge, Status: http.StatusRequestEntityTooLarge, Title: "Content Too Large",
			Description: "The request body is larger than the API accepts for this resource.",
			Fix:         "Send a smaller body.",
			Example:     occurrence("The request body is larger than 1048576 bytes."),
		},
		{Slug: TypeUnsupportedMediaType, Status: http.StatusUnsupportedMediaType, Title: "Unsupported Media Type",
			Description: "The request body is in a format, or has a content coding, that this resource does not accept.",
			Fix: "Send the body in a media type that acceptable and the Accept header list, with a Content-Type that names it, " +
				"and with no Content-Encoding that Accept-Encoding does not list.",
			Members: []Member{
				{Name: "acceptable", Schema: stringsSchema, Description: "Sent when the media type is not accepted: the media types the resource takes."},
			},
			Headers: []Header{
				{Name: "Accept", Description: "Sent when the media type is not accepted: the media types the resource takes (RFC 9110 §12.5.1)."},
				{Name: "Accept-Encoding", Description: "Sent when the content coding is not accepted: " +
					"the codings the resource takes, identity meaning none (RFC 9110 §12.5.3)."},
			},
			Example: occurrence("The request body must be JSON, sent with Content-Type: application/json.").
				WithHeader("Accept", "application/json").With("acceptable", []string{"application/json"}),
		},
		{Slug: TypeUnprocessableContent, Status: http.StatusUnprocessableEntity, Title: "Unprocessable Content",
			Description: "The request is well-formed but its content cannot be processed.",
			Fix:         "Correct the fields that errors lists, then retry.",
			Members: []Member{
				{Name: "errors", Schema: fieldErrorsSchema, Description: "The fields to correct, one entry each: " +
					"detail says what is wrong, and exactly one of pointer, parameter and header says where."},
			},
			Example: occurrence("The end date is before the start date.").
				WithErrors(BodyError("must not be before start", "end")),
		},
		{Slug: TypeQuotaExceeded, URI: QuotaExceededURI, Status: http.StatusTooManyRequests,
			Title:       "Request cannot be satisfied as assigned quota has been exceeded",
			Description: "The client sent more requests, or spent more quota, than a rate limit policy of the API allows in its window.",
			Fix: "Wait the seconds that Retry-After gives before retrying, and pace later requests by the RateLimit header, " +
				"which every response on a limited route carries.",
			Members: []Member{
				{Name: "violated-policies", Schema: stringsSchema, Always: true,
					Description: "The policies the request exceeded, named as in RateLimit-Policy."},
			},
			Headers: []Header{
				{Name: "Retry-After", Schema: secondsSchema, Always: true,
					Description: "The seconds to wait before the request can succeed (RFC 9110 §10.2.3)."},
				{Name: "RateLimit", Always: true, Description: "Per policy, the quota left (r) and the seconds until quota returns (t) " +
					"(draft-ietf-httpapi-ratelimit-headers)."},
				{Name: "RateLimit-Policy", Always: true, Description: "The policies: their quota (q) per window of w seconds."},
			},
			Example: occurrence("The rate limit for this resource is exceeded. Retry after 20 seconds.").
				With("violated-policies", []string{"default"}).
				WithHeader("Retry-After", "20").
				WithHeader("RateLimit", `"default";r=0;t=20`).
				WithHeader("RateLimit-Policy", `"default";q=600;w=60`),
		},
		{Slug: TypeInternalServerError, Status: http.StatusInternalServerError, Title: "Internal Server Error",
			Description: "The API failed to answer because of a fault on its side. The cause is logged, never sent.",
			Fix: "Retry later. A request that is not safe to repeat may have taken effect: check before sending it again. " +
				"If the error persists, report it with the value of instance.",
		},
		{Slug: TypeBadGateway, Status: http.StatusBadGateway, Title: "Bad Gateway",
			Description: "The API is down for maintenance, or a service it depends on answered badly.",
			Fix:         "Retry later, after the seconds that Retry-After gives when it is sent.",
			Headers: []Header{
				{Name: "Retry-After", Schema: secondsSchema, Description: "Sent when the API knows when to retry, as during planned maintenance: the seconds to wait."},
			},
			Example: occurrence("The API is down for maintenance.").WithHeader("Retry-After", "120"),
		},
		{Slug: TypeServiceUnavailable, Status: http.StatusServiceUnavailable, Title: "Service Unavailable",
			Description: "The API cannot serve the request right now: it is down for maintenance, " +
				"or a service it needs, such as its credential or rate limit store, is unreachable.",
			Fix: "Retry after the seconds that Retry-After gives, or later when it is not sent.",
			Headers: []Header{
				{Name: "Retry-After", Schema: secondsSchema, Description: "The seconds to wait before retrying, when the API knows."},
			},
			Example: occurrence("The API cannot check credentials right now: retry in a few seconds.").
				WithHeader("Retry-After", "5"),
		},
		{Slug: TypeGatewayTimeout, Status: http.StatusGatewayTimeout, Title: "Gateway Timeout",
			Description: "A service the API depends on did not answer in time.",
			Fix:         "Retry later.",
			Example:     occurrence("The service behind this API did not answer in time."),
		},
	}
}
