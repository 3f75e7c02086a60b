package contracttest

import (
	"maps"
	"slices"
	"strings"

	"github.com/chiguard/chiguard/contract"
)

// securityScheme is the part of an OpenAPI security scheme that says how
// credentials travel.
type securityScheme struct {
	Type   string `json:"type"`
	Scheme string `json:"scheme"`
	In     string `json:"in"`
	Name   string `json:"name"`
}

// transport says how a scheme's credentials travel, as the router spells
// it, or "" when the scheme does not say (an apiKey in the Authorization
// header names no auth-scheme).
func (s securityScheme) transport() string {
	switch strings.ToLower(s.Type) {
	case "http":
		return "Authorization: " + strings.ToLower(s.Scheme)
	case "oauth2", "openidconnect":
		return "Authorization: bearer" // RFC 6750 §2.1, the way clients send them
	case "apikey":
		switch {
		case strings.EqualFold(s.In, "header") && strings.EqualFold(s.Name, "Authorization"):
			return ""
		case strings.EqualFold(s.In, "header"):
			return "the header " + s.Name
		default:
			return "the " + strings.ToLower(s.In) + " parameter " + s.Name
		}
	case "mutualtls":
		return "mutual TLS"
	}
	return ""
}

func requirementTransport(req contract.Requirement) string {
	if req.Query != "" {
		return "the query parameter " + req.Query
	}
	return "Authorization: " + strings.ToLower(req.Scheme)
}

// compareSchemes reports a way of sending credentials the document names
// that the route does not read: a client that follows the document gets
// a 401. A route without Authenticate is the scope comparison's to report.
func compareSchemes(name string, r contract.Route, sec []map[string][]string, schemes map[string]securityScheme) []diff {
	if len(r.Security) == 0 {
		return nil
	}
	var read []string
	for _, req := range r.Security {
		read = append(read, requirementTransport(req))
	}
	read = uniq(read)
	var out []diff
	seen := map[string]bool{}
	for _, req := range sec {
		// The transports this one requirement sends at once that the
		// router reads: one it does not read is reported below, and gets
		// no 400 for two credentials, since Authenticate never sees it.
		var together []string
		for _, scheme := range slices.Sorted(maps.Keys(req)) {
			t := schemes[scheme].transport()
			if slices.Contains(read, t) && !slices.Contains(together, t) {
				together = append(together, t)
			}
			if t == "" || seen[t] || slices.Contains(read, t) {
				continue
			}
			seen[t] = true
			out = append(out, diff{name, name + ": the document sends credentials in " + t + " (security scheme " + scheme +
				"); the router reads only " + strings.Join(read, " or ")})
		}
		if both := strings.Join(together, " and "); len(together) > 1 && !seen[both] {
			seen[both] = true
			out = append(out, diff{name, name + ": the document sends credentials in " + both +
				" together (one security requirement of several schemes); the router reads one credential and answers a request with several 400"})
		}
	}
	return out
}
