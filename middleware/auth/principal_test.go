package auth

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/golang-jwt/jwt/v5"
)

// A scope claim that breaks RFC 6749 §3.3 (scope-tokens separated by
// single spaces) is an invalid token, never another set of scopes: a
// Unicode space must not split one granted scope into two.
func TestScopeClaimGrammar(t *testing.T) {
	v := hsVerifier(t, nil)
	h := newRouter(Authenticate(Bearer(v)), func(r chi.Router) {
		r.With(RequireScopes("admin:manage")).Get("/admin", whoami)
	})
	tests := []struct {
		name   string
		claims map[string]any
		ok     bool // a valid token, which gets a 403 on /admin
	}{
		{"one scope", map[string]any{"scope": "cloud:read"}, true},
		{"two scopes", map[string]any{"scope": "cloud:read cloud:write"}, true},
		{"no scope", map[string]any{"scope": ""}, true},
		{"scp array", map[string]any{"scope": nil, "scp": []string{"cloud:read", "x"}}, true},
		{"scp string", map[string]any{"scope": nil, "scp": "cloud:read x"}, true},
		{"empty scp array", map[string]any{"scope": nil, "scp": []string{}}, true},
		{"NBSP", map[string]any{"scope": "cloud:read\u00a0admin:manage"}, false},
		{"TAB", map[string]any{"scope": "cloud:read\tadmin:manage"}, false},
		{"LF", map[string]any{"scope": "cloud:read\nadmin:manage"}, false},
		{"CR", map[string]any{"scope": "cloud:read\radmin:manage"}, false},
		{"FF", map[string]any{"scope": "cloud:read\fadmin:manage"}, false},
		{"VT", map[string]any{"scope": "cloud:read\vadmin:manage"}, false},
		{"NEL", map[string]any{"scope": "cloud:read\u0085admin:manage"}, false},
		{"OGHAM SPACE MARK", map[string]any{"scope": "cloud:read\u1680admin:manage"}, false},
		{"EM SPACE", map[string]any{"scope": "cloud:read\u2003admin:manage"}, false},
		{"LINE SEPARATOR", map[string]any{"scope": "cloud:read\u2028admin:manage"}, false},
		{"IDEOGRAPHIC SPACE", map[string]any{"scope": "cloud:read\u3000admin:manage"}, false},
		{"double space", map[string]any{"scope": "cloud:read  admin:manage"}, false},
		{"leading space", map[string]any{"scope": " cloud:read"}, false},
		{"trailing space", map[string]any{"scope": "cloud:read "}, false},
		{"only a space", map[string]any{"scope": " "}, false},
		{"quote", map[string]any{"scope": `cloud:read"`}, false},
		{"backslash", map[string]any{"scope": `cloud\read`}, false},
		{"DEL", map[string]any{"scope": "cloud:read\x7f"}, false},
		{"NUL", map[string]any{"scope": "cloud:read\x00admin:manage"}, false},
		{"scp string with NBSP", map[string]any{"scope": nil, "scp": "cloud:read\u00a0admin:manage"}, false},
		{"scp element holding two scopes", map[string]any{"scope": nil, "scp": []string{"cloud:read admin:manage"}}, false},
		{"scp element with NBSP", map[string]any{"scope": nil, "scp": []string{"cloud:read\u00a0admin:manage"}}, false},
		{"empty scp element", map[string]any{"scope": nil, "scp": []string{"cloud:read", ""}}, false},
		{"scp element not a string", map[string]any{"scope": nil, "scp": []any{"cloud:read", 1}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token := sign(t, jwt.SigningMethodHS256, testSecret, claims(tt.claims), nil)
			p, err := v.Verify(context.Background(), token)
			switch {
			case tt.ok && err != nil:
				t.Fatalf("Verify: %v", err)
			case !tt.ok && !errors.Is(err, ErrTokenClaims):
				t.Fatalf("Verify = %+v, %v; want ErrTokenClaims", p, err)
			}
			want := 401
			if tt.ok {
				want = 403
			}
			if rec := do(h, "/admin", "Bearer "+token); rec.Code != want {
				t.Errorf("status %d, want %d", rec.Code, want)
			}
		})
	}
}

// scopeGrammar is RFC 6749 §3.3 written independently of the parser.
var scopeGrammar = regexp.MustCompile(`^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$`)

// FuzzScopeClaim: whatever a "scope" claim or "scp" array holds, a granted
// scope never contains a byte outside the scope-token grammar, a valid
// claim grants exactly its scope-tokens, and an invalid one is
// ErrTokenClaims.
func FuzzScopeClaim(f *testing.F) {
	for _, s := range []string{"", "a", "cloud:read cloud:write", "cloud:read\u00a0admin:manage", "a\tb", "a  b", " a", "a ",
		"a\u3000b", "a\u2028b", "a\u0085b", "\xff", "a,b", "a,,b", `a"b`, `a\b`, "!#[]^~", "a\x7fb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		check := func(what string, claim any, want string, valid bool) {
			t.Helper()
			p, err := principalFromClaims(map[string]any{"sub": "a", what: claim}, "", nil, "Bearer")
			if err != nil {
				if valid || !errors.Is(err, ErrTokenClaims) {
					t.Fatalf("%s %q: %v", what, claim, err)
				}
				return
			}
			if !valid {
				t.Fatalf("%s %q granted %q", what, claim, p.Scope)
			}
			for _, scope := range p.Scopes() {
				if !scopeGrammar.MatchString(scope) || strings.Contains(scope, " ") {
					t.Fatalf("%s %q granted the scope %q", what, claim, scope)
				}
			}
			if got := p.Scope; got != want || !slices.Equal(p.Scopes(), strings.Split(want, " ")) && want != "" {
				t.Fatalf("%s %q granted %q, want %q", what, claim, got, want)
			}
			for _, scope := range p.Scopes() {
				for _, q := range []string{scope, scope[1:], scope[:len(scope)-1], scope + " " + scope} {
					if p.HasScope(q) != (q != "" && slices.Contains(p.Scopes(), q)) {
						t.Fatalf("%q: HasScope(%q) = %v", p.Scope, q, p.HasScope(q))
					}
				}
			}
		}
		check("scope", s, s, s == "" || scopeGrammar.MatchString(s))
		check("scp", s, s, s == "" || scopeGrammar.MatchString(s))
		elems := strings.Split(s, ",")
		array := make([]any, len(elems))
		valid := true
		for i, e := range elems {
			array[i] = e
			valid = valid && scopeGrammar.MatchString(e) && !strings.Contains(e, " ")
		}
		check("scp", array, strings.Join(elems, " "), valid)
	})
}

func TestHasScope(t *testing.T) {
	tests := []struct {
		scope, want string
		has         bool
	}{
		{"cloud:read cloud:write", "cloud:read", true},
		{"cloud:read cloud:write", "cloud:write", true},
		{"cloud:readx cloud:read", "cloud:read", true},
		{"xcloud:read cloud:read", "cloud:read", true},
		{"cloud:readx xcloud:read", "cloud:read", false},
		{"cloud:read", "read", false},
		{"cloud:read", "cloud", false},
		{"aa a", "a", true},
		{"aa ba ab", "a", false},
		{"a", "a", true},
		{"", "a", false},
		{"a b", "a b", false},
		{"a b", "", false},
		{"", "", false},
		{"aaa aa", "aa", true},
		{"aaaa a aaa aa", "aa", true},
		{"ababab abab", "abab", true},
		{"aaaaa aaab", "aa", false},
	}
	for _, tt := range tests {
		if got := (Principal{Scope: tt.scope}).HasScope(tt.want); got != tt.has {
			t.Errorf("Principal{Scope: %q}.HasScope(%q) = %v", tt.scope, tt.want, got)
		}
	}
}

// BenchmarkHostileScopeList checks a granted list of 16 KiB for a scope
// it lacks: "benign" is a list of ordinary scopes, the others hold the
// scope, or near misses, at every few bytes, where the search restarted
// after each occurrence's first byte: a repeating scope such as "aaaa"
// cost the product of the list's length and the scope's, ten times the
// benign list and more. Each should cost at most a few times the benign
// one.
func BenchmarkHostileScopeList(b *testing.B) {
	const size = 16 << 10
	fill := func(s string) string { return strings.Repeat(s, size/len(s)) }
	for _, shape := range []struct{ name, list, scope string }{
		{"benign", fill("service12:read "), "cloud:read"},
		{"near-misses", fill("cloud:rea "), "cloud:read"},
		{"glued", fill("cloud:read"), "cloud:read"},
		{"repeating", fill("a"), strings.Repeat("a", 64)},
		{"repeating-short", fill("a"), strings.Repeat("a", 10)},
		{"repeating-pairs", fill("ab"), strings.Repeat("ab", 10)},
	} {
		p := Principal{Scope: shape.list}
		b.Run(shape.name, func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				if p.HasScope(shape.scope) {
					b.Fatal("granted")
				}
			}
		})
	}
}

// nested returns JSON of n nested arrays around an empty object.
func nested(n int) string { return strings.Repeat("[", n-1) + "{}" + strings.Repeat("]", n-1) }

func TestWithinDepth(t *testing.T) {
	tests := []struct {
		json  string
		depth int // the actual depth
	}{
		{`1`, 0},
		{`"[[["`, 0},
		{`{}`, 1},
		{`{"a":[1,{"b":[]}]}`, 4},
		{`{"a":"[[[{{{"}`, 1},
		{`{"a\"[[":"\\"}`, 1},
		{`{"a":"\\\"[[[","b":[]}`, 2},
		{`[[],[],[[]]]`, 3},
		{nested(MaxClaimDepth), MaxClaimDepth},
		{nested(2000), 2000},
	}
	for _, tt := range tests {
		if !withinDepth([]byte(tt.json), tt.depth) {
			t.Errorf("%.40s is not within its depth %d", tt.json, tt.depth)
		}
		if tt.depth > 0 && withinDepth([]byte(tt.json), tt.depth-1) {
			t.Errorf("%.40s is within depth %d", tt.json, tt.depth-1)
		}
	}
}

// jsonDepth measures the depth of valid JSON by decoding it.
func jsonDepth(v any) int {
	d := 0
	switch v := v.(type) {
	case map[string]any:
		for _, e := range v {
			d = max(d, jsonDepth(e))
		}
		return d + 1
	case []any:
		for _, e := range v {
			d = max(d, jsonDepth(e))
		}
		return d + 1
	}
	return 0
}

// FuzzWithinDepth: on valid JSON, the scan agrees with a decoder.
func FuzzWithinDepth(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":[1,{"b":[]}]}`, `{"a\"[[":"\\"}`, `"\\\"["`, `[[],[[]]]`, nested(20)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var v any
		if json.Unmarshal([]byte(s), &v) != nil {
			return
		}
		d := jsonDepth(v)
		if !withinDepth([]byte(s), d) || d > 0 && withinDepth([]byte(s), d-1) {
			t.Fatalf("%q has depth %d", s, d)
		}
	})
}

// Claims nested deeper than MaxClaimDepth are refused, even under a good
// signature, before they are decoded or kept.
func TestJWTClaimDepth(t *testing.T) {
	v := hsVerifier(t, nil)
	for _, tt := range []struct {
		depth int
		want  error
	}{{2, nil}, {MaxClaimDepth, nil}, {MaxClaimDepth + 1, ErrTokenClaims}, {2000, ErrTokenClaims}} {
		token := rawToken(t, shapedClaims(t, tt.depth, hostileClaimsSize, "1"))
		if _, err := v.Verify(context.Background(), token); tt.want == nil && err != nil || !errors.Is(err, tt.want) {
			t.Errorf("depth %d: %v, want %v", tt.depth, err, tt.want)
		}
	}
}

func TestIntrospectionClaimDepth(t *testing.T) {
	srv := newIntrospectionServer(t)
	deep := map[string]any{} // MaxClaimDepth-1 levels
	for range MaxClaimDepth - 2 {
		deep = map[string]any{"x": deep}
	}
	srv.set("deep", map[string]any{"active": true, "sub": "alice", "aud": "api", "x": map[string]any{"x": deep}})
	srv.set("ok", map[string]any{"active": true, "sub": "alice", "aud": "api", "x": deep})
	v := newTestIntrospection(t, srv, nil)
	if _, err := v.Verify(context.Background(), "deep"); !errors.Is(err, ErrTokenClaims) {
		t.Errorf("a response %d levels deep: %v", MaxClaimDepth+1, err)
	}
	if _, err := v.Verify(context.Background(), "ok"); err != nil {
		t.Errorf("a response %d levels deep: %v", MaxClaimDepth, err)
	}
}

// What a caller gets is its own: changing the principal a handler or
// Verify got, its scopes or its decoded claims, changes nothing for the
// next request with the same (cached) credentials.
func TestPrincipalIsTheCallersOwn(t *testing.T) {
	srv := newIntrospectionServer(t)
	srv.set("opaque", map[string]any{"active": true, "sub": "alice", "aud": "api", "scope": "cloud:read", "groups": []string{"staff"}})
	jwts := hsVerifier(t, nil)
	introspection := newTestIntrospection(t, srv, nil)
	token := sign(t, jwt.SigningMethodHS256, testSecret, claims(map[string]any{"scope": "cloud:read", "groups": []string{"staff"}}), nil)
	tests := []struct {
		name        string
		v           Verifier
		credentials string
		scheme      string
		want        Principal
	}{
		{"JWT", jwts, token, "Bearer", Principal{Subject: "alice", Kind: KindUser, Scope: "cloud:read", Scheme: "Bearer"}},
		{"introspection", introspection, "opaque", "Bearer", Principal{Subject: "alice", Kind: KindUser, Scope: "cloud:read", Scheme: "Bearer"}},
		{"API key", testAPIKeys(t), "demo-app-key", "ApiKey", Principal{Subject: "demo-app", ClientID: "demo-app", Kind: KindApp, Scope: "cloud:read", Scheme: "ApiKey"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			same := func(p Principal) bool {
				return p.Subject == tt.want.Subject && p.ClientID == tt.want.ClientID && p.Kind == tt.want.Kind &&
					p.Scope == tt.want.Scope && p.Scheme == tt.want.Scheme && slices.Equal(p.Scopes(), []string{"cloud:read"})
			}
			tamper := func(p Principal) {
				if s := p.Scopes(); len(s) > 0 {
					s[0] = "admin:manage"
				}
				var c map[string]any
				if p.Claims(&c) == nil {
					c["sub"] = "mallory"
					c["groups"].([]any)[0] = "root"
				}
				p.Subject, p.ClientID, p.Kind, p.Scope = "mallory", "mallory", KindApp, "admin:manage"
				if p.Key() != "app:mallory" {
					t.Errorf("Key of a changed principal: %s", p.Key())
				}
			}
			for i := range 3 {
				p, err := tt.v.Verify(context.Background(), tt.credentials)
				if err != nil || !same(p) {
					t.Fatalf("Verify %d = %+v, %v", i, p, err)
				}
				if c := (map[string]any{}); p.Claims(&c) == nil && (c["sub"] != "alice" || c["groups"].([]any)[0] != "staff") {
					t.Fatalf("claims %v", c)
				}
				tamper(p)
			}
			var seen []Principal
			h := newRouter(Authenticate(Scheme(tt.scheme, tt.v)), func(r chi.Router) {
				r.With(RequireScopes("cloud:read")).Get("/tamper", func(w http.ResponseWriter, r *http.Request) {
					p, _ := PrincipalFrom(r.Context())
					seen = append(seen, p)
					tamper(p)
				})
			})
			for range 3 {
				if rec := do(h, "/tamper", tt.scheme+" "+tt.credentials); rec.Code != 200 {
					t.Fatalf("status %d", rec.Code)
				}
			}
			for i, p := range seen {
				if !same(p) {
					t.Errorf("request %d saw %+v", i, p)
				}
			}
		})
	}
}

// A custom verifier builds principals as struct literals; Authenticate
// checks their Scope by the same grammar as a token's and names the scheme.
func TestAuthenticateChecksCustomPrincipals(t *testing.T) {
	tests := []struct {
		name   string
		p      Principal
		status int
	}{
		{"valid", Principal{Subject: "svc", Kind: KindApp, Scope: "cloud:read admin:manage"}, 200},
		{"no scope", Principal{Subject: "svc", Kind: KindApp}, 403},
		{"scope split by NBSP", Principal{Subject: "svc", Kind: KindApp, Scope: "cloud:read\u00a0admin:manage"}, 401},
		{"scope split by TAB", Principal{Subject: "svc", Kind: KindApp, Scope: "cloud:read\tadmin:manage"}, 401},
		{"double space", Principal{Subject: "svc", Kind: KindApp, Scope: "cloud:read  admin:manage"}, 401},
		{"no subject", Principal{Kind: KindApp, Scope: "admin:manage"}, 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := VerifierFunc(func(context.Context, string) (Principal, error) { return tt.p, nil })
			var got Principal
			h, _ := withLogger(newRouter(Authenticate(Scheme("Token", v)), func(r chi.Router) {
				r.With(RequireScopes("admin:manage")).Get("/admin", func(w http.ResponseWriter, r *http.Request) {
					got, _ = PrincipalFrom(r.Context())
				})
			}))
			if rec := do(h, "/admin", "Token x"); rec.Code != tt.status {
				t.Fatalf("status %d, want %d", rec.Code, tt.status)
			}
			if tt.status == 200 && (got.Scheme != "Token" || got.Subject != "svc") {
				t.Errorf("principal %+v", got)
			}
		})
	}
}

func TestPrincipalFromAllocatesNothing(t *testing.T) {
	ctx := WithPrincipal(context.Background(), Principal{Subject: "alice", Kind: KindUser, Scope: "a b"})
	if n := testing.AllocsPerRun(100, func() {
		p, _ := PrincipalFrom(ctx)
		if p.Key() != "user:alice" || !p.HasScope("b") {
			t.Fatal(p)
		}
	}); n != 0 {
		t.Errorf("%v allocations", n)
	}
	if p, ok := PrincipalFrom(context.Background()); ok || p != (Principal{}) {
		t.Errorf("PrincipalFrom of an empty context: %+v, %v", p, ok)
	}
}

func TestPrincipalClaims(t *testing.T) {
	v := hsVerifier(t, nil)
	p, err := v.Verify(context.Background(), sign(t, jwt.SigningMethodHS256, testSecret, claims(map[string]any{"tenant": "acme"}), nil))
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Tenant string `json:"tenant"`
		Sub    string `json:"sub"`
	}
	if err := p.Claims(&c); err != nil || c.Tenant != "acme" || c.Sub != "alice" {
		t.Errorf("Claims = %+v, %v", c, err)
	}
	keys := testAPIKeys(t)
	k, _ := keys.Verify(context.Background(), "demo-app-key")
	if err := k.Claims(&c); !errors.Is(err, ErrNoClaims) {
		t.Errorf("an API key's claims: %v", err)
	}
}

// wrappedJWT adds a check of its own to a JWT's.
type wrappedJWT struct{ *JWT }

func (w wrappedJWT) Verify(ctx context.Context, token string) (Principal, error) {
	p, err := w.JWT.Verify(ctx, token)
	if err == nil && p.Subject != "alice" {
		return Principal{}, ErrInvalidToken
	}
	return p, err
}

// A verifier that embeds one of this package's to wrap its Verify is
// called through its own Verify.
func TestAuthenticateCallsWrappingVerifiers(t *testing.T) {
	h := newRouter(Authenticate(Bearer(wrappedJWT{hsVerifier(t, nil)})), nil)
	alice := sign(t, jwt.SigningMethodHS256, testSecret, claims(nil), nil)
	bob := sign(t, jwt.SigningMethodHS256, testSecret, claims(map[string]any{"sub": "bob"}), nil)
	if rec := do(h, "/me", "Bearer "+alice); rec.Code != 200 {
		t.Errorf("alice: %d", rec.Code)
	}
	if rec := do(h, "/me", "Bearer "+bob); rec.Code != 401 {
		t.Errorf("bob, whom the wrapper refuses: %d", rec.Code)
	}
}
