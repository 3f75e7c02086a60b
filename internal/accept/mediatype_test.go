package accept

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseMediaType(t *testing.T) {
	tests := []struct {
		in    string
		want  MediaType
		canon string
	}{
		{"application/json", MediaType{Type: "application", Subtype: "json"}, "application/json"},
		{" Text/Plain ; Format=flowed ", MediaType{"text", "plain", []Param{{"format", "flowed"}}}, "text/plain;format=flowed"},
		{`text/plain;charset="UTF-8"`, MediaType{"text", "plain", []Param{{"charset", "UTF-8"}}}, "text/plain;charset=UTF-8"},
		{`text/plain;x="a \"b\" \\c"`, MediaType{"text", "plain", []Param{{"x", `a "b" \c`}}}, `text/plain;x="a \"b\" \\c"`},
		{`text/plain;x=""`, MediaType{"text", "plain", []Param{{"x", ""}}}, `text/plain;x=""`},
		{"text/plain;;a=1;", MediaType{"text", "plain", []Param{{"a", "1"}}}, "text/plain;a=1"},
		{"application/problem+json", MediaType{Type: "application", Subtype: "problem+json"}, "application/problem+json"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseMediaType(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
			if s := got.String(); s != tt.canon {
				t.Errorf("String() = %q, want %q", s, tt.canon)
			}
			if again := MustParseMediaType(got.String()); !reflect.DeepEqual(again, got) {
				t.Errorf("String() does not round-trip: %#v", again)
			}
		})
	}
}

func TestParseMediaTypeRejects(t *testing.T) {
	tests := []struct{ name, in, why string }{
		{"empty", "", "want type/subtype"},
		{"no slash", "json", "want type/subtype"},
		{"empty subtype", "text/", "empty type or subtype"},
		{"empty type", "/plain", "empty type or subtype"},
		{"wildcard subtype", "text/*", "wildcards"},
		{"wildcard type", "*/*", "wildcards"},
		{"junk after subtype", "text/plain/x", "unexpected"},
		{"space inside", "text /plain", "want type/subtype"},
		{"parameter without value", "text/plain;a", "want name=value"},
		{"empty value", "text/plain;a=", "bad value"},
		{"unterminated quote", `text/plain;a="x`, "bad value"},
		{"control character in quote", "text/plain;a=\"\x01\"", "bad value"},
		{"q parameter", "text/plain;Q=1", "reserved"},
		{"repeated parameter", "text/plain;a=1;A=2", "repeated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseMediaType(tt.in)
			if !errors.Is(err, ErrInvalidMediaType) {
				t.Fatalf("ParseMediaType(%q) error = %v, want ErrInvalidMediaType", tt.in, err)
			}
			if !strings.Contains(err.Error(), tt.why) {
				t.Errorf("error %q does not say %q", err, tt.why)
			}
		})
	}
}

func TestMustParseMediaTypePanicsWithReason(t *testing.T) {
	defer func() {
		msg, _ := recover().(string)
		if !strings.Contains(msg, "MustParseMediaType") || !strings.Contains(msg, `"text/"`) {
			t.Errorf("panic message %q does not name the call and the input", msg)
		}
	}()
	MustParseMediaType("text/")
}
