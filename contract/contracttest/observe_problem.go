package contracttest

import (
	"encoding/json"
	"encoding/xml"
	"mime"
	"slices"
	"strings"

	"github.com/chiguard/chiguard/problem"
)

// problemType returns the type of the problem in an answer's body, or ""
// if it is none. The problem writer sends application/problem+json unless
// the client asks for application/json or, with Writer.XML, for XML: the
// same problem, whose type the contract must list all the same. A JSON
// body is taken for a problem only with the answer's status and a type the
// writer of catalog sends, so that a handler's own error, or a success, is
// not.
func problemType(contentType string, status int, body []byte, catalog *problem.Catalog) string {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	switch mt {
	case "application/problem+json", "application/json":
		var p struct {
			Type   string `json:"type"`
			Status int    `json:"status"`
		}
		if json.Unmarshal(body, &p) != nil ||
			mt == "application/json" && (status < 400 || p.Status != status || !writerType(catalog, p.Type)) {
			return ""
		}
		return p.Type
	case "application/problem+xml", "application/xml":
		var p struct {
			XMLName xml.Name
			Type    string `xml:"urn:ietf:rfc:7807 type"`
		}
		if xml.Unmarshal(body, &p) != nil || p.XMLName != (xml.Name{Space: "urn:ietf:rfc:7807", Local: "problem"}) {
			return ""
		}
		return p.Type
	}
	return ""
}

// writerType reports whether a problem writer of catalog sends the type
// uri: about:blank, or a URI of the catalog (its base and a slug, or a
// type's own URI). A handler's own error, {"type": "invalid-request",
// "status": 400} say, names none, even when a slug of the catalog is its
// type. A nil catalog says nothing. A default type's own URI counts even
// when the catalog lacks the type: its constructor (problem.QuotaExceeded)
// still sends it under that URI.
func writerType(catalog *problem.Catalog, uri string) bool {
	if catalog == nil || uri == "about:blank" || strings.HasPrefix(uri, catalog.Base()) {
		return true
	}
	if t, ok := catalog.Lookup(uri); ok && catalog.URI(t) == uri {
		return true
	}
	return slices.ContainsFunc(problem.DefaultTypes(), func(t problem.Type) bool { return t.URI == uri })
}
