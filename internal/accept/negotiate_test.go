package accept

import (
	"strings"
	"testing"
)

func offers(ss ...string) []MediaType {
	out := make([]MediaType, len(ss))
	for i, s := range ss {
		out[i] = MustParseMediaType(s)
	}
	return out
}

const (
	curl     = "*/*"
	chromium = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)

var problemOffers = offers("application/problem+json", "application/json", "application/problem+xml", "application/xml")

func TestNegotiate(t *testing.T) {
	jsonFirst := offers("application/json", "application/problem+json")
	jsonXML := offers("application/json", "application/xml")
	tests := []struct {
		name   string
		accept []string
		offers []MediaType
		want   int
	}{
		{"no field lines accept anything", nil, jsonFirst, 0},
		{"empty field line accepts anything", []string{""}, jsonFirst, 0},
		{"empty list elements accept anything", []string{" , ,\t", ""}, jsonFirst, 0},
		{"no offers never match", []string{"*/*"}, nil, -1},
		{"no offers without header", nil, nil, -1},
		{"curl default takes first offer", []string{curl}, jsonFirst, 0},
		{"exact match", []string{"application/problem+json"}, jsonFirst, 1},
		{"nothing acceptable", []string{"text/html"}, jsonFirst, -1},
		{"q=0 excludes under a wildcard", []string{"*/*, application/json;q=0"}, jsonXML, 1},
		{"q=0 alone excludes everything", []string{"application/json;q=0"}, jsonXML, -1},
		{"q=0.000 excludes", []string{"application/json;q=0.000, application/xml;q=0.001"}, jsonXML, 1},
		{"ties go to the earliest offer", []string{"application/xml, application/json"}, jsonXML, 0},
		{"higher weight beats server order", []string{"application/json;q=0.5, application/xml"}, jsonXML, 1},
		{"specific range beats an earlier wildcard", []string{"application/*;q=0.1, */*"}, offers("application/json", "text/html"), 1},
		{"type and subtype are case-insensitive", []string{"APPLICATION/XML"}, jsonXML, 1},
		{"q name is case-insensitive", []string{"*/*, Application/JSON;Q=0"}, jsonXML, 1},
		{"several field lines combine", []string{"text/html", "application/xml"}, jsonXML, 1},
		{"q=0 in a later field line excludes", []string{"*/*", "application/json;q=0"}, jsonXML, 1},
		{"optional whitespace everywhere", []string{"  application/json ; q=0.5 ,\tapplication/xml;q=0.6 "}, jsonXML, 1},
		{"quoted value equals token", []string{`text/plain;format="flowed", text/plain;q=0.5`}, offers("text/plain;format=fixed", "text/plain;format=flowed"), 1},
		{"comma inside quoted value", []string{`text/plain;x="a,b", application/json;q=0.1`}, offers("application/json", `text/plain;x="a,b"`), 1},
		{"escaped quote inside quoted value", []string{`text/plain;x="a\"b", application/json;q=0.1`}, offers("application/json", `text/plain;x="a\"b"`), 1},
		{"charset value is case-insensitive", []string{"text/plain;charset=UTF-8, */*;q=0.1"}, offers("application/json", "text/plain;charset=utf-8"), 1},
		{"other values are case-sensitive", []string{"text/plain;format=Flowed, */*;q=0.1"}, offers("application/json", "text/plain;format=flowed"), 0},
		{"accept extension is ignored", []string{"application/json;q=0.5;ext=1;flag, application/xml;q=0.4"}, offers("application/xml", "application/json"), 1},
		{"q=abc element is skipped", []string{"application/json;q=abc, application/xml;q=0.5"}, jsonXML, 1},
		{"q=1.5 element is skipped", []string{"application/json;q=1.5, application/xml;q=0.5"}, jsonXML, 1},
		{"four decimals are skipped", []string{"application/json;q=0.0001, application/xml;q=0.5"}, jsonXML, 1},
		{"*/json is skipped", []string{"*/json, application/xml"}, jsonXML, 1},
		{"duplicate parameter is skipped", []string{"text/plain;a=1;A=2, application/json;q=0.2"}, offers("text/plain;a=1", "application/json"), 1},
		{"repeat after many parameters is skipped", []string{"text/plain" + params(31) + ";PAA=v, application/json;q=0.2"}, offers("text/plain"+params(31), "application/json"), 1},
		{"repeated long parameter name is skipped", []string{"text/plain;Parameter-Name=1;parameter-name=2, application/json;q=0.2"}, offers("text/plain;parameter-name=1", "application/json"), 1},
		{"names sharing eight bytes are distinct", []string{"text/plain;abcdefgh=1;abcdefghi=2;ABCDEFGHIJ=3, application/json;q=0.2"}, offers("text/plain;abcdefgh=1;abcdefghi=2;abcdefghij=3", "application/json"), 0},
		{"missing slash is skipped", []string{"json, application/xml"}, jsonXML, 1},
		{"bad token character is skipped", []string{"applic@tion/json, application/xml"}, jsonXML, 1},
		{"space around / is skipped", []string{"application / json, application/xml;q=0.1"}, jsonXML, 1},
		{"space around = is skipped", []string{"application/json;q = 0.5, application/xml;q=0.1"}, jsonXML, 1},
		{"unterminated quote swallows its line", []string{`text/plain;a="x, application/json`, "application/xml"}, jsonXML, 1},
		{"malformed element after a valid one is skipped", []string{"application/xml;q=0.5, application/json;q=abc"}, jsonXML, 1},
		{"unmatched element's unterminated quote hides the rest", []string{`application/xml;q=0.1, text/html;a="x, application/json`}, jsonXML, 1},
		{"only malformed elements accept anything", []string{"*/json, json, text/html;q=2"}, jsonXML, 0},
		{"chromium default prefers xml", []string{chromium}, jsonXML, 1},
		{"chromium default on json offers", []string{chromium}, jsonFirst, 0},
		{"chromium default for problems", []string{chromium}, problemOffers, 3},
		{"json client for problems", []string{"application/json"}, problemOffers, 1},
		{"curl for problems", []string{curl}, problemOffers, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Negotiate(tt.accept, tt.offers); got != tt.want {
				t.Errorf("Negotiate(%q, %v) = %d, want %d", tt.accept, tt.offers, got, tt.want)
			}
		})
	}
}

func TestNegotiateManyOffers(t *testing.T) {
	var list []string
	for _, sub := range strings.Fields("a b c d e f g h i j k l m n o p q r") {
		list = append(list, "application/"+sub)
	}
	many := offers(list...)
	tests := []struct {
		name   string
		accept string
		want   int
	}{
		{"match beyond the first chunk", "application/q", 16},
		{"best weight across chunks", "application/b;q=0.2, application/r;q=0.3, */*;q=0.1", 17},
		{"tie across chunks goes earliest", "application/p, application/c", 2},
		{"malformed header picks first", "bad", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Negotiate([]string{tt.accept}, many); got != tt.want {
				t.Errorf("Negotiate(%q) = %d, want %d", tt.accept, got, tt.want)
			}
		})
	}
}

func TestOffersNegotiate(t *testing.T) {
	o := NewOffers(offers("text/csv", "text/html")...)
	tests := []struct {
		name      string
		accept    []string
		want      int
		json, xml int // indexes into ProblemTypes
	}{
		{"no header", nil, 0, 0, 0},
		{"malformed header", []string{"*/json"}, 0, 0, 0},
		{"an offer", []string{"text/html, application/json"}, 1, 1, 1},
		{"refused, json preferred", []string{"application/json"}, -1, 1, 1},
		{"refused, xml preferred", []string{"application/xml, application/json;q=0.5"}, -1, 1, 3},
		{"refused, problem+xml only", []string{"application/problem+xml"}, -1, 0, 2},
		{"refused, nothing for a problem either", []string{"image/png"}, -1, 0, 0},
		{"refused, problem+json excluded", []string{"application/*, application/problem+json;q=0"}, -1, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, c := o.Negotiate(tt.accept)
			if got != tt.want || c.For(false) != tt.json || c.For(true) != tt.xml {
				t.Errorf("Negotiate = %d, %d, %d; want %d, %d, %d", got, c.For(false), c.For(true), tt.want, tt.json, tt.xml)
			}
		})
	}
}

// rfcExample is the Accept header of RFC 9110 §12.5.1's weight table.
const rfcExample = "text/*;q=0.3, text/plain;q=0.7, text/plain;format=flowed, text/plain;format=fixed;q=0.4, */*;q=0.5"

func TestQuality(t *testing.T) {
	tests := []struct {
		name   string
		accept []string
		offer  string
		want   int
	}{
		{"rfc: range with parameter", []string{rfcExample}, "text/plain;format=flowed", 1000},
		{"rfc: type and subtype", []string{rfcExample}, "text/plain", 700},
		{"rfc: type wildcard", []string{rfcExample}, "text/html", 300},
		{"rfc: full wildcard", []string{rfcExample}, "image/jpeg", 500},
		{"rfc: other parameter value", []string{rfcExample}, "text/plain;format=fixed", 400},
		// RFC 9110 prints 0.7 here; erratum 7138 (verified) corrects it to 0.3.
		{"rfc: unmatched parameter falls back to text/*", []string{rfcExample}, "text/html;level=3", 300},
		{"no header gives full weight", nil, "text/plain", 1000},
		{"whitespace header gives full weight", []string{"  ", "\t"}, "text/plain", 1000},
		{"malformed header gives full weight", []string{"q=abc"}, "text/plain", 1000},
		{"no matching range gives zero", []string{"text/html"}, "text/plain", 0},
		{"equally specific ranges take the highest", []string{"text/plain;q=0.2, text/plain;q=0.6"}, "text/plain", 600},
		{"equally many parameters take the highest", []string{"text/plain;a=1;q=0.3, text/plain;b=2;q=0.8"}, "text/plain;a=1;b=2", 800},
		{"more parameters are more specific", []string{"text/plain;a=1;b=2;q=0.1, text/plain;a=1;q=0.9"}, "text/plain;b=2;a=1", 100},
		{"range parameter the offer lacks does not match", []string{"text/plain;a=1, text/*;q=0.2"}, "text/plain", 200},
		{"parameters after q do not restrict", []string{"text/plain;q=0.5;format=flowed"}, "text/plain;format=fixed", 500},
		{"wildcard with parameter", []string{"*/*;charset=utf-8;q=0.5"}, "application/json;charset=UTF-8", 500},
		{"type beats parameters", []string{"*/*;charset=utf-8;q=0.5, text/*;q=0.2"}, "text/plain;charset=utf-8", 200},
		{"empty parameters are allowed", []string{"text/plain;;q=0.5;"}, "text/plain", 500},
		{"trailing semicolon is allowed", []string{"text/plain;"}, "text/plain", 1000},
		{"q=1. is full weight", []string{"text/plain;q=1."}, "text/plain", 1000},
		{"q=0.5 is five hundred", []string{"text/plain;q=0.5"}, "text/plain", 500},
		{"q=0.125 keeps three decimals", []string{"text/plain;q=0.125"}, "text/plain", 125},
		{"quoted q is malformed", []string{`text/plain;q="0.5", */*;q=0.1`}, "text/plain", 100},
		{"empty quoted value", []string{`text/plain;a=""`}, `text/plain;a=""`, 1000},
		{"too many parameters are malformed", []string{"text/plain" + strings.Repeat(";a=1", 33) + ", */*;q=0.1"}, "text/plain", 100},
		{"thirty-two parameters are fine", []string{"text/plain" + params(32) + ", */*;q=0.1"}, "text/plain" + params(32), 1000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Quality(tt.accept, MustParseMediaType(tt.offer)); got != tt.want {
				t.Errorf("Quality(%q, %s) = %d, want %d", tt.accept, tt.offer, got, tt.want)
			}
		})
	}
}

// params returns ;paa=v;pba=v;... with n distinct names, each parameter
// followed by sep.
func params(n int, sep ...string) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(";p")
		b.WriteString(string(rune('a'+i%26)) + string(rune('a'+i/26)))
		b.WriteString("=v")
		b.WriteString(strings.Join(sep, ""))
	}
	return b.String()
}

// The headers Offers answers without a pass get the pass's answer.
func TestOffersAnswerCommonHeadersAsAPassWould(t *testing.T) {
	for _, os := range [][]MediaType{
		offers("application/json"),
		offers("text/csv", "text/html"),
		offers("application/json;charset=utf-8", "application/json", "application/xml"),
		offers("application/problem+json"),
		offers("application/xml"),
	} {
		o := NewOffers(os...)
		for _, h := range []string{"*/*", "application/json", "application/xml", "text/html", "text/csv",
			"application/problem+json", "application/problem+xml", "image/png"} {
			i, c := o.Negotiate([]string{h})
			// Space after the value defeats any shortcut on the exact string.
			want, wc := o.Negotiate([]string{h + " "})
			if i != want || c != wc || i != Negotiate([]string{h}, os) {
				t.Errorf("offers %v, Accept %q: %d %v, but a pass gives %d %v", os, h, i, c, want, wc)
			}
		}
	}
}
