package ratelimit

import (
	"fmt"
	"strconv"
	"time"
)

// Policy is one quota: at most Quota units (requests, unless a cost
// function says otherwise) per Window for each key. A limiter enforces all
// its policies at once, e.g. a burst limit and a daily quota.
type Policy struct {
	// Name identifies the policy in the RateLimit fields and in a 429's
	// violated-policies, e.g. "burst". Printable ASCII, 1 to 64 bytes.
	Name string
	// Quota is the number of units allowed per Window, 1 to MaxQuota.
	Quota int
	// Window is a whole number of milliseconds, 1ms to MaxWindow. The
	// RateLimit-Policy field announces it in whole seconds, rounded up.
	Window time.Duration
}

// Bounds of a policy: they keep the sliding-window arithmetic exact in
// int64 and in the double-precision numbers of Redis' Lua.
const (
	MaxQuota   = 1_000_000_000
	MaxWindow  = 90 * 24 * time.Hour
	maxNameLen = 64
)

// validate checks p against the bounds above.
func (p Policy) validate() error {
	if n := len(p.Name); n == 0 || n > maxNameLen {
		return fmt.Errorf("%w: name %q must hold 1 to %d bytes", ErrInvalidPolicy, p.Name, maxNameLen)
	}
	for i := 0; i < len(p.Name); i++ {
		if c := p.Name[i]; c < 0x20 || c > 0x7e {
			return fmt.Errorf("%w: name %q must be printable ASCII", ErrInvalidPolicy, p.Name)
		}
	}
	if p.Quota < 1 || p.Quota > MaxQuota {
		return fmt.Errorf("%w %q: quota %d is not within 1..%d", ErrInvalidPolicy, p.Name, p.Quota, MaxQuota)
	}
	if p.Window < time.Millisecond || p.Window > MaxWindow || p.Window%time.Millisecond != 0 {
		return fmt.Errorf("%w %q: window %v must be whole milliseconds within 1ms..%v", ErrInvalidPolicy, p.Name, p.Window, MaxWindow)
	}
	return nil
}

// windowSeconds is the window announced in "w": whole seconds, rounded up.
func (p Policy) windowSeconds() int64 {
	return (p.Window.Milliseconds() + 999) / 1000
}

// appendSFString appends s as an RFC 9651 sf-string. s is printable ASCII
// (validate checks it), so only '"' and '\' need escaping.
func appendSFString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '"' || c == '\\' {
			b = append(b, '\\')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

// policyField renders the RateLimit-Policy field value for policies, e.g.
// `"burst";q=100;w=60, "daily";q=1000;w=86400`.
func policyField(policies []Policy) string {
	var b []byte
	for i, p := range policies {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = appendSFString(b, p.Name)
		b = append(b, ";q="...)
		b = strconv.AppendInt(b, int64(p.Quota), 10)
		b = append(b, ";w="...)
		b = strconv.AppendInt(b, p.windowSeconds(), 10)
	}
	return string(b)
}
