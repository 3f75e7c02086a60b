package auth

import (
	"errors"
	"fmt"
	"strings"
)

// Errors a Verifier returns for credentials that do not authenticate. Each
// is also ErrInvalidToken (errors.Is), so a custom verifier may return
// ErrInvalidToken, one of these, or an error wrapping one. Authenticate
// answers them with 401 and the RFC 6750 error "invalid_token", whose
// error_description and problem detail come from a fixed table: nothing a
// client sent is echoed.
var (
	ErrInvalidToken     = newTokenError("auth: invalid token", "The access token is invalid", "Your credentials are not valid: get new ones and retry.")
	ErrTokenMalformed   = newTokenError("auth: malformed token", "The credentials are malformed", "Your credentials are malformed: send the Authorization header as the scheme's name, one space, and the token or key exactly as it was issued.")
	ErrTokenExpired     = newTokenError("auth: token expired", "The access token expired", "Your access token has expired: get a new one and retry.")
	ErrTokenNotYetValid = newTokenError("auth: token not valid yet", "The access token is not valid yet", "Your access token is not valid yet: check the clock of the machine that requested it, or wait, then retry.")
	ErrTokenSignature   = newTokenError("auth: invalid token signature", "The access token signature is invalid", "Your access token's signature does not verify: it was altered, or not issued by an authorization server this API trusts.")
	ErrTokenAlgorithm   = newTokenError("auth: token algorithm not accepted", "The access token signing algorithm is not accepted", "Your access token is signed with an algorithm this API does not accept.")
	ErrTokenUnknownKey  = newTokenError("auth: token signed with an unknown key", "The access token signing key is unknown", "Your access token is signed with a key this API does not know. If the authorization server just rotated its keys, retry in a minute.")
	ErrTokenIssuer      = newTokenError("auth: token issuer not accepted", "The access token issuer is not accepted", "Your access token was issued by an authorization server this API does not trust.")
	ErrTokenAudience    = newTokenError("auth: token audience not accepted", "The access token is not meant for this API", "Your access token was issued for another API (its audience does not include this one): request a token for this API.")
	ErrTokenType        = newTokenError("auth: token of another type", "The token is not an access token", "Your token is not an access token (its typ header names another kind, such as an ID token): send the access token the authorization server issued for this API.")
	ErrTokenClaims      = newTokenError("auth: token claims invalid", "The access token lacks a required claim or has an invalid one", "Your access token lacks a claim this API requires (such as its expiry or subject), or holds one of the wrong type.")
	ErrTokenInactive    = newTokenError("auth: token inactive", "The access token is revoked or inactive", "Your access token was revoked or is no longer active: get a new one and retry.")
	ErrUnknownAPIKey    = newTokenError("auth: unknown API key", "The API key is unknown", "Your API key is not valid: check it, or ask for a new one.")
)

// ErrVerifierUnavailable marks a failure of the verifier's infrastructure
// (key set endpoint unreachable, introspection down). Authenticate answers
// it with a logged 503 rather than a 401 that would blame the client. Wrap
// it: fmt.Errorf("%w: %w", ErrVerifierUnavailable, err).
var ErrVerifierUnavailable = errors.New("auth: credential verifier unavailable")

// tokenErrors lists the credential errors in the order of the precomputed
// refusals (see authenticator.refusals).
var tokenErrors = []error{
	ErrInvalidToken, ErrTokenMalformed, ErrTokenExpired, ErrTokenNotYetValid,
	ErrTokenSignature, ErrTokenAlgorithm, ErrTokenUnknownKey, ErrTokenIssuer,
	ErrTokenAudience, ErrTokenClaims, ErrTokenInactive, ErrUnknownAPIKey,
	ErrTokenType,
}

// tokenError is a credential failure with its fixed RFC 6750
// error_description and the problem detail users read.
type tokenError struct {
	msg         string
	description string // RFC 6750 §3: %x20-21 / %x23-5B / %x5D-7E only
	detail      string
}

// newTokenError returns the credential error of msg, the RFC 6750
// error_description and the problem's detail. It returns an error, not a
// *tokenError, so that the exported variables have type error, declared
// without a type that would make go doc list the package's constructors
// apart from their types.
func newTokenError(msg, description, detail string) error {
	return &tokenError{msg, description, detail}
}

func (e *tokenError) Error() string { return e.msg }

// Is makes every credential error an ErrInvalidToken.
func (e *tokenError) Is(target error) bool { return target == ErrInvalidToken }

// tokenErrorIndex returns the position in tokenErrors of the credential
// error err carries, or -1.
func tokenErrorIndex(err error) int {
	te, ok := errors.AsType[*tokenError](err)
	if !ok {
		return -1
	}
	for i, e := range tokenErrors {
		if e == error(te) {
			return i
		}
	}
	return 0 // a tokenError outside the table cannot be made; be safe anyway
}

// RFC 6750 §3.1 error codes.
const (
	errInvalidRequest    = "invalid_request"
	errInvalidToken      = "invalid_token"
	errInsufficientScope = "insufficient_scope"
)

// challenge renders one RFC 9110 §11.6.1 challenge: the scheme, then
// auth-params as quoted strings. Empty values are left out. params holds
// name/value pairs; every value is a server string (a configured realm, a
// fixed description, scopes checked at start-up), never client input.
func challenge(scheme string, params ...string) string {
	var b strings.Builder
	b.WriteString(scheme)
	sep := " "
	for i := 0; i+1 < len(params); i += 2 {
		if params[i+1] == "" {
			continue
		}
		b.WriteString(sep)
		b.WriteString(params[i])
		b.WriteString(`="`)
		writeQuoted(&b, params[i+1])
		b.WriteByte('"')
		sep = ", "
	}
	return b.String()
}

// writeQuoted writes the content of an RFC 9110 quoted-string: '"' and '\'
// are escaped with a backslash. Values are checked by checkQuotable.
func writeQuoted(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '"' || c == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
}

// checkQuotable reports whether s can be a quoted-string's content: no
// control characters (RFC 9110 qdtext and quoted-pair exclude them).
func checkQuotable(what, s string) error {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return fmt.Errorf("auth: %s %q holds a control character", what, s)
		}
	}
	return nil
}

// validScope reports whether s is an RFC 6749 §3.3 scope-token: one or
// more of %x21 / %x23-5B / %x5D-7E. Such a token needs no escaping.
func validScope(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// validScopeList reports whether s is an RFC 6749 §3.3 scope: one or more
// scope-tokens, each separated by a single space (%x20).
func validScopeList(s string) bool {
	for {
		token, rest, more := strings.Cut(s, " ")
		if !validScope(token) {
			return false
		}
		if !more {
			return true
		}
		s = rest
	}
}

// validSchemeName reports whether s is an RFC 9110 token, as an
// auth-scheme must be.
func validSchemeName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isAuthTchar(s[i]) {
			return false
		}
	}
	return true
}

func isAuthTchar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}
