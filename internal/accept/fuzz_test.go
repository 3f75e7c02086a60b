package accept

import (
	"strings"
	"testing"

	"github.com/chiguard/chiguard/internal/accept/accepttest"
)

// FuzzNegotiate checks that Negotiate never panics, stays in range and
// agrees with Quality, and that Offers.Negotiate agrees with it. The accept
// argument is split into field lines at newlines; offers is a
// newline-separated list, invalid ones dropped.
func FuzzNegotiate(f *testing.F) {
	seeds := []struct{ accept, offers string }{
		{"", "application/json"},
		{curl, "application/json\napplication/problem+json"},
		{chromium, "application/problem+json\napplication/json\napplication/problem+xml\napplication/xml"},
		{rfcExample, "text/plain;format=flowed\ntext/plain\ntext/html\nimage/jpeg\ntext/plain;format=fixed\ntext/html;level=3"},
		{"*/*, application/json;q=0", "application/json\napplication/xml"},
		{"APPLICATION/JSON;Q=0.5\ntext/*", "text/html\napplication/json"},
		{`text/plain;x="a,b\"c";charset=UTF-8`, `text/plain;x="a,b\"c";charset=utf-8`},
		{"*/json, application/json;q=abc, text/plain;q=1.5", "application/json"},
		{"text/plain;a=1;A=2, text/plain;a=\"unterminated", "text/plain;a=1"},
		{" , ,\t,", "a/b"},
		{"text/plain;q=0.5;ext=\"x;y\";z, */*;q=0.001", "text/plain\nimage/png"},
		{"a/b;;;;q=1.000", ""},
		{"text/plain;Parameter-Name=1;parameter-name=2, */*;q=0.1", "text/plain;parameter-name=1\napplication/json"},
		{"text/plain;abcdefgh=1;ABCDEFGHI=2", "text/plain;abcdefgh=1;abcdefghi=2"},
	}
	for _, s := range seeds {
		f.Add(s.accept, s.offers)
	}
	for _, s := range accepttest.Shapes {
		f.Add(strings.Join(s.Header(1000), "\n"), "application/json\ntext/csv\ntext/plain;paa=v;pba=v")
	}
	f.Fuzz(func(t *testing.T, accept, offerList string) {
		var lines []string
		if accept != "" {
			lines = strings.Split(accept, "\n")
		}
		var os []MediaType
		for _, s := range strings.Split(offerList, "\n") {
			if m, err := ParseMediaType(s); err == nil {
				os = append(os, m)
			}
		}
		got := Negotiate(lines, os)
		if got < -1 || got >= len(os) {
			t.Fatalf("Negotiate = %d, out of [-1, %d)", got, len(os))
		}
		best, bestAt := 0, -1
		for i, o := range os {
			q := Quality(lines, o)
			if q < 0 || q > 1000 {
				t.Fatalf("Quality(%s) = %d, out of [0, 1000]", o, q)
			}
			if want := plainQuality(lines, o); q != want {
				t.Fatalf("Quality(%s) = %d, but element by element it is %d", o, q, want)
			}
			if q > best {
				best, bestAt = q, i
			}
		}
		if got != bestAt {
			t.Fatalf("Negotiate = %d, but the first offer with the highest Quality (%d) is %d", got, best, bestAt)
		}
		i, c := NewOffers(os...).Negotiate(lines)
		json, xml := max(Negotiate(lines, ProblemTypes[:2]), 0), max(Negotiate(lines, ProblemTypes), 0)
		if i != got || c.For(false) != json || c.For(true) != xml {
			t.Fatalf("Offers.Negotiate = %d, %d, %d; want %d, %d, %d", i, c.For(false), c.For(true), got, json, xml)
		}
	})
}

// plainQuality is Quality without scan's shortcuts: it splits the header
// into elements first, parses each one fully, then compares. It returns -1
// if a valid element does not end where elementEnd says.
func plainQuality(accept []string, offer MediaType) int {
	valid, best := false, score{specificity: -1}
	for _, line := range accept {
		for line != "" {
			end := elementEnd(line, 0)
			elem := strings.TrimLeft(line[:end], " \t")
			line = strings.TrimPrefix(line[end:], ",")
			if elem == "" || elem[0] == ',' {
				continue
			}
			var r mediaRange
			i, ok := parseType(elem, &r)
			if ok {
				if i, ok = parseParams(elem, i, &r); ok && i != len(elem) || !ok && elementEnd(elem, i) != len(elem) {
					return -1 // the parser and elementEnd disagree on the end
				}
			}
			if !ok {
				continue
			}
			valid = true
			if !r.matchesType(&offer) || !r.paramsIn(&offer) {
				continue
			}
			if spec := r.specificity(); spec > best.specificity || (spec == best.specificity && r.q > best.q) {
				best = score{spec, r.q}
			}
		}
	}
	if !valid {
		return 1000
	}
	return best.q
}

// FuzzRepeatedNames checks the set of parameter names that refuses repeats
// against a map of the lower-cased names. list holds names separated by
// spaces; those that are not tokens are dropped.
func FuzzRepeatedNames(f *testing.F) {
	for _, s := range []string{
		"a b A",
		"paa pba pca PBA",
		"abcdefgh abcdefghi ABCDEFGH ABCDEFGHI",
		"Long-Parameter-Name other-name long-parameter-name",
		"a b c d e f g h i j k l m n o p r s t u v w x y z 0 1 2 3 4 5 6 7 8 9",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, list string) {
		var names nameSet
		seen := map[string]bool{}
		earlier := ""
		for _, name := range strings.Fields(list) {
			if !isToken(name) {
				continue
			}
			if len(seen) == maxParams {
				return
			}
			want := !seen[strings.ToLower(name)]
			if got := names.add(name, earlier); got != want {
				t.Fatalf("add(%q) after %q = %v, want %v", name, earlier, got, want)
			}
			if want {
				seen[strings.ToLower(name)] = true
				earlier += ";" + name + "=v"
			}
		}
	})
}
