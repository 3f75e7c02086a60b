package auth

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/chiguard/chiguard/internal/jsonesc"
	"golang.org/x/sync/singleflight"
)

// IntrospectionConfig configures an Introspection verifier.
type IntrospectionConfig struct {
	// URL of the RFC 7662 introspection endpoint. Required.
	URL string
	// ClientID and ClientSecret authenticate this API to the endpoint
	// (HTTP Basic, RFC 6749 §2.3.1). Required.
	ClientID, ClientSecret string
	// Client sends the requests. Nil means a client with a 5 s timeout; a
	// client without a Timeout gets 5 s per call too, so that a hung
	// endpoint cannot hold requests forever.
	Client *http.Client
	// Audience, if set, must be one of the token's "aud".
	Audience string
	// CacheTTL bounds how long an active token is trusted without asking
	// again: until its "exp" or CacheTTL, whichever comes first, so a
	// revocation is noticed within CacheTTL. Zero means 2 minutes.
	CacheTTL time.Duration
	// NegativeTTL is how long an inactive token is remembered, which spares
	// the endpoint a client retrying a revoked token. Zero means 10 seconds;
	// negative disables it.
	NegativeTTL time.Duration
	// CacheBytes bounds the memory of the cache of answers, active and
	// inactive; each entry counts its token and its principal, the response
	// included. Inactive answers, which any made-up token gets, have a
	// quarter of it to themselves, so a flood of them never evicts an
	// active one. Zero means DefaultCacheBytes; negative disables caching
	// altogether.
	CacheBytes int
	// MaxCalls bounds the calls to the endpoint in flight at once. A token
	// the cache lacks while that many are waiting for answers gets
	// ErrVerifierUnavailable (a 503) at once: calls outlive the requests
	// that started them, up to the client's timeout, so without a bound a
	// slow endpoint and a stream of made-up tokens pile them up. Zero means
	// DefaultMaxCalls; negative, no bound.
	MaxCalls int
	// Classify tells app tokens from user tokens. Nil means: an app when
	// the response names no "sub" or "username" but the client, or "sub"
	// equals "client_id" (an introspection response names the client of
	// user tokens too, so DefaultClassify would not do).
	Classify func(claims map[string]any) Kind
}

// DefaultMaxCalls is the IntrospectionConfig.MaxCalls of a zero value.
const DefaultMaxCalls = 128

// Introspection verifies opaque access tokens by asking the authorization
// server (RFC 7662). Active results are cached until the token expires or
// CacheTTL, inactive ones for NegativeTTL; concurrent requests with a
// token the cache lacks share one call, which a request waits for until
// its deadline, if it has one (a 503 then); at most MaxCalls calls are in
// flight at once (a 503 beyond). An endpoint that cannot be
// reached or answers badly yields ErrVerifierUnavailable, never a verdict
// on the token. A response is read up to 1 MiB; one nested deeper than
// MaxClaimDepth, not UTF-8, escaping a lone surrogate, or with dates
// outside years 0 to 9999, refuses the token.
// The cache takes at most CacheBytes (DefaultCacheBytes by default), each
// answer counting its token and its response. Use it with Bearer.
type Introspection struct {
	url         string
	auth        string // Authorization header value
	client      *http.Client
	audience    string
	ttl, negTTL time.Duration
	classify    func(map[string]any) Kind
	cache       *tokenCache   // active answers
	negCache    *tokenCache   // inactive answers, apart: see CacheBytes
	slots       chan struct{} // one per call in flight; nil for no bound
	now         func() time.Time
	callTimeout time.Duration      // bounds a call of a client without a Timeout
	calls       singleflight.Group // one call at a time per token
}

// NewIntrospection returns an introspection verifier for cfg.
func NewIntrospection(cfg IntrospectionConfig) (*Introspection, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		shown := "(unparsable)" // the error of url.Parse quotes the URL, password included
		if err == nil {
			shown = u.Redacted()
		}
		return nil, fmt.Errorf("auth: introspection URL %q is not an absolute http(s) URL", shown)
	}
	if cfg.ClientID == "" {
		return nil, errors.New("auth: IntrospectionConfig.ClientID is required")
	}
	v := &Introspection{
		url: cfg.URL,
		auth: "Basic " + base64.StdEncoding.EncodeToString(
			[]byte(url.QueryEscape(cfg.ClientID)+":"+url.QueryEscape(cfg.ClientSecret))),
		client:      cfg.Client,
		audience:    cfg.Audience,
		ttl:         cfg.CacheTTL,
		negTTL:      cfg.NegativeTTL,
		classify:    cfg.Classify,
		now:         time.Now,
		callTimeout: 5 * time.Second,
	}
	if v.client == nil {
		v.client = &http.Client{Timeout: 5 * time.Second}
	}
	if v.ttl <= 0 {
		v.ttl = 2 * time.Minute
	}
	if v.negTTL == 0 {
		v.negTTL = 10 * time.Second
	}
	if v.classify == nil {
		v.classify = introspectionClassify
	}
	v.cache, v.negCache = introspectionCaches(cfg.CacheBytes, v.negTTL > 0)
	switch {
	case cfg.MaxCalls == 0:
		v.slots = make(chan struct{}, DefaultMaxCalls)
	case cfg.MaxCalls > 0:
		v.slots = make(chan struct{}, cfg.MaxCalls)
	}
	return v, nil
}

// introspectionCaches splits budget between the caches of active and
// inactive answers, three quarters and one.
func introspectionCaches(budget int, negative bool) (active, inactive *tokenCache) {
	if budget < 0 {
		return nil, nil
	}
	if budget == 0 {
		budget = DefaultCacheBytes
	}
	if !negative {
		return newTokenCache(budget), nil
	}
	return newTokenCache(max(budget-budget/4, 1)), newTokenCache(max(budget/4, 1))
}

func introspectionClassify(claims map[string]any) Kind {
	if s, _ := claims["gty"].(string); s == "client-credentials" {
		return KindApp
	}
	sub, _ := claims["sub"].(string)
	user, _ := claims["username"].(string)
	client, _ := claims["client_id"].(string)
	if client != "" && (sub == client || sub == "" && user == "") {
		return KindApp
	}
	return KindUser
}

// Verify returns the principal of an active token, ErrTokenInactive (or
// ErrTokenExpired, ErrTokenAudience...) for one the server does not vouch
// for, or ErrVerifierUnavailable.
func (v *Introspection) Verify(ctx context.Context, token string) (Principal, error) {
	return verifyCopy(ctx, v, token)
}

func (v *Introspection) verifyShared(ctx context.Context, token string) (*Principal, error) {
	now := v.now()
	if v.cache != nil {
		if e, ok := v.cache.get(token, now); ok {
			return e.p, e.err
		}
	}
	if v.negCache != nil {
		if e, ok := v.negCache.get(token, now); ok {
			return nil, e.err
		}
	}
	// Concurrent requests with a token the cache lacks, a client's first
	// after it got the token, share one call: the server is asked once.
	call := func() (_ any, err error) {
		// The call may run on a goroutine of its own (DoChan), where a
		// panic (in Classify, say) would end the process: each waiter
		// panics instead, for its Recoverer.
		defer func() {
			if x := recover(); x != nil {
				err = &callPanic{x}
			}
		}()
		if v.slots != nil {
			select {
			case v.slots <- struct{}{}:
				defer func() { <-v.slots }()
			default:
				return nil, fmt.Errorf("%w: introspection: %d calls already in flight (IntrospectionConfig.MaxCalls)", ErrVerifierUnavailable, cap(v.slots))
			}
		}
		return v.introspectAndCache(ctx, token, now)
	}
	var shared any
	var err error
	deadline, ok := ctx.Deadline()
	if !ok {
		shared, err, _ = v.calls.Do(token, call)
	} else {
		// A deadline the server set ends this request's wait, not the
		// call, which others may share and whose answer is cached.
		timer := time.NewTimer(time.Until(deadline))
		defer timer.Stop()
		select {
		case res := <-v.calls.DoChan(token, call):
			shared, err = res.Val, res.Err
		case <-timer.C:
			return nil, fmt.Errorf("%w: introspection: %w", ErrVerifierUnavailable, context.DeadlineExceeded)
		}
	}
	if cp, ok := err.(*callPanic); ok {
		panic(cp.value)
	}
	p, _ := shared.(*Principal)
	return p, err
}

// callPanic carries a panic of a shared call to each of its waiters.
type callPanic struct{ value any }

func (c *callPanic) Error() string { return fmt.Sprintf("auth: introspection panicked: %v", c.value) }

func (v *Introspection) introspectAndCache(ctx context.Context, token string, now time.Time) (*Principal, error) {
	p, err := v.introspect(ctx, token, now)
	if v.cache == nil || errors.Is(err, ErrVerifierUnavailable) {
		return p, err
	}
	if err != nil {
		if v.negCache != nil {
			v.negCache.put(cacheEntry{token: token, err: err, expires: now.Add(v.negTTL).UnixNano()}, now)
		}
		return nil, err
	}
	expires := now.Add(v.ttl)
	if !p.Expiry.IsZero() && p.Expiry.Before(expires) {
		expires = p.Expiry
	}
	v.cache.put(cacheEntry{token: token, p: p, expires: expires.UnixNano()}, now)
	return p, nil
}

func (v *Introspection) introspect(ctx context.Context, token string, now time.Time) (*Principal, error) {
	// A client hanging up must not abort the call: its answer is cached for
	// the next request, and a cancelled call would be logged as an outage.
	// The client's timeout, or callTimeout, still bounds it; a request's
	// deadline ends only that request's wait (see verifyShared).
	ctx, cancel := boundedCall(context.WithoutCancel(ctx), v.client, v.callTimeout)
	defer cancel()
	form := "token=" + url.QueryEscape(token) + "&token_type_hint=access_token"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, v.url, strings.NewReader(form))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrVerifierUnavailable, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", v.auth)
	resp, err := v.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: introspection: %w", ErrVerifierUnavailable, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("%w: introspection: %w", ErrVerifierUnavailable, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%w: introspection endpoint answered %s", ErrVerifierUnavailable, resp.Status)
	}
	if !withinDepth(body, MaxClaimDepth) || !utf8.Valid(body) || jsonesc.HasLoneSurrogate(body) {
		// encoding/json would make each byte that is not UTF-8, and each
		// escaped lone surrogate, a U+FFFD, and two subjects one, as for a
		// JWT's claims.
		return nil, ErrTokenClaims
	}
	var claims map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	err = dec.Decode(&claims)
	if err == nil && len(bytes.Trim(body[dec.InputOffset():], " \t\r\n")) > 0 {
		// The decoder stops after the object: what follows would be
		// ignored here, and make Principal.Claims fail.
		err = errors.New("data after the object")
	}
	if err != nil || claims == nil {
		return nil, fmt.Errorf("%w: introspection response is not a JSON object: %v", ErrVerifierUnavailable, err)
	}
	if active, _ := claims["active"].(bool); !active {
		return nil, ErrTokenInactive
	}
	if t, ok, err := numericDate(claims, "exp"); err != nil {
		return nil, err
	} else if ok && !now.Before(t) {
		return nil, ErrTokenExpired
	}
	if t, ok, err := numericDate(claims, "nbf"); err != nil {
		return nil, err
	} else if ok && now.Before(t) {
		return nil, ErrTokenNotYetValid
	}
	if _, _, err := numericDate(claims, "iat"); err != nil {
		return nil, err
	}
	if v.audience != "" && !hasAudience(claims["aud"], v.audience) {
		return nil, ErrTokenAudience
	}
	return principalFromClaims(claims, string(body), v.classify, "Bearer")
}

func hasAudience(aud any, want string) bool {
	switch a := aud.(type) {
	case string:
		return a == want
	case []any:
		return slices.Contains(a, any(want))
	}
	return false
}
