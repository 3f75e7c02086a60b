package contracttest

import (
	"encoding/json"
	"encoding/xml"
	"mime"
)

// problemType returns the type of the problem in an answer's body, or ""
// if it is none. The problem writer sends application/problem+json unless
// the client asks for application/json or, with Writer.XML, for XML: the
// same problem, whose type the contract must list all the same. A JSON
// body is taken for a problem only with a type and the answer's status, so
// that a handler's own error, or a success, is not.
func problemType(contentType string, status int, body []byte) string {
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
		if json.Unmarshal(body, &p) != nil || mt == "application/json" && (status < 400 || p.Status != status) {
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
