package bind

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/internal/describe"
	"github.com/chiguard/chiguard/internal/query"
	"github.com/chiguard/chiguard/problem"
)

// ParamType lists the types PathParam and QueryParam parse into. Convert to
// your own named types at the call site: CloudID(id). Numbers are decimal
// and a bool is true or false, as their schemas say.
type ParamType interface {
	string | bool | int | int8 | int16 | int32 | int64 |
		uint | uint8 | uint16 | uint32 | uint64 | float32 | float64
}

// ErrNoPathParam is the cause of the 500 PathParam returns for a name the
// matched route does not declare: a programming error, not the client's.
var ErrNoPathParam = errors.New("bind: no such path parameter in the route")

// PathParam returns chi's URL parameter name parsed as T. A value that does
// not parse gives a 400 problem naming the parameter and the expected
// type, so /cloud/undefined/project is the client's error, not a 500.
// The error is a *problem.Problem: return it from a problem.HandlerFunc or
// write it with problem.Write.
//
// chi matches escaped paths as sent when they hold escapes that matter
// (such as %2F); PathParam then unescapes the value.
func PathParam[T ParamType](r *http.Request, name string) (T, error) {
	v, raw, fe, ok := pathParam[T](r, name)
	switch {
	case !ok:
		return v, noPathParam(name)
	case fe != nil:
		return v, paramProblem("path", raw, *fe)
	}
	return v, nil
}

// QueryParam returns the query parameter name parsed as T, or def when the
// query does not have it. A value that does not parse gives a 400 problem
// naming the parameter and the expected type. When the parameter is
// repeated, the first value counts. A value that is not correctly
// percent-encoded, or holds an unescaped ';', is a 400 too: url.ParseQuery
// drops such pairs, and the parameter would pass for absent. Only the pairs
// up to the first with this name are read, so the number of the query's
// other parameters does not matter (r.URL.Query() drops them all past
// 10,000).
func QueryParam[T ParamType](r *http.Request, name string, def T) (T, error) {
	v, raw, fe, ok := queryParam[T](r, name)
	switch {
	case !ok:
		return def, nil
	case fe != nil:
		return def, paramProblem("query", raw, *fe)
	}
	return v, nil
}

// queryParam parses the first value of the named query parameter. ok is
// false when the query has none; fe, with Parameter set, says why the
// value is bad.
func queryParam[T ParamType](r *http.Request, name string) (v T, raw string, fe *problem.FieldError, ok bool) {
	raw, fe, ok = queryValue(r.URL.RawQuery, name)
	if ok && fe == nil {
		fe = parseParam(raw, &v)
	}
	if fe != nil {
		fe.Parameter = name
	}
	return v, raw, fe, ok
}

// queryValue returns the first value of the query parameter name, split
// and unescaped as url.ParseQuery does. ok is false when the query has no
// such parameter; fe says why its value is malformed.
func queryValue(raw, name string) (v string, fe *problem.FieldError, ok bool) {
	value, _, ok := query.Next(raw, name)
	switch {
	case !ok:
		return "", nil, false
	case strings.IndexByte(value, ';') >= 0:
		return value, &problem.FieldError{Detail: "must not hold an unescaped ';'"}, true
	}
	u, err := url.QueryUnescape(value)
	if err != nil {
		return value, &problem.FieldError{Detail: "must be correctly percent-encoded"}, true
	}
	return u, nil, true
}

// ValidatePath returns a middleware that answers 400 unless every named
// path parameter parses as T, listing each bad one in the problem's
// "errors". Put it on the routes, after their authorization checks (a
// caller without access learns nothing of what a route takes), so that
// handlers only see valid values:
//
//	cloudPk := bind.ValidatePath[int64]("cloudPk")
//	r.With(auth.RequireScopes("cloud:read"), cloudPk).Get("/cloud/{cloudPk}", getCloud)
//
// It panics when given no name.
func ValidatePath[T ParamType](names ...string) func(http.Handler) http.Handler {
	return validateParams("bind.ValidatePath", "path", names, pathParam[T])
}

// validateParams is ValidatePath and ValidateQuery: param reads one
// parameter (where is "path" or "query"). A path parameter the route lacks
// is the code's mistake, a 500; a query parameter that is not there passes.
func validateParams[T ParamType](name, where string, names []string,
	param func(*http.Request, string) (T, string, *problem.FieldError, bool)) func(http.Handler) http.Handler {
	if len(names) == 0 {
		// With no name it would check nothing and pass every request.
		panic(name + " needs the name of at least one " + where + " parameter")
	}
	names = distinct(names)
	return func(next http.Handler) http.Handler {
		return describe.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var errs []problem.FieldError
			var bad, raws []string
			for _, n := range names {
				_, raw, fe, ok := param(r, n)
				switch {
				case !ok && where == "path":
					problem.Write(w, r, noPathParam(n))
					return
				case fe != nil:
					errs, bad, raws = append(errs, *fe), append(bad, n), append(raws, raw)
				}
			}
			if len(errs) == 0 {
				next.ServeHTTP(w, r)
				return
			}
			problem.Write(w, r, paramsProblem(where, errs, bad, raws))
		}), describeParams[T](name, where, names))
	}
}

// distinct returns names, each once: a name listed twice is one
// parameter, refused once.
func distinct(names []string) []string {
	var out []string
	for _, n := range names {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// pathParam parses the named path parameter. ok is false when the route
// has no such parameter; fe, with Parameter set, says why the value is bad.
func pathParam[T ParamType](r *http.Request, name string) (v T, raw string, fe *problem.FieldError, ok bool) {
	raw, fe, ok = pathValue(r, name)
	if ok && fe == nil {
		fe = parseParam(raw, &v)
	}
	if fe != nil {
		fe.Parameter = name
	}
	return v, raw, fe, ok
}

func noPathParam(name string) *problem.Problem {
	return problem.InternalServerError("").WithCause(fmt.Errorf("%w: %q", ErrNoPathParam, name))
}

// pathValue returns the named parameter of the matched route, unescaped.
// ok is false when the route has no such parameter.
func pathValue(r *http.Request, name string) (v string, fe *problem.FieldError, ok bool) {
	if rctx := chi.RouteContext(r.Context()); rctx != nil {
		for i := len(rctx.URLParams.Keys) - 1; i >= 0; i-- {
			if rctx.URLParams.Keys[i] == name {
				v, ok = rctx.URLParams.Values[i], true
				break
			}
		}
	}
	if !ok {
		// net/http unescapes path values itself. A "{name...}" wildcard
		// matches an empty rest of the path, so "" is a value when the
		// pattern declares name.
		if v = r.PathValue(name); v == "" && !servemuxDeclares(r.Pattern, name) {
			return "", nil, false
		}
		return v, nil, true
	}
	if r.URL.RawPath != "" && strings.IndexByte(v, '%') >= 0 {
		u, err := url.PathUnescape(v)
		if err != nil {
			return v, &problem.FieldError{Detail: "must be a correctly percent-encoded path segment"}, true
		}
		v = u
	}
	return v, nil, true
}

// servemuxDeclares reports whether the ServeMux pattern has the wildcard
// name, as "{name}" or "{name...}".
func servemuxDeclares(pattern, name string) bool {
	return strings.Contains(pattern, "{"+name+"}") || strings.Contains(pattern, "{"+name+"...}")
}

// paramsProblem is the 400 for the bad parameters named bad, with their
// errors and raw values; where is "path" or "query".
func paramsProblem(where string, errs []problem.FieldError, bad, raws []string) *problem.Problem {
	if len(errs) == 1 {
		return paramProblem(where, raws[0], errs[0])
	}
	return problem.BadRequest("The " + where + " parameters " + strings.Join(bad, ", ") + " are invalid.").WithErrors(errs...)
}

// paramProblem is the 400 for one bad parameter; where is "path" or
// "query". It quotes the value, cut short, to show what was received.
func paramProblem(where, raw string, fe problem.FieldError) *problem.Problem {
	if len(raw) > 64 {
		cut := 64
		for cut > 0 && !utf8.RuneStart(raw[cut]) {
			cut--
		}
		raw = raw[:cut] + "…"
	}
	return problem.BadRequest("The " + where + " parameter " + fe.Parameter + " " + fe.Detail +
		", got " + strconv.Quote(raw) + ".").WithErrors(fe)
}

// parseParam parses s into *dst, or returns why it cannot.
func parseParam[T ParamType](s string, dst *T) *problem.FieldError {
	var detail string
	switch p := any(dst).(type) {
	case *string:
		*p = s
	case *bool:
		// Not strconv.ParseBool, which takes 1, t and TRUE too: the schema
		// says boolean, and a JSON body's booleans are true and false.
		*p = s == "true"
		if !*p && s != "false" {
			detail = "must be true or false"
		}
	case *int:
		*p, detail = parseInt[int](s, strconv.IntSize)
	case *int8:
		*p, detail = parseInt[int8](s, 8)
	case *int16:
		*p, detail = parseInt[int16](s, 16)
	case *int32:
		*p, detail = parseInt[int32](s, 32)
	case *int64:
		*p, detail = parseInt[int64](s, 64)
	case *uint:
		*p, detail = parseUint[uint](s, strconv.IntSize)
	case *uint8:
		*p, detail = parseUint[uint8](s, 8)
	case *uint16:
		*p, detail = parseUint[uint16](s, 16)
	case *uint32:
		*p, detail = parseUint[uint32](s, 32)
	case *uint64:
		*p, detail = parseUint[uint64](s, 64)
	case *float32:
		f, err := strconv.ParseFloat(s, 32)
		*p, detail = float32(f), failed(floatErr(s, f, err), "must be a number")
	case *float64:
		f, err := strconv.ParseFloat(s, 64)
		*p, detail = f, failed(floatErr(s, f, err), "must be a number")
	}
	if detail != "" {
		return &problem.FieldError{Detail: detail}
	}
	return nil
}

func parseInt[T int | int8 | int16 | int32 | int64](s string, bits int) (T, string) {
	n, err := strconv.ParseInt(s, 10, bits)
	if errors.Is(err, strconv.ErrRange) {
		lo, hi := int64(math.MinInt64)>>(64-bits), int64(math.MaxInt64)>>(64-bits)
		return 0, "must be an integer from " + strconv.FormatInt(lo, 10) + " to " + strconv.FormatInt(hi, 10)
	}
	return T(n), failed(err, "must be an integer")
}

func parseUint[T uint | uint8 | uint16 | uint32 | uint64](s string, bits int) (T, string) {
	n, err := strconv.ParseUint(s, 10, bits)
	if errors.Is(err, strconv.ErrRange) {
		return 0, "must be an integer from 0 to " + strconv.FormatUint(uint64(math.MaxUint64)>>(64-bits), 10)
	}
	return T(n), failed(err, "must be a non-negative integer")
}

// floatErr refuses the infinities and NaN that ParseFloat accepts: no API
// means them by "inf" in a URL. It refuses too the hexadecimal floats and
// the underscores between digits ParseFloat takes from Go's syntax: a
// number parameter, as its schema says, is decimal.
func floatErr(s string, f float64, err error) error {
	if err == nil && (math.IsInf(f, 0) || math.IsNaN(f) || strings.ContainsAny(s, "_xX")) {
		return strconv.ErrSyntax
	}
	return err
}

func failed(err error, detail string) string {
	if err != nil {
		return detail
	}
	return ""
}
