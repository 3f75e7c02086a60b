package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/chiguard/chiguard/internal/describe"
	"github.com/chiguard/chiguard/internal/query"
	"github.com/chiguard/chiguard/problem"
)

// Verifier checks the credentials of one Authorization scheme and returns
// the principal they stand for, which needs a Subject and whose Scope must
// be scope-tokens separated by single spaces (a principal with another
// Scope is refused as ErrTokenClaims).
//
// For credentials that do not authenticate, return ErrInvalidToken or one
// of the more precise Err* credential errors (possibly wrapped): they are
// answered with 401. Wrap ErrVerifierUnavailable when the verifier's own
// infrastructure failed: that is a 503. A returned *problem.Problem is
// written as is. context.Canceled once the client has gone away is the
// deliberate 500 of problem.FromError, neither logged as an error nor
// alerted. Any other error, or a principal without a Subject, is a bug,
// answered with a logged 500.
type Verifier interface {
	Verify(ctx context.Context, credentials string) (Principal, error)
}

// VerifierFunc adapts a function to the Verifier interface.
type VerifierFunc func(ctx context.Context, credentials string) (Principal, error)

// Verify calls f.
func (f VerifierFunc) Verify(ctx context.Context, credentials string) (Principal, error) {
	return f(ctx, credentials)
}

// sharedVerifier is implemented by this package's verifiers: they return
// the principal they cache, built by them and never modified, which
// Authenticate stores in the request context as is (PrincipalFrom copies
// it out), so a cached token costs no allocation.
type sharedVerifier interface {
	verifyShared(ctx context.Context, credentials string) (*Principal, error)
}

// shared returns v as a sharedVerifier if it is one of this package's
// verifiers itself. Not by interface: a type embedding *JWT to wrap its
// Verify would have verifyShared too, and its Verify would be bypassed.
func shared(v Verifier) sharedVerifier {
	switch v := v.(type) {
	case *JWT:
		return v
	case *Introspection:
		return v
	case *APIKeys:
		return v
	}
	return nil
}

// verifyCopy is the Verify method of a sharedVerifier: callers get their
// own copy of the shared principal.
func verifyCopy(ctx context.Context, v sharedVerifier, credentials string) (Principal, error) {
	p, err := v.verifyShared(ctx, credentials)
	if err != nil || p == nil {
		return Principal{}, err
	}
	return *p, nil
}

// errNoSubject is the cause of the 500 for a custom verifier's principal
// without a Subject.
var errNoSubject = errors.New("returned a principal without a Subject and no error")

// verify runs the verifier of scheme si. A custom verifier's principal is
// checked, and copied to the heap once, with its Key.
func (a *authenticator) verify(ctx context.Context, si int, credentials string) (*Principal, error) {
	s := a.schemes[si]
	if s.shared != nil {
		return s.shared.verifyShared(ctx, credentials)
	}
	p, err := s.v.Verify(ctx, credentials)
	switch {
	case err != nil:
		return nil, err
	case p.Subject == "":
		return nil, fmt.Errorf("auth: the %s verifier %w", s.name, errNoSubject)
	case p.Scope != "" && !validScopeList(p.Scope):
		return nil, ErrTokenClaims
	}
	p.Scheme = s.name
	return p.seal(), nil
}

// Option configures Authenticate: the schemes it accepts and how it
// challenges clients. Options rather than a config struct, so that the call
// site reads as the list of what is accepted:
// auth.Authenticate(auth.Bearer(jwts), auth.APIKey(keys)).
type Option func(*authConfig)

type authConfig struct {
	schemes    []authScheme
	realm      string
	queryParam string
	anonymous  bool

	throttle    Throttle
	throttleSet bool
}

type authScheme struct {
	name   string
	v      Verifier
	shared sharedVerifier // v, if it is one
	jwt    *JWT           // v, if it is one
}

// Scheme accepts `Authorization: <name> <credentials>` (name matched
// case-insensitively) and checks the credentials with v.
func Scheme(name string, v Verifier) Option {
	return func(c *authConfig) { c.schemes = append(c.schemes, authScheme{name: name, v: v}) }
}

// Bearer accepts OAuth 2.0 bearer tokens (RFC 6750): `Authorization:
// Bearer <token>`, checked by v, typically a *JWT or an
// *Introspection.
func Bearer(v Verifier) Option { return Scheme("Bearer", v) }

// APIKey accepts `Authorization: ApiKey <key>`, checked by v, typically
// an *APIKeys.
func APIKey(v Verifier) Option { return Scheme("ApiKey", v) }

// Realm sets the realm of the challenges (RFC 9110 §11.5), "api" by default.
func Realm(realm string) Option {
	return func(c *authConfig) { c.realm = realm }
}

// QueryToken also accepts a bearer token in the query parameter
// "access_token" (RFC 6750 §2.3). It is off by default: URLs end up in
// logs, histories and Referer headers, which RFC 6750 warns against. A
// request with both a query token and an Authorization header is a 400.
// A request it authenticates is answered with "Cache-Control: private",
// as RFC 6750 asks: a Cache-Control set before that keeps the answer out
// of shared caches (private, no-store) stays; in any other, such as a
// route's "public, max-age=300", "private" takes the place of the
// directives for shared caches. The handler may set another.
func QueryToken() Option {
	return func(c *authConfig) { c.queryParam = "access_token" }
}

// AllowAnonymous lets requests without credentials through without a
// principal, for routes that serve anonymous callers too. Invalid
// credentials are still refused. RequireScopes, RequireUser and RequireApp
// answer an anonymous request with Authenticate's 401.
func AllowAnonymous() Option {
	return func(c *authConfig) { c.anonymous = true }
}

// Authenticate checks the request's credentials and stores the principal
// they stand for in the request context (see PrincipalFrom).
//
// It reads the Authorization header, whose scheme selects the verifier;
// Bearer(v) and APIKey(v) are the usual schemes. Refusals go through the
// problem writer, each with an RFC 6750 challenge per scheme in
// WWW-Authenticate:
//   - no credentials or an unsupported scheme: 401, a challenge with a realm
//     and no error (unless AllowAnonymous);
//   - malformed or invalid credentials (bad signature or algorithm, expired,
//     not yet valid, wrong issuer or audience, unknown key...): 401 with
//     error="invalid_token" and a fixed error_description saying which;
//   - more than one credential: 400 with error="invalid_request";
//   - the verifier's infrastructure failed: a logged 503, no challenge.
//
// Verifiers answer a wrong guess as fast as a right one: add
// ThrottleFailures, usually as ratelimit.LimitFailures(20, time.Minute), so
// that a client whose credentials keep failing gets a 429 for any
// credentials it sends, unchecked, until its failures age out. Requests
// without credentials are not affected.
//
// Authenticate panics on a configuration error: no scheme, a duplicate or
// invalid scheme name, a realm with control characters, QueryToken without
// a Bearer scheme.
func Authenticate(opts ...Option) func(http.Handler) http.Handler {
	cfg := authConfig{realm: "api"}
	for _, o := range opts {
		o(&cfg)
	}
	a, err := newAuthenticator(cfg)
	if err != nil {
		panic(err)
	}
	return a.middleware
}

// authenticator holds every refusal precomputed, so refusing costs no more
// than writing a problem.
type authenticator struct {
	schemes     []authScheme
	queryParam  string
	queryScheme int    // index of the Bearer scheme, for query tokens
	nameLens    uint64 // bit n set: a scheme's name has n bytes (n < 64)
	anonymous   bool
	throttle    Throttle
	realm       string

	missing     *problem.Problem     // no credentials
	unsupported *problem.Problem     // unknown scheme
	multiple    *problem.Problem     // more than one credential
	refusals    [][]*problem.Problem // [scheme][tokenErrors index]
	unavailable *problem.Problem
}

func newAuthenticator(cfg authConfig) (*authenticator, error) {
	if len(cfg.schemes) == 0 {
		return nil, errors.New("auth: Authenticate needs at least one scheme")
	}
	if err := checkQuotable("realm", cfg.realm); err != nil {
		return nil, err
	}
	if cfg.throttleSet && cfg.throttle == nil {
		return nil, errNilThrottle
	}
	a := &authenticator{schemes: slices.Clone(cfg.schemes), queryParam: cfg.queryParam, queryScheme: -1, anonymous: cfg.anonymous, realm: cfg.realm,
		throttle: cfg.throttle}
	names := make([]string, len(cfg.schemes))
	plain := make([]string, len(cfg.schemes)) // challenges without error
	for i, s := range cfg.schemes {
		if !validSchemeName(s.name) {
			return nil, fmt.Errorf("auth: invalid authentication scheme name %q", s.name)
		}
		if s.v == nil {
			return nil, fmt.Errorf("auth: scheme %s has no verifier", s.name)
		}
		a.schemes[i].shared = shared(s.v)
		a.schemes[i].jwt, _ = s.v.(*JWT)
		if len(s.name) < 64 {
			a.nameLens |= 1 << len(s.name)
		}
		for _, prev := range names[:i] {
			if strings.EqualFold(prev, s.name) {
				return nil, fmt.Errorf("auth: authentication scheme %s configured twice", s.name)
			}
		}
		if strings.EqualFold(s.name, "Bearer") {
			a.queryScheme = i
		}
		names[i] = s.name
		plain[i] = challenge(s.name, "realm", cfg.realm)
	}
	if a.queryParam != "" && a.queryScheme < 0 {
		return nil, errors.New("auth: QueryToken needs a Bearer scheme")
	}

	// "with the scheme Bearer" for one scheme, "with one of the schemes
	// Bearer, ApiKey" for several.
	withSchemes, useSchemes := "with the scheme "+names[0], "use "+names[0]
	if len(names) > 1 {
		list := strings.Join(names, ", ")
		withSchemes, useSchemes = "with one of the schemes "+list, "use one of "+list
	}
	// withChallenges adds one WWW-Authenticate field per scheme, the one
	// that failed first (clients often read only the first).
	withChallenges := func(p *problem.Problem, failed int, params ...string) *problem.Problem {
		p = p.WithHeader("WWW-Authenticate", challenge(names[failed], append([]string{"realm", cfg.realm}, params...)...))
		for i, c := range plain {
			if i != failed {
				p = p.WithHeader("WWW-Authenticate", c)
			}
		}
		return p
	}
	a.missing = withChallenges(problem.Unauthorized(
		"This resource requires authentication: send your credentials in the Authorization header, "+withSchemes+"."), 0)
	a.unsupported = withChallenges(problem.Unauthorized(
		"The Authorization header uses a scheme this API does not support: "+useSchemes+"."), 0)
	several := "several Authorization headers, or several credentials in one"
	if a.queryParam != "" {
		several += ", or a header and an " + a.queryParam + " parameter"
	}
	a.multiple = withChallenges(problem.BadRequest(
		"The request carries more than one credential ("+several+"): send exactly one."),
		max(a.queryScheme, 0), "error", errInvalidRequest, "error_description", "The request carries more than one credential")
	a.refusals = make([][]*problem.Problem, len(names))
	for i := range names {
		a.refusals[i] = make([]*problem.Problem, len(tokenErrors))
		for j, e := range tokenErrors {
			te := e.(*tokenError)
			a.refusals[i][j] = withChallenges(problem.Unauthorized(te.detail), i,
				"error", errInvalidToken, "error_description", te.description)
		}
	}
	a.unavailable = problem.ServiceUnavailable(
		"The API cannot check credentials right now: retry in a few seconds.").WithHeader("Retry-After", "5")
	return a, nil
}

func (a *authenticator) middleware(next http.Handler) http.Handler {
	return describe.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		si, credentials, refusal := a.credentials(r)
		if refusal == nil && si >= 0 {
			if p := a.cached(si, credentials); p != nil {
				a.serve(next, w, r, si, p)
				return
			}
		}
		// Nothing more is read of the credentials before the throttle has
		// its say: a client it refuses costs no parsing.
		at, ok := a.allow(w, r)
		if !ok {
			return
		}
		if at != nil {
			defer done(&at, false) // a panicking verifier must not keep the attempt open
		}
		if refusal == nil && si >= 0 && !validToken68(credentials) {
			refusal = a.refusals[si][tokenErrorIndex(ErrTokenMalformed)]
			if a.credentialList(credentials) {
				refusal = a.multiple
			}
		}
		switch {
		case refusal != nil:
			reject(w, r, &at, refusal)
			return
		case si < 0:
			if a.anonymous {
				next.ServeHTTP(w, withAuth(r, nil, a))
				return
			}
			writeRefusal(w, r, a.missing)
			return
		}
		p, err := a.verify(r.Context(), si, credentials)
		if err != nil || p == nil {
			a.refuse(w, r, &at, si, err)
			return
		}
		done(&at, false)
		a.serve(next, w, r, si, p)
	}), a.describe)
}

// credentials returns the scheme and the credentials r carries, -1 if
// none, or the refusal of a request with more than one or with an
// unsupported scheme. It does not check the credentials' syntax.
func (a *authenticator) credentials(r *http.Request) (si int, credentials string, refusal *problem.Problem) {
	si = -1
	values := r.Header["Authorization"]
	switch {
	case len(values) > 1:
		return -1, "", a.multiple
	case a.queryParam != "":
		token, n := authQueryValue(r.URL.RawQuery, a.queryParam)
		if n > 1 || n == 1 && len(values) == 1 {
			return -1, "", a.multiple
		}
		if n == 1 {
			si, credentials = a.queryScheme, token
		}
	}
	if len(values) == 1 {
		name, c, ok := splitAuthorization(values[0])
		if si = a.scheme(name); !ok || si < 0 {
			return -1, "", a.unsupported
		}
		credentials = c
	}
	return si, credentials, nil
}

// cached returns the principal of credentials that scheme si's JWT
// verifier has already verified and still caches, or nil. Such a token is
// served at once, without the throttle: its check cannot fail, so it
// cannot be a guess, and the users who send it are not locked out by
// another client's failures at their address. Only JWTs: a cache hit on an
// API key or an opaque token would let a throttled client test guesses
// against the keys and tokens of others that the cache holds. A verified
// JWT is made of base64url segments, so the syntax check it skips would
// have passed.
func (a *authenticator) cached(si int, credentials string) *Principal {
	jwt := a.schemes[si].jwt
	if jwt == nil || jwt.cache == nil || len(credentials) > MaxCredentialLength {
		return nil
	}
	if e, ok := jwt.cache.get(credentials, jwt.now()); ok {
		return e.p
	}
	return nil
}

// serve runs next as p, authenticated with scheme si.
func (a *authenticator) serve(next http.Handler, w http.ResponseWriter, r *http.Request, si int, p *Principal) {
	if name := a.schemes[si].name; p.Scheme != name {
		q := *p
		q.Scheme = name
		p = &q
	}
	if a.queryParam != "" && len(r.Header["Authorization"]) == 0 {
		// The token came in the URL, where no shared cache sees
		// credentials: RFC 6750 §2.3 asks for "private", so that a cache
		// keyed by the URL does not go on serving the answer once the
		// token is revoked. The handler may set its own.
		makePrivate(w.Header())
	}
	next.ServeHTTP(w, withAuth(r, p, a))
}

// credentialList reports whether the credentials of an Authorization field
// go on, after a comma, with another credential of a configured scheme,
// as in "Bearer x, ApiKey y": the one-line form of two Authorization
// fields, answered like them.
func (a *authenticator) credentialList(credentials string) bool {
	if len(credentials) > MaxCredentialLength { // too long to be either: no need to walk it
		return false
	}
	i := strings.IndexByte(credentials, ',')
	if i < 0 {
		return false
	}
	// One pass over the bytes after the first comma, with no call per
	// element: the first word of each element is a scheme's name to look
	// up, empty elements and blanks are skipped, so that a list of commas
	// costs about what a token of its length does.
	for s := credentials[i+1:]; ; {
		j := 0
		for j < len(s) && (s[j] == ',' || s[j] == ' ' || s[j] == '\t') {
			j++
		}
		s = s[j:]
		k, ascii := 0, true
		for k < len(s) && s[k] != ',' && s[k] != ' ' && s[k] != '\t' {
			ascii = ascii && s[k] < utf8.RuneSelf
			k++
		}
		if k == 0 {
			return false // the end
		}
		// Only an ASCII word can be a scheme, of its length (see scheme).
		if ascii && (k >= 64 || a.nameLens&(1<<k) != 0) && a.scheme(s[:k]) >= 0 {
			return true
		}
		for k < len(s) && s[k] != ',' { // the rest of the element
			k++
		}
		s = s[k:]
	}
}

// scheme returns the index of the configured scheme called name, or -1.
func (a *authenticator) scheme(name string) int {
	// Scheme names are ASCII tokens (RFC 9110 §11.1), compared without
	// Unicode folding: "Api\u212Aey" (a Kelvin sign) is no ApiKey, though
	// strings.EqualFold says so, and a proxy that matches ApiKey would
	// not see it as one. So only a name of the same length can match.
	for i := 0; i < len(name); i++ {
		if name[i] >= utf8.RuneSelf {
			return -1
		}
	}
	for i := range a.schemes {
		if len(a.schemes[i].name) == len(name) && strings.EqualFold(a.schemes[i].name, name) {
			return i
		}
	}
	return -1
}

// refuse answers a verifier's failure, and reports it to at.
func (a *authenticator) refuse(w http.ResponseWriter, r *http.Request, at *Attempt, si int, err error) {
	if i := tokenErrorIndex(err); i >= 0 {
		reject(w, r, at, a.refusals[si][i])
		return
	}
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		// The client went away during the check, and a verifier that
		// honours its context said so: no verdict on the credentials, and
		// no fault of the API to log as an error or alert anyone about.
		done(at, false)
		problem.Write(w, r, problem.FromError(err))
		return
	}
	if errors.Is(err, ErrVerifierUnavailable) || errors.Is(err, context.DeadlineExceeded) {
		done(at, false)
		problem.Write(w, r, a.unavailable.WithCause(err))
		return
	}
	if p, ok := errors.AsType[*problem.Problem](err); ok && p != nil {
		done(at, p.Status == http.StatusUnauthorized)
		if p.Status < 500 {
			writeRefusal(w, r, p)
		} else {
			problem.Write(w, r, p)
		}
		return
	}
	done(at, false)
	if err == nil {
		err = fmt.Errorf("auth: the %s verifier returned neither a principal nor an error", a.schemes[si].name)
	}
	problem.Write(w, r, problem.InternalServerError("").WithCause(err))
}

// writeRefusal sends a refusal of the request's credentials, or the 404 of
// a concealed route.
func writeRefusal(w http.ResponseWriter, r *http.Request, p *problem.Problem) {
	if concealed(r.Context()) {
		notVisible(w, r)
		return
	}
	problem.Write(w, r, p)
}

// authQueryValue returns the first value of the query parameter name in
// raw and how many times name occurs, reading the pairs as url.ParseQuery
// splits and unescapes them, in one pass that allocates nothing for the
// others: ParseQuery builds a map of every pair, which made a query of
// many small pairs cost some twenty times what its bytes do, and it drops
// every pair past the 10,000th, the token among them. A value that does
// not unescape, or holds a ';', comes back as sent, to be refused as
// malformed: ParseQuery drops such a pair, and the token would pass for
// absent. A query that cannot spell name costs one scan.
func authQueryValue(raw, name string) (string, int) {
	if !strings.Contains(raw, name) && strings.IndexByte(raw, '%') < 0 {
		return "", 0
	}
	var first string
	n := 0
	for value, rest, ok := query.Next(raw, name); ok; value, rest, ok = query.Next(rest, name) {
		if n++; n == 1 {
			first = value
		}
	}
	if n > 0 && strings.IndexByte(first, ';') < 0 {
		if u, err := url.QueryUnescape(first); err == nil {
			first = u
		}
	}
	return first, n
}
