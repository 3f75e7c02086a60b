package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	// golang-jwt/jwt: small and widely used. Its signing methods check the
	// signatures and its Validator the registered claims; its Parser is not
	// used, as it decodes the claims before the signature is checked (see
	// JWT.verify).
	"github.com/chiguard/chiguard/internal/jsonesc"
	"github.com/golang-jwt/jwt/v5"
)

// JWTConfig configures a JWT. Algorithms and exactly one key
// source (Key, Keys or JWKS) are required.
type JWTConfig struct {
	// Algorithms the tokens may be signed with, e.g. {"RS256"}: HS256,
	// HS384, HS512, RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384,
	// ES512 or EdDSA. A token announcing any other "alg", "none" above all,
	// is refused. Each key serves only its own family, so an RSA public key
	// is never taken for an HMAC secret.
	Algorithms []string
	// Key verifies every token, whatever its "kid": an HMAC secret
	// ([]byte, at least as long as the hash of each HS algorithm listed), *rsa.PublicKey (2048 bits or more),
	// *ecdsa.PublicKey or ed25519.PublicKey.
	Key any
	// Keys verify tokens by their "kid"; a token naming no kid is tried
	// against every key that fits its algorithm. An HMAC secret here
	// verifies the HS algorithms it is as long as the hash of (at least
	// the shortest listed), and each HS algorithm needs one such secret.
	Keys map[string]any
	// JWKS fetches and refreshes the keys from the authorization server.
	JWKS *JWKS
	// Issuer, if set, must equal the token's "iss".
	Issuer string
	// Audience, if set, must be one of the token's "aud". Set it whenever
	// the authorization server issues tokens for other APIs too.
	Audience string
	// Types, if set, are the media types a token's "typ" header must name
	// (ErrTokenType otherwise), compared without case and with or without
	// "application/" (RFC 7515 §4.1.9). {"at+jwt"} holds tokens to the JWT
	// access token profile (RFC 9068 §4), which refuses the ID tokens and
	// other JWTs an authorization server signs with the same keys. Nil
	// takes any typ, or none: many servers send "JWT".
	Types []string
	// Leeway tolerates clock skew when checking "exp" and "nbf".
	Leeway time.Duration
	// ExpiryOptional accepts tokens without an "exp" claim, which are
	// refused by default: a token that never expires cannot be contained
	// once leaked.
	ExpiryOptional bool
	// Classify tells app tokens from user tokens. Nil means DefaultClassify.
	Classify func(claims map[string]any) Kind
	// AllowShortHMACKey accepts HMAC secrets shorter than their
	// algorithm's hash (32 bytes for HS256, 48 for HS384, 64 for HS512),
	// which RFC 7518 §3.2 forbids because they can be brute-forced. Only for
	// demos and tests whose published secret is short anyway.
	AllowShortHMACKey bool
	// CacheBytes bounds the memory of the cache of verified tokens, which
	// saves the signature check when a client sends the same token again.
	// Each entry counts its token and its principal, claims included. Zero
	// means DefaultCacheBytes, negative disables the cache.
	CacheBytes int
}

// JWT verifies JWT access tokens (RFC 7519, RFC 9068) and turns
// their claims into principals: "sub", "client_id"/"clientId"/"azp",
// "scope" (RFC 6749 scope-tokens separated by single spaces) or "scp" (such
// a string, or an array of scope-tokens), "exp". A scope claim of any other
// form (tabs, Unicode spaces, runs of spaces) makes the token invalid
// (ErrTokenClaims).
//
// Limits, so that a hostile token costs what any token of its size costs:
//   - Authenticate reads tokens of up to MaxCredentialLength (16 KiB);
//   - until the signature holds, only the header is decoded, and a header
//     of more than 4 KiB is malformed;
//   - claims nested deeper than MaxClaimDepth are refused before decoding;
//   - "exp", "nbf" and "iat" outside years 0 to 9999 make a token malformed;
//   - the cache of verified tokens takes at most CacheBytes
//     (DefaultCacheBytes, 32 MiB, by default), each token counting its
//     length and its claims'.
//
// Use it with Bearer. It is safe for concurrent use.
type JWT struct {
	validator *jwt.Validator
	algs      []string
	key       any
	keys      *keySet
	jwks      *JWKS
	leeway    time.Duration
	types     []string // mediaTypeName of each of JWTConfig.Types
	classify  func(map[string]any) Kind
	cache     *tokenCache
	now       func() time.Time
	shortHMAC bool // JWTConfig.AllowShortHMACKey
}

// maxCacheLifetime caps how long a verified token is served from the cache,
// so that a key withdrawn from the JWKS stops being trusted soon even for
// long-lived tokens.
const maxCacheLifetime = 10 * time.Minute

// NewJWT returns a verifier for cfg, or an error if cfg is incomplete or
// unsafe.
func NewJWT(cfg JWTConfig) (*JWT, error) {
	return newJWT(cfg, time.Now)
}

func newJWT(cfg JWTConfig, now func() time.Time) (*JWT, error) {
	if len(cfg.Algorithms) == 0 {
		return nil, errors.New("auth: JWTConfig.Algorithms is required")
	}
	for _, alg := range cfg.Algorithms {
		if !supportedAlgorithm(alg) {
			return nil, fmt.Errorf("auth: algorithm %q is not supported", alg)
		}
	}
	sources := 0
	for _, set := range []bool{cfg.Key != nil, cfg.Keys != nil, cfg.JWKS != nil} {
		if set {
			sources++
		}
	}
	if sources != 1 {
		return nil, errors.New("auth: JWTConfig needs exactly one of Key, Keys and JWKS")
	}
	v := &JWT{
		algs:      slices.Clone(cfg.Algorithms),
		key:       cfg.Key,
		jwks:      cfg.JWKS,
		leeway:    cfg.Leeway,
		classify:  cfg.Classify,
		cache:     newTokenCache(cfg.CacheBytes),
		now:       now,
		shortHMAC: cfg.AllowShortHMACKey,
	}
	for _, t := range cfg.Types {
		name := mediaTypeName(t)
		if !validMediaTypeName(name) {
			return nil, fmt.Errorf("auth: JWTConfig.Types: %q is not a media type such as at+jwt", t)
		}
		v.types = append(v.types, name)
	}
	// Static keys must each be valid, and each algorithm needs a key, which
	// catches an RSA key configured for HS256 at start-up.
	var static []any
	if cfg.Key != nil {
		static = append(static, cfg.Key)
	}
	if cfg.Keys != nil {
		v.keys = &keySet{shortHMAC: cfg.AllowShortHMACKey}
		for kid, k := range cfg.Keys {
			v.keys.keys = append(v.keys.keys, setKey{kid: kid, key: k})
			static = append(static, k)
		}
	}
	for _, k := range static {
		if b, hmac := k.([]byte); hmac && cfg.AllowShortHMACKey && len(b) > 0 {
			continue
		}
		if err := checkKey(k); err != nil {
			if b, hmac := k.([]byte); hmac && len(b) > 0 {
				err = fmt.Errorf("%w (JWTConfig.AllowShortHMACKey accepts it, for demos and tests only)", err)
			}
			return nil, err
		}
	}
	if static != nil {
		for _, alg := range v.algs {
			if slices.ContainsFunc(static, func(k any) bool { return keyFits(alg, k, cfg.AllowShortHMACKey) }) {
				continue
			}
			var longest []byte // the HMAC secret that came closest
			for _, k := range static {
				if b, hmac := k.([]byte); hmac && len(b) >= len(longest) {
					longest = b
				}
			}
			if longest != nil && strings.HasPrefix(alg, "HS") {
				return nil, shortSecretError(alg, "the longest configured one", longest)
			}
			return nil, fmt.Errorf("auth: no configured key fits algorithm %s", alg)
		}
		// A secret of Keys serves the tokens of its kid, with the HS
		// algorithms it is long enough for (lookup checks each token's):
		// it needs one, or no token could use it.
		for kid, k := range cfg.Keys {
			b, hmac := k.([]byte)
			if !hmac {
				continue
			}
			shortest := ""
			for _, alg := range v.algs {
				if strings.HasPrefix(alg, "HS") && (shortest == "" || hmacMinLen(alg) < hmacMinLen(shortest)) {
					shortest = alg
				}
			}
			if shortest != "" && !keyFits(shortest, b, cfg.AllowShortHMACKey) {
				return nil, shortSecretError(shortest, "key "+strconv.Quote(kid), b)
			}
		}
	}
	opts := []jwt.ParserOption{
		jwt.WithLeeway(cfg.Leeway),
		jwt.WithTimeFunc(now),
		jwt.WithIssuedAt(), // a token issued in the future (beyond leeway) is refused like nbf
	}
	if !cfg.ExpiryOptional {
		opts = append(opts, jwt.WithExpirationRequired())
	}
	if cfg.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(cfg.Issuer))
	}
	if cfg.Audience != "" {
		opts = append(opts, jwt.WithAudience(cfg.Audience))
	}
	v.validator = jwt.NewValidator(opts...)
	return v, nil
}

// signingMethods are the JWS algorithms a verifier may accept. They are
// named here rather than looked up in golang-jwt's registry, which any
// package may extend or override.
var signingMethods = map[string]jwt.SigningMethod{
	"HS256": jwt.SigningMethodHS256, "HS384": jwt.SigningMethodHS384, "HS512": jwt.SigningMethodHS512,
	"RS256": jwt.SigningMethodRS256, "RS384": jwt.SigningMethodRS384, "RS512": jwt.SigningMethodRS512,
	"PS256": jwt.SigningMethodPS256, "PS384": jwt.SigningMethodPS384, "PS512": jwt.SigningMethodPS512,
	"ES256": jwt.SigningMethodES256, "ES384": jwt.SigningMethodES384, "ES512": jwt.SigningMethodES512,
	"EdDSA": jwt.SigningMethodEdDSA,
}

// supportedAlgorithm reports whether alg is one of the JWS algorithms a
// verifier may accept.
func supportedAlgorithm(alg string) bool {
	_, ok := signingMethods[alg]
	return ok
}

// Verify checks token's signature and claims and returns its principal,
// from the cache when the same token was verified before. Errors are the
// credential errors of this package, or ErrVerifierUnavailable when the
// JWKS could not be loaded.
func (v *JWT) Verify(ctx context.Context, token string) (Principal, error) {
	return verifyCopy(ctx, v, token)
}

func (v *JWT) verifyShared(_ context.Context, token string) (*Principal, error) {
	if v.cache == nil {
		return v.verify(token)
	}
	now := v.now()
	if e, ok := v.cache.get(token, now); ok {
		return e.p, nil
	}
	p, err := v.verify(token)
	if err != nil {
		return nil, err
	}
	expires := now.Add(maxCacheLifetime)
	if !p.Expiry.IsZero() {
		if end := p.Expiry.Add(v.leeway); end.Before(expires) {
			expires = end
		}
	}
	v.cache.put(cacheEntry{token: token, p: p, expires: expires.UnixNano()}, now)
	return p, nil
}

// maxHeaderLength bounds the encoded JOSE header of a token: a header
// names an algorithm and a key in a few dozen bytes, and it is decoded
// before the signature is checked.
const maxHeaderLength = 4 << 10

// verify checks token in an order that makes every token cost about the
// same until its signature holds: the header (small, bounded) names the
// algorithm and the key, the signature is checked over the encoded
// segments, and only then are the claims decoded. jwt.Parser decodes the
// claims first, which let anyone make the server decode any JSON tree they
// liked, so this glue replaces it; golang-jwt still does the cryptography
// and validates the registered claims.
func (v *JWT) verify(token string) (*Principal, error) {
	header, rest, ok1 := strings.Cut(token, ".")
	payload, sig, ok2 := strings.Cut(rest, ".")
	if !ok1 || !ok2 || strings.Contains(sig, ".") || len(header) > maxHeaderLength {
		return nil, ErrTokenMalformed
	}
	alg, kid, err := v.header(header)
	if err != nil {
		return nil, err
	}
	// Strict: the signature covers the other segments, not itself, so a
	// lenient decoder would take several spellings of one signature (the
	// unused bits of the last character set), and a token refused by its
	// exact text, in a deny list, would pass in another spelling. (ECDSA
	// still has two: s and n-s verify alike; SECURITY.md says so.) Strict
	// mode still skips CR and LF, so they are refused here: Authenticate's
	// token68 check never lets them through, but a caller of Verify may.
	signature, err := base64.RawURLEncoding.Strict().DecodeString(sig)
	if err != nil || strings.ContainsAny(sig, "\r\n") {
		return nil, ErrTokenMalformed
	}
	key, err := v.lookup(kid, alg)
	if err != nil {
		return nil, err
	}
	if err := verifySignature(signingMethods[alg], token[:len(header)+1+len(payload)], signature, key); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrTokenSignature, err)
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil || !utf8.Valid(raw) || jsonesc.HasLoneSurrogate(raw) {
		// encoding/json would make each byte that is not UTF-8, and each
		// escaped lone surrogate, a U+FFFD, and two subjects one (RFC 7519
		// §7.2 asks for UTF-8).
		return nil, ErrTokenMalformed
	}
	if !withinDepth(raw, MaxClaimDepth) {
		return nil, ErrTokenClaims
	}
	var claims jwt.MapClaims
	if err := json.Unmarshal(raw, &claims); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrTokenMalformed, err)
	}
	// golang-jwt would convert an out-of-range date to an int64 that
	// overflows: an nbf of 1e19 would be in the past.
	for _, name := range [...]string{"exp", "nbf", "iat"} {
		if _, _, err := numericDate(claims, name); err != nil {
			return nil, err
		}
	}
	// golang-jwt reads an "exp" of 0 as no "exp" at all; it is 1970.
	if claims["exp"] == any(float64(0)) {
		return nil, ErrTokenExpired
	}
	if err := v.validator.Validate(claims); err != nil {
		return nil, validationError(err)
	}
	// The principal keeps the claims as JSON text, not the decoded tree: a
	// string is immutable and costs its length.
	p, err := principalFromClaims(claims, string(raw), v.classify, "Bearer")
	if err != nil {
		return nil, err
	}
	// The expiry as the validator read it: golang-jwt truncates dates to
	// jwt.TimePrecision (a second), so an "exp" of T+0.9 expires at T, and
	// the cache, which serves until Expiry, must not outlive that.
	if exp, _ := claims.GetExpirationTime(); exp != nil {
		p.Expiry = exp.Time
	}
	return p, nil
}

// header decodes a token's JOSE header and returns its algorithm, checked
// against the pinned list, and key ID.
func (v *JWT) header(segment string) (alg, kid string, err error) {
	b, err := base64.RawURLEncoding.DecodeString(segment)
	if err != nil || !utf8.Valid(b) || jsonesc.HasLoneSurrogate(b) { // RFC 7515 §5.2
		return "", "", ErrTokenMalformed
	}
	// Raw values, matched by their exact names: encoding/json would match
	// struct fields case-insensitively and take "ALG" for "alg".
	var h map[string]json.RawMessage
	if err := json.Unmarshal(b, &h); err != nil {
		return "", "", ErrTokenMalformed
	}
	if json.Unmarshal(h["alg"], &alg) != nil || alg == "" {
		return "", "", ErrTokenMalformed
	}
	if !slices.Contains(v.algs, alg) {
		return "", "", ErrTokenAlgorithm // "none" above all
	}
	if _, ok := h["crit"]; ok {
		// RFC 7515 §4.1.11: extensions we do not understand must fail.
		return "", "", ErrTokenMalformed
	}
	if len(v.types) > 0 {
		var typ string
		if json.Unmarshal(h["typ"], &typ) != nil || !slices.Contains(v.types, mediaTypeName(typ)) {
			return "", "", ErrTokenType
		}
	}
	if raw, ok := h["kid"]; ok && string(raw) != "null" {
		if json.Unmarshal(raw, &kid) != nil {
			return "", "", ErrTokenMalformed
		}
	}
	return alg, kid, nil
}

// lookup returns the key, or keys, that may verify a token of algorithm
// alg naming kid.
func (v *JWT) lookup(kid, alg string) (any, error) {
	switch {
	case v.key != nil:
		if !keyFits(alg, v.key, v.shortHMAC) {
			return nil, ErrTokenAlgorithm
		}
		return v.key, nil
	case v.keys != nil:
		return v.keys.lookup(kid, alg)
	default:
		return v.jwks.lookup(kid, alg)
	}
}

// verifySignature checks sig over signed with key, or with any of a key
// set's keys.
func verifySignature(m jwt.SigningMethod, signed string, sig []byte, key any) error {
	set, ok := key.(jwt.VerificationKeySet)
	if !ok {
		return m.Verify(signed, sig, key)
	}
	err := jwt.ErrTokenUnverifiable
	for _, k := range set.Keys {
		if err = m.Verify(signed, sig, k); err == nil {
			return nil
		}
	}
	return err
}

// validationError maps the errors of golang-jwt's Validator onto this
// package's; when several claims fail, the first in this order wins.
func validationError(err error) error {
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return fmt.Errorf("%w: %w", ErrTokenExpired, err)
	case errors.Is(err, jwt.ErrTokenNotValidYet), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return fmt.Errorf("%w: %w", ErrTokenNotYetValid, err)
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		return fmt.Errorf("%w: %w", ErrTokenIssuer, err)
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return fmt.Errorf("%w: %w", ErrTokenAudience, err)
	}
	return fmt.Errorf("%w: %w", ErrTokenClaims, err)
}

// mediaTypeName spells a "typ" as RFC 7515 §4.1.9 compares it: without
// case, and without the "application/" that it recommends leaving out.
func mediaTypeName(typ string) string {
	// ASCII case only, as for scheme names: strings.ToLower would make the
	// Kelvin sign a 'k'.
	typ = strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, typ)
	if rest, ok := strings.CutPrefix(typ, "application/"); ok {
		return rest
	}
	return typ
}

// validMediaTypeName reports a subtype such as "at+jwt": RFC 6838's
// restricted-name characters, nothing else.
func validMediaTypeName(s string) bool {
	if s == "" || len(s) > 127 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&-^_.+", c) >= 0) {
			return false
		}
	}
	return true
}
