package auth

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chiguard/chiguard/internal/clock"
	"github.com/golang-jwt/jwt/v5"
)

// JWKSConfig configures a JWKS: where the key set is and how often to
// fetch it.
type JWKSConfig struct {
	// URL of the JSON Web Key Set, e.g. Keycloak's
	// https://host/realms/x/protocol/openid-connect/certs. Required.
	URL string
	// Client fetches the set. Nil means a client with a 10 s timeout; a
	// client without a Timeout gets 10 s per fetch too, so that a hung
	// endpoint cannot stop the refreshes.
	Client *http.Client
	// RefreshInterval is how often the set is fetched again. Zero means
	// 15 minutes.
	RefreshInterval time.Duration
	// MinRefreshInterval rate-limits fetches triggered by tokens signed with
	// an unknown key (after a rotation) and retries after failures. Zero
	// means 30 seconds.
	MinRefreshInterval time.Duration
	// Logger receives fetch failures. Nil means slog.Default().
	Logger *slog.Logger
}

// JWKS is a JSON Web Key Set (RFC 7517) fetched from a URL and kept fresh
// by one goroutine, which runs until the context given to NewJWKS is done
// or Close is called. Requests never wait for it: a token whose key ID is
// unknown is refused at once with ErrTokenUnknownKey and wakes the
// goroutine, which fetches the set again (at most once per
// MinRefreshInterval), so later requests signed with a new key pass. Until
// a first fetch succeeds, verification fails with ErrVerifierUnavailable
// (a 503): the API's trouble, not the client's.
//
// A set is read from at most 1 MiB of JSON (a larger document is a failed
// fetch). Of its entries, the first 256 are parsed and at most 64 usable
// keys kept (RSA moduli of 8192 bits at most); the rest are skipped, with
// a few of them, and their number, logged. A token naming no key ID is
// tried against at most 4 keys, the first that fit its algorithm. So a
// key set, whatever it holds, costs a token a few signature checks.
//
// Keys are parsed here with crypto/* rather than with a JOSE library:
// RSA, EC (P-256, P-384, P-521), OKP (Ed25519) and oct keys take a few
// dozen lines on the standard library, which also validates the points;
// github.com/lestrrat-go/jwx would add a large dependency (and its own
// HTTP cache) to every binary for that.
type JWKS struct {
	url        string
	logURL     string // url with any password redacted, for logs and errors
	client     *http.Client
	timeout    time.Duration // bounds a fetch of a client without a Timeout
	refresh    time.Duration
	minRefresh time.Duration
	logger     *slog.Logger

	keys    atomic.Pointer[keySet]
	lastErr atomic.Pointer[error]

	clock clock.Clock
	mu    sync.Mutex
	last  time.Time     // when the goroutine last began a fetch
	due   time.Time     // when it fetches next
	kick  chan struct{} // due moved earlier

	stop      context.CancelFunc
	done      chan struct{}
	closeOnce sync.Once
	fetchMu   sync.Mutex // serializes fetches (Refresh and the goroutine)
}

// NewJWKS starts keeping the key set at cfg.URL: it fetches it at once in
// the background, then every RefreshInterval, until ctx is done or Close is
// called. It fails only for a bad configuration. Requests verified before
// the first fetch succeeds get a 503, so call Refresh before serving to
// wait for (and check) the first fetch. Once ctx is done or Close is
// called, the keys last fetched stay in use, never refreshed again, so
// that requests still draining at shutdown are served: give it a context
// that lives as long as the server, not a request's.
func NewJWKS(ctx context.Context, cfg JWKSConfig) (*JWKS, error) {
	return newJWKS(ctx, cfg, clock.System{})
}

func newJWKS(ctx context.Context, cfg JWKSConfig, clk clock.Clock) (*JWKS, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		shown := "(unparsable)"
		if err == nil {
			shown = u.Redacted()
		}
		return nil, fmt.Errorf("auth: JWKS URL %q is not an absolute http(s) URL", shown)
	}
	j := &JWKS{
		url:        cfg.URL,
		logURL:     u.Redacted(), // net/http sends the user info as Basic credentials
		client:     cfg.Client,
		timeout:    10 * time.Second,
		refresh:    cfg.RefreshInterval,
		minRefresh: cfg.MinRefreshInterval,
		logger:     cfg.Logger,
		clock:      clk,
		kick:       make(chan struct{}, 1),
		done:       make(chan struct{}),
	}
	if j.client == nil {
		j.client = &http.Client{Timeout: 10 * time.Second}
	}
	if j.refresh <= 0 {
		j.refresh = 15 * time.Minute
	}
	if j.minRefresh <= 0 {
		j.minRefresh = 30 * time.Second
	}
	if j.logger == nil {
		j.logger = slog.Default()
	}
	ctx, j.stop = context.WithCancel(ctx)
	go j.run(ctx)
	return j, nil
}

// Close stops the refresh goroutine and waits for it to return.
func (j *JWKS) Close() error {
	j.closeOnce.Do(j.stop)
	<-j.done
	return nil
}

// Refresh fetches the key set now and waits for the result. A failed fetch
// keeps the keys already loaded.
func (j *JWKS) Refresh(ctx context.Context) error {
	return j.fetch(ctx)
}

func (j *JWKS) run(ctx context.Context) {
	defer close(j.done)
	for {
		j.refreshScheduled(ctx)
		if !j.sleep(ctx) {
			return
		}
	}
}

// refreshScheduled fetches the set and schedules the next fetch: after
// RefreshInterval, or MinRefreshInterval while fetches fail. A wake during
// the fetch moves the next one to MinRefreshInterval after its start.
func (j *JWKS) refreshScheduled(ctx context.Context) {
	start := j.clock.Now()
	j.mu.Lock()
	j.last, j.due = start, start.Add(j.refresh)
	j.mu.Unlock()
	if j.fetch(ctx) != nil {
		j.mu.Lock()
		j.due = start.Add(j.minRefresh)
		j.mu.Unlock()
	}
}

// sleep waits until the next fetch is due and reports whether it is, or
// whether ctx ended the wait.
func (j *JWKS) sleep(ctx context.Context) bool {
	for {
		select {
		case <-j.kick: // read due after this: no wake is lost
		default:
		}
		j.mu.Lock()
		wait := j.due.Sub(j.clock.Now())
		j.mu.Unlock()
		if wait <= 0 {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-j.clock.After(wait):
			return true
		case <-j.kick:
		}
	}
}

// wake asks for a fetch at MinRefreshInterval after the last one began,
// or at once if that is past, without ever blocking: however many requests
// wake it within that interval, the goroutine fetches once.
func (j *JWKS) wake() {
	j.mu.Lock()
	soonest := j.last.Add(j.minRefresh)
	moved := soonest.Before(j.due)
	if moved {
		j.due = soonest
	}
	j.mu.Unlock()
	if moved {
		select {
		case j.kick <- struct{}{}:
		default:
		}
	}
}

func (j *JWKS) fetch(ctx context.Context) error {
	j.fetchMu.Lock()
	defer j.fetchMu.Unlock()
	ks, err := j.get(ctx)
	if err != nil {
		if errors.Is(ctx.Err(), context.Canceled) {
			// The caller gave up (Close, or Refresh's context): it says
			// nothing of the endpoint, so the last failure, which a 503
			// names as its cause, stays the endpoint's own. A deadline
			// that passed does say something: the endpoint was that slow.
			return err
		}
		j.logger.LogAttrs(ctx, slog.LevelError, "auth: fetching the JWKS failed",
			slog.String("url", j.logURL), slog.Any("error", err), slog.Bool("keys_loaded", j.keys.Load() != nil))
		j.lastErr.Store(&err)
		return err
	}
	j.keys.Store(ks)
	j.lastErr.Store(nil)
	return nil
}

func (j *JWKS) get(ctx context.Context) (*keySet, error) {
	ctx, cancel := boundedCall(ctx, j.client, j.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, j.url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/jwk-set+json, application/json")
	resp, err := j.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
		return nil, fmt.Errorf("JWKS endpoint answered %s", resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKSLength+1))
	if err != nil {
		return nil, err
	}
	if len(body) > maxJWKSLength {
		return nil, errors.New("JWKS document larger than 1 MiB")
	}
	ks, skipped, err := parseJWKS(body)
	for _, e := range skipped {
		j.logger.LogAttrs(ctx, slog.LevelWarn, "auth: JWKS key skipped", slog.String("url", j.logURL), slog.Any("error", e))
	}
	return ks, err
}

// maxJWKSLength bounds a fetched key set document.
const maxJWKSLength = 1 << 20

// Bounds on what a key set costs, whatever its server sends: real sets
// hold a handful of keys of 2048 to 4096 bits.
const (
	maxJWKSEntries    = 256  // entries of "keys" parsed; the rest are skipped unread
	maxJWKSKeys       = 64   // usable keys kept
	maxKeyCandidates  = 4    // keys a token of a key set is tried against
	maxSkippedReports = 16   // skipped keys reported one by one, then counted
	maxRSAKeyBits     = 8192 // as crypto/tls allows
)

// lookup finds the key for a token's kid and alg. It never blocks on the
// network.
func (j *JWKS) lookup(kid, alg string) (any, error) {
	ks := j.keys.Load()
	if ks == nil {
		j.wake()
		cause := errors.New("no key set loaded yet")
		if e := j.lastErr.Load(); e != nil {
			cause = *e
		}
		return nil, fmt.Errorf("%w: JWKS %s: %w", ErrVerifierUnavailable, j.logURL, cause)
	}
	key, err := ks.lookup(kid, alg)
	if errors.Is(err, ErrTokenUnknownKey) {
		j.wake()
	}
	return key, err
}

// keySet holds verification keys by key ID.
type keySet struct {
	keys []setKey
	// maxCandidates, if not zero, bounds the keys lookup returns: a token
	// naming no kid is tried against at most that many.
	maxCandidates int
	// shortHMAC accepts HMAC secrets shorter than their algorithm's hash:
	// JWTConfig.AllowShortHMACKey, for static keys only.
	shortHMAC bool
}

type setKey struct {
	kid string
	alg string // the JWK's "alg", or "" if it names none
	key any    // []byte, *rsa.PublicKey, *ecdsa.PublicKey or ed25519.PublicKey
}

// lookup returns the key for a token with the given kid and alg: the key
// with that ID, or every key fitting alg if the token names none (as a
// jwt.VerificationKeySet). Keys never serve an algorithm of another family,
// so a public RSA key is never used as an HMAC secret.
func (ks *keySet) lookup(kid, alg string) (any, error) {
	var fits []jwt.VerificationKey
	known := false
	for _, k := range ks.keys {
		if kid != "" && k.kid != kid {
			continue
		}
		known = true
		if (k.alg == "" || k.alg == alg) && keyFits(alg, k.key, ks.shortHMAC) {
			fits = append(fits, k.key)
			if len(fits) == ks.maxCandidates {
				break
			}
		}
	}
	switch {
	case len(fits) == 1:
		return fits[0], nil
	case len(fits) > 1:
		return jwt.VerificationKeySet{Keys: fits}, nil
	case known && kid != "":
		return nil, ErrTokenAlgorithm
	}
	return nil, ErrTokenUnknownKey
}

// keyFits reports whether key can verify signatures of algorithm alg. An
// HMAC secret must be at least as long as the algorithm's hash (RFC 7518
// §3.2: 32 bytes for HS256, 48 for HS384, 64 for HS512), unless
// shortHMAC, JWTConfig.AllowShortHMACKey for static keys, accepts any.
func keyFits(alg string, key any, shortHMAC bool) bool {
	switch k := key.(type) {
	case []byte:
		return strings.HasPrefix(alg, "HS") && (shortHMAC || len(k) >= hmacMinLen(alg))
	case *rsa.PublicKey:
		return strings.HasPrefix(alg, "RS") || strings.HasPrefix(alg, "PS")
	case *ecdsa.PublicKey:
		switch alg {
		case "ES256":
			return k.Curve == elliptic.P256()
		case "ES384":
			return k.Curve == elliptic.P384()
		case "ES512":
			return k.Curve == elliptic.P521()
		}
	case ed25519.PublicKey:
		return alg == "EdDSA"
	}
	return false
}

// hmacMinLen is the shortest secret RFC 7518 §3.2 allows for alg, an HS
// algorithm: the length of its hash.
func hmacMinLen(alg string) int {
	switch alg {
	case "HS384":
		return 48
	case "HS512":
		return 64
	}
	return 32
}

// shortSecretError is NewJWT's error for an HMAC secret, which, named
// what, is shorter than alg allows.
func shortSecretError(alg, what string, secret []byte) error {
	return fmt.Errorf("auth: %s needs an HMAC secret of at least %d bytes (RFC 7518 §3.2), %s has %d "+
		"(JWTConfig.AllowShortHMACKey accepts it, for demos and tests only)", alg, hmacMinLen(alg), what, len(secret))
}

// checkKey validates a key given in a configuration.
func checkKey(key any) error {
	switch k := key.(type) {
	case []byte:
		if len(k) < 32 {
			// RFC 7518 §3.2: an HMAC key is at least as long as the hash.
			return fmt.Errorf("auth: an HMAC secret needs at least 32 bytes, this one has %d", len(k))
		}
	case *rsa.PublicKey:
		if k == nil || k.N == nil || k.N.BitLen() < 2048 {
			return errors.New("auth: RSA keys need at least 2048 bits")
		}
	case *ecdsa.PublicKey:
		if k == nil || k.Curve != elliptic.P256() && k.Curve != elliptic.P384() && k.Curve != elliptic.P521() {
			return errors.New("auth: ECDSA keys must be on P-256, P-384 or P-521")
		}
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return errors.New("auth: bad Ed25519 public key size")
		}
	default:
		return fmt.Errorf("auth: unsupported verification key type %T (want []byte, *rsa.PublicKey, *ecdsa.PublicKey or ed25519.PublicKey)", key)
	}
	return nil
}

// jsonWebKey is the part of an RFC 7517 JWK a verifier needs.
type jsonWebKey struct {
	Kty    string   `json:"kty"`
	Kid    string   `json:"kid"`
	Use    string   `json:"use"`
	Alg    string   `json:"alg"`
	KeyOps []string `json:"key_ops"`
	N      string   `json:"n"`
	E      string   `json:"e"`
	Crv    string   `json:"crv"`
	X      string   `json:"x"`
	Y      string   `json:"y"`
	K      string   `json:"k"`
}

// parseJWKS parses a JWK Set. Keys that are not for signatures, or of a
// type or curve not supported, are skipped and reported; a set without a
// usable key is an error. Whatever the document, the work and the reports
// are bounded (see maxJWKSEntries and the constants by it).
func parseJWKS(data []byte) (*keySet, []error, error) {
	var doc struct {
		Keys jwkList `json:"keys"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, nil, fmt.Errorf("JWKS: %w", err)
	}
	l := &doc.Keys
	if more := l.skipped - len(l.reports); more > 0 {
		l.reports = append(l.reports, fmt.Errorf("JWKS: %d more keys skipped", more))
	}
	if len(l.set.keys) == 0 {
		return nil, l.reports, errors.New("JWKS holds no usable signature key")
	}
	l.set.maxCandidates = maxKeyCandidates
	return &l.set, l.reports, nil
}

// jwkList is the "keys" member of a JWK Set, whose entries are split
// without decoding, so that a document of many small entries costs no
// more than its size; only the first maxJWKSEntries are decoded.
type jwkList struct {
	set     keySet
	skipped int
	reports []error
}

func (l *jwkList) UnmarshalJSON(data []byte) error {
	*l = jwkList{} // a repeated "keys" member replaces the one before, as for a slice
	data = bytes.TrimSpace(data)
	if string(data) == "null" {
		return nil
	}
	if len(data) < 2 || data[0] != '[' {
		return errors.New("JWKS: keys is not an array")
	}
	// data is valid JSON (json.Unmarshal checks the whole document before
	// decoding any of it): the entries are what lies between the commas
	// outside strings and nested values.
	body := data[1 : len(data)-1]
	depth, start, n := 0, 0, 0
	for p := 0; p <= len(body); p++ {
		if p == len(body) || depth == 0 && body[p] == ',' {
			if entry := bytes.TrimSpace(body[start:p]); len(entry) > 0 {
				l.entry(n, entry)
				n++
			}
			start = p + 1
			continue
		}
		switch body[p] {
		case '"':
			for p++; p < len(body) && body[p] != '"'; p++ {
				if body[p] == '\\' {
					p++
				}
			}
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		}
	}
	return nil
}

func (l *jwkList) entry(i int, raw []byte) {
	if i >= maxJWKSEntries || len(l.set.keys) >= maxJWKSKeys {
		l.skip(i, nil, "", errTooManyKeys)
		return
	}
	l.add(i, raw)
}

var errTooManyKeys = fmt.Errorf("beyond the first %d entries or %d usable keys", maxJWKSEntries, maxJWKSKeys)

func (l *jwkList) add(i int, raw []byte) {
	var jwk jsonWebKey
	if len(raw) == 0 || raw[0] != '{' {
		l.skip(i, nil, "", errors.New("not a JSON object"))
		return
	}
	if err := json.Unmarshal(raw, &jwk); err != nil {
		l.skip(i, nil, "", err)
		return
	}
	key, err := jwk.publicKey()
	if err == nil && jwk.Alg != "" {
		if !supportedAlgorithm(jwk.Alg) || !keyFits(jwk.Alg, key, false) {
			err = errAlgMismatch
		}
	}
	if err == nil {
		err = checkKey(key)
	}
	if err != nil {
		l.skip(i, &jwk, jwk.Kid, err)
		return
	}
	l.set.keys = append(l.set.keys, setKey{kid: jwk.Kid, alg: jwk.Alg, key: key})
}

var errAlgMismatch = errors.New("alg does not fit the key")

// skip counts a skipped entry, and reports the first few.
func (l *jwkList) skip(i int, jwk *jsonWebKey, kid string, err error) {
	l.skipped++
	if len(l.reports) >= maxSkippedReports {
		return
	}
	if jwk == nil {
		l.reports = append(l.reports, fmt.Errorf("JWKS key %d: %w", i, err))
		return
	}
	if err == errAlgMismatch {
		err = fmt.Errorf("alg %q does not fit the key", jwk.Alg)
	}
	l.reports = append(l.reports, fmt.Errorf("JWKS key %d (kid %q): %w", i, kid, err))
}

var errNotSigningKey = errors.New("not a signature verification key")

func (k *jsonWebKey) publicKey() (any, error) {
	if k.Use != "" && k.Use != "sig" {
		return nil, errNotSigningKey
	}
	if k.KeyOps != nil && !slices.Contains(k.KeyOps, "verify") {
		return nil, errNotSigningKey
	}
	switch k.Kty {
	case "RSA":
		n, err1 := decodeB64URL(k.N)
		e, err2 := decodeB64URL(k.E)
		if err := errors.Join(err1, err2); err != nil {
			return nil, err
		}
		if len(e) == 0 || len(e) > 4 {
			return nil, errors.New("bad RSA exponent")
		}
		exp := 0
		for _, b := range e {
			exp = exp<<8 | int(b)
		}
		if exp < 3 || exp%2 == 0 {
			return nil, errors.New("bad RSA exponent")
		}
		// A modulus has no upper bound in crypto/rsa, and each check costs
		// its size squared: a 97,000-bit key (all a 16 KiB token's
		// signature can match) costs 200 ms a token.
		if N := new(big.Int).SetBytes(n); N.BitLen() <= maxRSAKeyBits {
			return &rsa.PublicKey{N: N, E: exp}, nil
		}
		return nil, fmt.Errorf("RSA modulus of more than %d bits", maxRSAKeyBits)
	case "EC":
		var curve elliptic.Curve
		switch k.Crv {
		case "P-256":
			curve = elliptic.P256()
		case "P-384":
			curve = elliptic.P384()
		case "P-521":
			curve = elliptic.P521()
		default:
			return nil, fmt.Errorf("unsupported curve %q", k.Crv)
		}
		size := (curve.Params().BitSize + 7) / 8
		x, err1 := decodeB64URL(k.X)
		y, err2 := decodeB64URL(k.Y)
		if err := errors.Join(err1, err2); err != nil {
			return nil, err
		}
		if len(x) != size || len(y) != size {
			return nil, errors.New("bad EC coordinate length")
		}
		point := append(append([]byte{4}, x...), y...)
		return ecdsa.ParseUncompressedPublicKey(curve, point) // checks the point is on the curve
	case "OKP":
		if k.Crv != "Ed25519" {
			return nil, fmt.Errorf("unsupported curve %q", k.Crv)
		}
		x, err := decodeB64URL(k.X)
		if err != nil {
			return nil, err
		}
		if len(x) != ed25519.PublicKeySize {
			return nil, errors.New("bad Ed25519 key length")
		}
		return ed25519.PublicKey(x), nil
	case "oct":
		return decodeB64URL(k.K)
	}
	return nil, fmt.Errorf("unsupported key type %q", k.Kty)
}

// decodeB64URL decodes base64url, without padding as RFC 7515 says, but
// tolerating padding some servers add.
func decodeB64URL(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

// boundedCall bounds ctx by d when client has no Timeout of its own: an
// endpoint that hangs must not hold a call for ever.
func boundedCall(ctx context.Context, client *http.Client, d time.Duration) (context.Context, context.CancelFunc) {
	if client.Timeout > 0 {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, d)
}
