package problem

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
)

// jsonToXML renders a problem's JSON body as RFC 9457 Appendix B XML:
// members become elements in the urn:ietf:rfc:7807 namespace, array items
// become <i> elements. XML is opt-in and rare, so it is derived from the
// JSON body rather than kept as a second encoder in step with the first.
func jsonToXML(dst, body []byte) []byte {
	var out bytes.Buffer
	out.Write(dst)
	out.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<problem xmlns="urn:ietf:rfc:7807">`)
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	if _, err := d.Token(); err == nil { // the opening '{'
		xmlMembers(&out, d)
	}
	out.WriteString("</problem>")
	return out.Bytes()
}

func xmlMembers(out *bytes.Buffer, d *json.Decoder) {
	for d.More() {
		t, err := d.Token()
		if err != nil {
			return
		}
		name := xmlName(t.(string))
		out.WriteString("<" + name + ">")
		xmlValue(out, d)
		out.WriteString("</" + name + ">")
	}
	d.Token() // the closing '}'
}

func xmlValue(out *bytes.Buffer, d *json.Decoder) {
	t, err := d.Token()
	if err != nil {
		return
	}
	switch v := t.(type) {
	case json.Delim:
		if v == '{' {
			xmlMembers(out, d)
			return
		}
		for d.More() {
			out.WriteString("<i>")
			xmlValue(out, d)
			out.WriteString("</i>")
		}
		d.Token() // the closing ']'
	case string:
		xml.EscapeText(out, []byte(v))
	case json.Number:
		out.WriteString(v.String())
	case bool:
		if v {
			out.WriteString("true")
		} else {
			out.WriteString("false")
		}
	case nil:
		// JSON null is an empty element.
	}
}

// xmlName makes a member name a valid XML element name. Top-level names are
// checked at construction and pass unchanged; keys of nested objects may be
// anything, so other characters become '_'.
func xmlName(s string) string {
	ok := s != ""
	for i := 0; i < len(s) && ok; i++ {
		c := s[i]
		ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' ||
			i > 0 && (c >= '0' && c <= '9' || c == '-' || c == '.')
	}
	if ok && !strings.HasPrefix(strings.ToLower(s), "xml") {
		return s
	}
	b := []byte("_" + s)
	for i := 1; i < len(b); i++ {
		c := b[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			b[i] = '_'
		}
	}
	return string(b)
}
