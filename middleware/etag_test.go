package middleware

import (
	"strings"
	"testing"
)

func TestETagLists(t *testing.T) {
	cur, _ := parseETag(`"v2"`)
	weakCur, _ := parseETag(`W/"v2"`)
	tests := []struct {
		name        string
		lines       []string
		noneMatch   bool // If-None-Match against "v2" (weak comparison)
		ifMatch     bool // If-Match against "v2" (strong comparison)
		weakIfMatch bool // If-Match against W/"v2"
	}{
		{"single", []string{`"v2"`}, true, true, false},
		{"other", []string{`"v1"`}, false, false, false},
		{"list", []string{`"v1", "v2", "v3"`}, true, true, false},
		{"no spaces", []string{`"v1","v2"`}, true, true, false},
		{"several field lines", []string{`"v1"`, `"v3", "v2"`}, true, true, false},
		{"weak tag matches weakly only", []string{`W/"v2"`}, true, false, false},
		{"star", []string{"*"}, true, true, true},
		{"comma inside a tag", []string{`"v2,v3"`}, false, false, false},
		{"garbage between entries", []string{`"v1", garbage, "v2"`}, true, true, false},
		{"garbage glued to a tag", []string{`"v1"x, "v2"`}, true, true, false},
		{"unquoted tag is garbage", []string{`v2`}, false, false, false},
		{"unterminated quote", []string{`"v2`}, false, false, false},
		{"lower-case w/ is garbage", []string{`w/"v2"`}, false, false, false},
		{"control byte inside", []string{"\"v\x012\", \"v2\""}, true, true, false},
		{"empty elements", []string{`, ,"v2",,`}, true, true, false},
		{"star amid garbage", []string{`*x`}, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := matchIfNoneMatch(tt.lines, cur, true); got != tt.noneMatch {
				t.Errorf("If-None-Match = %v, want %v", got, tt.noneMatch)
			}
			if got := matchIfMatch(tt.lines, cur, true); got != tt.ifMatch {
				t.Errorf("If-Match = %v, want %v", got, tt.ifMatch)
			}
			if got := matchIfMatch(tt.lines, weakCur, true); got != tt.weakIfMatch {
				t.Errorf("If-Match against a weak tag = %v, want %v", got, tt.weakIfMatch)
			}
		})
	}
}

func TestETagStarNeedsARepresentation(t *testing.T) {
	if matchIfNoneMatch([]string{"*"}, entityTag{}, false) || matchIfMatch([]string{"*"}, entityTag{}, false) {
		t.Fatal("* matched a resource that does not exist")
	}
}

func TestParseETag(t *testing.T) {
	for s, ok := range map[string]bool{
		`"abc"`: true, `W/"abc"`: true, ` "abc" `: true, `""`: true,
		`abc`: false, `"abc`: false, `"a"b"`: false, `W/abc`: false, `"a" "b"`: false, ``: false,
	} {
		if _, got := parseETag(s); got != ok {
			t.Errorf("parseETag(%q) ok = %v, want %v", s, got, ok)
		}
	}
}

func TestHasListValue(t *testing.T) {
	for _, tt := range []struct {
		lines []string
		want  bool
	}{{nil, false}, {[]string{""}, false}, {[]string{" , \t"}, false}, {[]string{"", "x"}, true}} {
		if got := hasListValue(tt.lines); got != tt.want {
			t.Errorf("hasListValue(%q) = %v", tt.lines, got)
		}
	}
}

// FuzzIfNoneMatch checks that the If-None-Match / If-Match parser never
// panics, never allocates beyond its input, and finds a tag wherever it is
// in a list, whatever garbage surrounds it. Field lines are split at '\n'.
func FuzzIfNoneMatch(f *testing.F) {
	for _, s := range []string{
		`"v1"`, `W/"v1", "v2"`, "*", `"a,b", garbage, "c"`, "\"v1\"\n\"v2\"", `"unterminated`,
		`W/`, `,,,`, `"\x00"`, `*, "x"`, `"` + strings.Repeat("a", 1000) + `"`,
	} {
		f.Add(s, "v1")
	}
	f.Fuzz(func(t *testing.T, header, opaque string) {
		lines := strings.Split(header, "\n")
		cur, ok := parseETag(`"` + opaque + `"`)
		matchIfNoneMatch(lines, cur, true)
		matchIfMatch(lines, cur, true)
		if !ok {
			return
		}
		// A valid tag appended as its own element is always found.
		tag := `"` + opaque + `"`
		with := append(append([]string(nil), lines...), tag)
		if !matchIfNoneMatch(with, cur, true) || !matchIfMatch(with, cur, true) {
			t.Fatalf("%q not found in %q", tag, with)
		}
		// After a comma, on the same line, too, unless an open quote in
		// the garbage swallows it: only quotes in tags count.
		same := header + ", " + tag
		if !strings.ContainsAny(header, "\"\n") && !matchIfNoneMatch([]string{same}, cur, true) {
			t.Fatalf("%q not found in %q", tag, same)
		}
		// Weak tags never pass If-Match.
		if matchIfMatch([]string{"W/" + tag}, cur, true) {
			t.Fatalf("weak %s passed If-Match", tag)
		}
	})
}
