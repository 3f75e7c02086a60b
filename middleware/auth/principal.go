package auth

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/chiguard/chiguard/internal/reqstate"
)

// Kind tells whether a principal is a person or an application.
type Kind int

const (
	// KindUser is a person, authenticated through a user token.
	KindUser Kind = iota + 1
	// KindApp is an application acting on its own behalf (client credentials,
	// API keys).
	KindApp
)

// String returns "user", "app" or "unknown".
func (k Kind) String() string {
	switch k {
	case KindUser:
		return "user"
	case KindApp:
		return "app"
	}
	return "unknown"
}

// Principal is the authenticated caller of a request. It is a value made
// of strings and numbers: PrincipalFrom and the verifiers hand out copies,
// so what a caller does with one never reaches another request, although
// verifiers cache principals across requests.
type Principal struct {
	// Subject identifies the caller: a user's "sub", an app's client id.
	Subject string
	// ClientID is the OAuth client the credentials were issued to, if any.
	ClientID string
	// Kind tells a user from an app, for RequireUser and RequireApp.
	Kind Kind
	// Scope lists the scopes granted to the credentials as OAuth writes
	// them: RFC 6749 scope-tokens separated by single spaces, "" for none.
	// Authenticate refuses a principal of a custom verifier whose Scope has
	// another form, as it does such a token (ErrTokenClaims).
	Scope string
	// Expiry of the credentials; zero if they do not expire.
	Expiry time.Time
	// Scheme is the Authorization scheme used, e.g. "Bearer" or "ApiKey".
	Scheme string

	key    string // Key, computed ahead by seal
	claims string // JSON of the token's claims or the introspection response
}

// ErrNoClaims is Principal.Claims' error for a principal that has no
// claims: one of an API key, or of a custom verifier.
var ErrNoClaims = errors.New("auth: the principal carries no claims")

// HasScope reports whether the principal was granted scope. It allocates
// nothing.
func (p Principal) HasScope(scope string) bool { return scopeListHas(p.Scope, scope) }

// scopeListHas reports whether the space-separated list holds scope: an
// occurrence of it between spaces or the ends. A search goes on past the
// end of an occurrence that is not, never from its next byte: an
// occurrence holds no space, so no other starts inside it after a space,
// and a scope such as "aaaa" costs the list's length, not its product with
// the scope's.
func scopeListHas(list, scope string) bool {
	if scope == "" || strings.IndexByte(scope, ' ') >= 0 {
		return false
	}
	for off := 0; ; {
		i := strings.Index(list[off:], scope)
		if i < 0 {
			return false
		}
		i += off
		end := i + len(scope)
		if (i == 0 || list[i-1] == ' ') && (end == len(list) || list[end] == ' ') {
			return true
		}
		off = end
	}
}

// Scopes returns the scopes granted, in a new slice; nil for none.
func (p Principal) Scopes() []string {
	if p.Scope == "" {
		return nil
	}
	return strings.Split(p.Scope, " ")
}

// Claims decodes the claims of the principal's token (the JWT payload, or
// the introspection response) into v, as json.Unmarshal does, e.g. into a
// struct of the claims a handler needs. Each call decodes afresh, so v is
// the caller's own. For a principal without claims it returns ErrNoClaims.
func (p Principal) Claims(v any) error {
	if p.claims == "" {
		return ErrNoClaims
	}
	return json.Unmarshal([]byte(p.claims), v)
}

// Key returns a stable identifier for keying limits and logs: "app:" or
// "user:" followed by the client id or subject. It allocates nothing for
// the principals of this package's verifiers.
//
// It is unique within one issuer of identities. A route that takes two,
// such as the tokens of two authorization servers or API keys next to
// tokens, whose subjects or client ids may meet, keys its limits with
// something that tells them apart too (ratelimit.KeyFrom).
func (p Principal) Key() string {
	prefix, id := p.keyParts()
	if len(p.key) == len(prefix)+len(id) && strings.HasPrefix(p.key, prefix) && p.key[len(prefix):] == id {
		return p.key // computed ahead, and the fields are still those it came from
	}
	return prefix + id
}

func (p Principal) keyParts() (prefix, id string) {
	if p.Kind == KindApp {
		if p.ClientID != "" {
			return "app:", p.ClientID
		}
		return "app:", p.Subject
	}
	return "user:", p.Subject
}

// seal computes p's Key ahead, for a principal a verifier shares between
// requests; p must not change afterwards.
func (p *Principal) seal() *Principal {
	prefix, id := p.keyParts()
	p.key = prefix + id
	return p
}

// size returns the bytes of p's strings, for the caches' budgets.
func (p *Principal) size() int {
	return len(p.Subject) + len(p.ClientID) + len(p.Scope) + len(p.Scheme) + len(p.key) + len(p.claims)
}

// authContext is what Authenticate leaves in a request's context when the
// request has no shared state (internal/reqstate) to store it in: the
// principal (nil for an anonymous request that AllowAnonymous let through)
// and the authenticator, whose realm and challenges the authorization
// checks answer with. One value holds both, so storing them costs the one
// allocation that context.WithValue would.
type authContext struct {
	context.Context
	p *Principal
	a *authenticator
}

// Value returns c for the auth slot's key and asks the parent for any
// other key.
func (c *authContext) Value(key any) any {
	if k, ok := key.(reqstate.Key); ok && k == reqstate.Auth {
		return c
	}
	return c.Context.Value(key)
}

// withAuth returns r carrying p and a: in the request's shared state if it
// has one still free, else in a context of its own.
func withAuth(r *http.Request, p *Principal, a *authenticator) *http.Request {
	if s := reqstate.From(r.Context()); s != nil && s.Set(reqstate.Auth, p, a) {
		return r
	}
	return r.WithContext(&authContext{Context: r.Context(), p: p, a: a})
}

// authIn returns what Authenticate stored in ctx; ok is false if nothing.
func authIn(ctx context.Context) (p *Principal, a *authenticator, ok bool) {
	switch v := ctx.Value(reqstate.Auth).(type) {
	case *authContext:
		return v.p, v.a, true
	case *reqstate.State:
		v0, v1 := v.Get(reqstate.Auth)
		p, _ = v0.(*Principal)
		a, _ = v1.(*authenticator)
		return p, a, true
	}
	return nil, nil, false
}

// WithPrincipal returns a copy of ctx carrying p, for tests and custom
// authentication middlewares. p is taken as is: its Scope is not checked.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return &authContext{Context: ctx, p: p.seal()}
}

// PrincipalFrom returns the principal Authenticate stored in ctx: a copy,
// which costs no allocation.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	if p := principalIn(ctx); p != nil {
		return *p, true
	}
	return Principal{}, false
}

// principalIn returns the principal stored in ctx, or nil; it must not
// leave the package.
func principalIn(ctx context.Context) *Principal {
	p, _, _ := authIn(ctx)
	return p
}

// MaxClaimDepth is how deeply the claims of a token, or an introspection
// response, may nest objects and arrays, the outer object counting as
// one. Deeper claims are refused (ErrTokenClaims) before they are decoded:
// real tokens nest 3 or 4 levels (Keycloak's resource_access), and a
// deeper tree only makes decoding costly.
const MaxClaimDepth = 16

// withinDepth reports whether the JSON text data nests objects and arrays
// at most limit levels deep. It scans the bytes once, without decoding;
// brackets in strings do not count. Invalid JSON may pass: the decoder
// that runs next refuses it before building anything.
func withinDepth(data []byte, limit int) bool {
	depth := 0
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '"':
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
		case '{', '[':
			if depth++; depth > limit {
				return false
			}
		case '}', ']':
			depth--
		}
	}
	return true
}

// DefaultClassify is the rule the JWT verifier uses, unless configured
// otherwise, to tell app tokens from user tokens. A token is an app's when
// its "client_id" names the token's subject too, or it has no subject (RFC
// 9068 §2.2: a client credentials grant's "sub" is the client), when its
// "cid" names its subject too (Okta), or when it carries "clientId" (older
// Keycloak service accounts), "gty": "client-credentials" (Auth0) or
// "idtyp": "app" (Microsoft Entra ID). Any other token is a user's: RFC
// 9068 puts "client_id" in user tokens too, Okta "cid", and "azp" only
// names the client.
//
// Keycloak's newer service-account tokens carry "client_id" with a "sub"
// of their own: use KeycloakClassify for that server.
func DefaultClassify(claims map[string]any) Kind {
	if s, _ := claims["gty"].(string); s == "client-credentials" {
		return KindApp
	}
	if s, _ := claims["clientId"].(string); s != "" {
		return KindApp
	}
	if s, _ := claims["idtyp"].(string); s == "app" {
		return KindApp
	}
	client, _ := claims["client_id"].(string)
	sub, _ := claims["sub"].(string)
	if client != "" && (sub == "" || sub == client) {
		return KindApp
	}
	if cid, _ := claims["cid"].(string); cid != "" && sub == cid {
		return KindApp
	}
	return KindUser
}

// KeycloakClassify is the rule for Keycloak's tokens, as JWTConfig.Classify:
// a token is an app's when it carries "client_id" or "clientId", which
// Keycloak puts in service-account tokens only, each with a "sub" of the
// account's own; any other token is a user's.
func KeycloakClassify(claims map[string]any) Kind {
	for _, name := range [...]string{"client_id", "clientId"} {
		if s, _ := claims[name].(string); s != "" {
			return KindApp
		}
	}
	return KindUser
}

// principalFromClaims builds the principal of a verified token or
// introspection response from claims, decoded from the JSON text raw. It
// fails with ErrTokenClaims when a claim has the wrong type, or when
// nothing identifies the caller.
func principalFromClaims(claims map[string]any, raw string, classify func(map[string]any) Kind, scheme string) (*Principal, error) {
	if classify == nil {
		classify = DefaultClassify
	}
	p := &Principal{Kind: classify(claims), Scheme: scheme, claims: raw}
	var ok bool
	if p.Subject, ok = stringClaim(claims, "sub"); !ok {
		return nil, ErrTokenClaims
	}
	for _, name := range [...]string{"client_id", "clientId", "azp"} {
		if p.ClientID, ok = stringClaim(claims, name); !ok {
			return nil, ErrTokenClaims
		}
		if p.ClientID != "" {
			break
		}
	}
	if p.Kind == KindApp && p.Subject == "" {
		p.Subject = p.ClientID
	}
	if p.Subject == "" {
		return nil, ErrTokenClaims
	}
	var err error
	if p.Scope, err = scopeClaim(claims); err != nil {
		return nil, err
	}
	exp, ok, err := numericDate(claims, "exp")
	if err != nil {
		return nil, err
	}
	if ok {
		p.Expiry = exp
	}
	return p.seal(), nil
}

// scopeClaim returns the scopes granted by claims, space-separated: the
// "scope" claim, else the "scp" claim (a string, or an array of single
// scope-tokens). A value that is not exactly RFC 6749 §3.3 scope-tokens
// joined by single spaces fails with ErrTokenClaims: splitting it another
// way (at tabs, Unicode spaces, runs of spaces) would grant scopes the
// issuer never wrote as such. An empty string grants no scope.
func scopeClaim(claims map[string]any) (string, error) {
	name := "scope"
	if claims[name] == nil {
		name = "scp"
	}
	switch s := claims[name].(type) {
	case nil:
		return "", nil
	case string:
		if s != "" && !validScopeList(s) {
			return "", ErrTokenClaims
		}
		return s, nil
	case []any:
		var b strings.Builder
		for i, v := range s {
			str, ok := v.(string)
			if !ok || !validScope(str) {
				return "", ErrTokenClaims
			}
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(str)
		}
		return b.String(), nil
	}
	return "", ErrTokenClaims
}

// stringClaim returns a string claim; ok is false if it has another type.
func stringClaim(claims map[string]any, name string) (string, bool) {
	switch v := claims[name].(type) {
	case nil:
		return "", true
	case string:
		return v, true
	}
	return "", false
}

// NumericDates are accepted from year 0 to year 9999: no issuer means a
// date beyond, and converting one to an int64 of seconds could overflow
// into a date that passes.
const (
	minNumericDate = -62167219200 // 0000-01-01T00:00:00Z
	maxNumericDate = 253402300799 // 9999-12-31T23:59:59Z
)

// numericDate reads the RFC 7519 NumericDate claim name; ok is false if
// it is absent. A value of another type is ErrTokenClaims, a number out of
// range ErrTokenMalformed.
func numericDate(claims map[string]any, name string) (t time.Time, ok bool, err error) {
	var sec float64
	switch n := claims[name].(type) {
	case nil:
		return time.Time{}, false, nil
	case float64:
		sec = n
	case json.Number:
		if sec, err = n.Float64(); err != nil {
			return time.Time{}, false, ErrTokenMalformed
		}
	default:
		return time.Time{}, false, ErrTokenClaims
	}
	if !(sec >= minNumericDate && sec <= maxNumericDate) {
		return time.Time{}, false, ErrTokenMalformed
	}
	whole, frac := math.Modf(sec)
	return time.Unix(int64(whole), int64(frac*1e9)), true, nil
}
