package ratelimit

import (
	"net/http"
	"net/netip"
	"slices"
	"strings"

	"github.com/chiguard/chiguard/internal/chipattern"
	"github.com/chiguard/chiguard/middleware/auth"
	"github.com/go-chi/chi/v5"
	chimw "github.com/go-chi/chi/v5/middleware"
)

// KeyFunc appends one part of a request's rate-limit key to dst and returns
// the extended slice, the way strconv.AppendInt does, so the built-in keys
// cost no allocation. A limiter joins its parts unambiguously and bounds
// each (a part longer than 254 bytes is replaced by its SHA-256), so a
// KeyFunc may append raw client input. An error refuses the request or
// serves it unlimited, as the limiter's failure mode says; its text is
// logged, never sent.
type KeyFunc func(dst []byte, r *http.Request) ([]byte, error)

// ByPrincipalOrIP keys by the authenticated principal (Principal.Key:
// "app:<client id>" or "user:<subject>") set by the authentication
// middleware, or by client IP (see ByIP) for anonymous requests. It is the
// default key.
func ByPrincipalOrIP(dst []byte, r *http.Request) ([]byte, error) {
	if p, ok := auth.PrincipalFrom(r.Context()); ok {
		return append(dst, p.Key()...), nil
	}
	return ByIP(dst, r)
}

// ByPrincipal keys by the authenticated principal; an anonymous request is
// an ErrNoPrincipal failure.
func ByPrincipal(dst []byte, r *http.Request) ([]byte, error) {
	if p, ok := auth.PrincipalFrom(r.Context()); ok {
		return append(dst, p.Key()...), nil
	}
	return dst, ErrNoPrincipal
}

// ByIP keys by client IP, IPv6 clients by their /64 (a client usually
// holds a whole /64 and could otherwise rotate through it). An IPv4 client
// that an IPv6-only server sees through a NAT64 translator, at an address
// of the well-known prefix 64:ff9b::/96 (RFC 6052), is keyed by its IPv4
// address: that prefix's /64 holds every IPv4 client. A translator's
// prefix of its own (network-specific, or in the local-use
// 64:ff9b:1::/48 of RFC 8215) is not recognized, as where it puts the
// IPv4 depends on its length: behind one, key by a KeyFunc that reads the
// IPv4 where that prefix puts it. The IP is the one chi's ClientIPFrom* middleware resolved (ClientIPFromXFF,
// ClientIPFromHeader: that is where trusted proxies are configured), else
// the TCP peer in r.RemoteAddr, which a client cannot spoof. Never a raw
// X-Forwarded-For.
func ByIP(dst []byte, r *http.Request) ([]byte, error) { return appendIP(dst, r, 32, 64) }

// ByIPPrefix is ByIP with IPv4 clients grouped by their /v4Bits and IPv6
// clients by their /v6Bits, e.g. ByIPPrefix(24, 48). It panics on bits
// out of range.
func ByIPPrefix(v4Bits, v6Bits int) KeyFunc {
	if v4Bits < 0 || v4Bits > 32 || v6Bits < 0 || v6Bits > 128 {
		panic("ratelimit: ByIPPrefix bits out of range")
	}
	return func(dst []byte, r *http.Request) ([]byte, error) { return appendIP(dst, r, v4Bits, v6Bits) }
}

func appendIP(dst []byte, r *http.Request, v4Bits, v6Bits int) ([]byte, error) {
	ip := chimw.GetClientIPAddr(r.Context())
	if !ip.IsValid() {
		ip = remoteAddr(r.RemoteAddr)
		if !ip.IsValid() {
			return dst, ErrNoClientIP
		}
	}
	ip = unembed(ip.Unmap().WithZone(""))
	bits := v6Bits
	if ip.Is4() {
		bits = v4Bits
	}
	if bits < ip.BitLen() {
		p, _ := ip.Prefix(bits) // bits is in range: ByIPPrefix checks it
		ip = p.Addr()
	}
	// The address's 16 bytes, not its text: keys are opaque, and this is
	// cheaper than formatting. IPv4 takes its v4-mapped form.
	a := ip.As16()
	dst = append(dst, "ip:"...)
	return append(dst, a[:]...), nil
}

// unembed returns the IPv4 address that an address of the NAT64
// well-known prefix, 64:ff9b::/96, stands for, and any other address as
// it is.
func unembed(ip netip.Addr) netip.Addr {
	if !ip.Is6() {
		return ip
	}
	a := ip.As16()
	if [12]byte(a[:12]) != [12]byte{0x00, 0x64, 0xff, 0x9b} {
		return ip
	}
	return netip.AddrFrom4([4]byte(a[12:]))
}

// remoteAddr parses the IP of r.RemoteAddr: "ip:port", "[ipv6]:port" or
// a bare IP. The port is not needed, so it is not parsed.
func remoteAddr(s string) netip.Addr {
	if ip, ok := parseIPv4(s); ok {
		return ip
	}
	if i := strings.LastIndexByte(s, ':'); i > 0 && strings.IndexByte(s, ']') == i-1 && s[0] == '[' {
		s = s[1 : i-1]
	} else if i > 0 && strings.IndexByte(s, ':') == i {
		s = s[:i]
	}
	ip, _ := netip.ParseAddr(s)
	return ip
}

// parseIPv4 parses the dotted IPv4 address that begins s, up to a ':' or
// the end, as netip.ParseAddr would (no leading zeros), for the common
// RemoteAddr "a.b.c.d:port" at a fraction of the general parser's cost.
// Anything else is left to netip.
func parseIPv4(s string) (netip.Addr, bool) {
	var ip [4]byte
	i := 0
	for field := range 4 {
		if field > 0 {
			if i >= len(s) || s[i] != '.' {
				return netip.Addr{}, false
			}
			i++
		}
		v, start := 0, i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' && i-start < 3 {
			v = v*10 + int(s[i]-'0')
			i++
		}
		if i == start || v > 255 || i-start > 1 && s[start] == '0' {
			return netip.Addr{}, false
		}
		ip[field] = byte(v)
	}
	if i < len(s) && s[i] != ':' {
		return netip.Addr{}, false
	}
	return netip.AddrFrom4(ip), true
}

// ByRoute keys by the chi route pattern, such as "/users/{id}", not the
// path, so IDs do not multiply the keys; the method is left out, so a
// client cannot win fresh quota by inventing methods. The pattern is
// complete on a route (r.With), in a group (r.Group) and in a subrouter
// (r.Use inside r.Route); a limiter mounted before routing (r.Use on the
// root router) sees none: ErrNoRoute.
func ByRoute(dst []byte, r *http.Request) ([]byte, error) {
	rc := chi.RouteContext(r.Context())
	if rc == nil || len(rc.RoutePatterns) == 0 {
		return dst, ErrNoRoute
	}
	dst = append(dst, "route:"...)
	patterns := rc.RoutePatterns
	if strings.HasSuffix(patterns[len(patterns)-1], "/*") {
		patterns = wholeRoute(rc)
	}
	for _, p := range patterns {
		dst = append(dst, p...)
	}
	return dst, nil
}

// wholeRoute returns the patterns of r's route. A limiter that r.Use
// mounts in a subrouter runs before the subrouter routes: its patterns end
// with the mount's "/*", and all the subrouter's routes would share one
// count. The root router finds the rest on the path chi reached the
// subrouter by (the mounts' patterns with their parameters) and the path
// the subrouter routes, rc.RoutePath: not the URL's, which StripSlashes or
// CleanPath may have left behind. A wildcard route, or a mounted handler
// that is not a router, keeps the patterns it has.
func wholeRoute(rc *chi.Context) []string {
	if rc.Routes == nil || rc.RoutePath == "" {
		return rc.RoutePatterns
	}
	path, param := make([]byte, 0, 64), 0
	for _, p := range rc.RoutePatterns {
		path, param = appendMounted(path, strings.TrimSuffix(p, "/*"), rc.URLParams, param)
	}
	path = append(path, rc.RoutePath...)
	method := rc.RouteMethod
	found := chi.NewRouteContext()
	if rc.Routes.Find(found, method, string(path)) == "" ||
		len(found.RoutePatterns) <= len(rc.RoutePatterns) ||
		!slices.Equal(found.RoutePatterns[:len(rc.RoutePatterns)], rc.RoutePatterns) {
		return rc.RoutePatterns
	}
	return found.RoutePatterns
}

// appendMounted appends pattern with each "{param}" replaced by the next
// value of params from index i, skipping the mounts' "*", and returns the
// index after the last value used.
func appendMounted(dst []byte, pattern string, params chi.RouteParams, i int) ([]byte, int) {
	for {
		open := strings.IndexByte(pattern, '{')
		if open < 0 {
			return append(dst, pattern...), i
		}
		dst = append(dst, pattern[:open]...)
		end := chipattern.ClosingBrace(pattern, open)
		for i < len(params.Keys) && params.Keys[i] == "*" {
			i++
		}
		if i < len(params.Values) {
			dst = append(dst, params.Values[i]...)
			i++
		}
		if end >= len(pattern) {
			return dst, i
		}
		pattern = pattern[end+1:]
	}
}

// Key is a constant key part: Key("global") with no other part makes one
// bucket shared by every client.
func Key(s string) KeyFunc {
	return func(dst []byte, _ *http.Request) ([]byte, error) { return append(dst, s...), nil }
}

// KeyFrom adapts a key function returning a string, such as an
// httprate.KeyFunc, e.g. a tenant read from a header.
func KeyFrom(fn func(r *http.Request) (string, error)) KeyFunc {
	return func(dst []byte, r *http.Request) ([]byte, error) {
		s, err := fn(r)
		return append(dst, s...), err
	}
}
