package auth

import (
	"errors"
	"fmt"
	"testing"
)

func TestCredentialErrorsHaveValidDescriptions(t *testing.T) {
	for _, e := range tokenErrors {
		te := e.(*tokenError)
		if !validDescription(te.description) || te.description == "" || te.detail == "" {
			t.Errorf("%v: description %q", e, te.description)
		}
		if !errors.Is(e, ErrInvalidToken) {
			t.Errorf("%v is not ErrInvalidToken", e)
		}
		if errors.Is(e, ErrVerifierUnavailable) {
			t.Errorf("%v is ErrVerifierUnavailable", e)
		}
		if got := tokenErrors[tokenErrorIndex(fmt.Errorf("ctx: %w", e))]; got != e {
			t.Errorf("wrapped %v maps to %v", e, got)
		}
	}
	if tokenErrorIndex(errors.New("other")) != -1 || tokenErrorIndex(nil) != -1 {
		t.Error("a foreign error maps to a credential error")
	}
}

func TestChallenge(t *testing.T) {
	tests := []struct {
		scheme string
		params []string
		want   string
	}{
		{"Bearer", nil, "Bearer"},
		{"Bearer", []string{"realm", "api"}, `Bearer realm="api"`},
		{"Bearer", []string{"realm", "api", "error", "", "scope", "a b"}, `Bearer realm="api", scope="a b"`},
		{"ApiKey", []string{"realm", `a"b\c`}, `ApiKey realm="a\"b\\c"`},
	}
	for _, tt := range tests {
		got := challenge(tt.scheme, tt.params...)
		if got != tt.want {
			t.Errorf("challenge(%q, %q) = %s, want %s", tt.scheme, tt.params, got, tt.want)
		}
		if _, err := parseChallenge(got); err != nil {
			t.Errorf("%s: %v", got, err)
		}
	}
}

func TestValidScope(t *testing.T) {
	tests := map[string]bool{
		"cloud:read": true, "a!#$[]^~": true,
		"": false, "a b": false, `a"b`: false, `a\b`: false, "a\tb": false, "é": false, "a\x7f": false,
	}
	for s, want := range tests {
		if validScope(s) != want {
			t.Errorf("validScope(%q) != %v", s, want)
		}
	}
}
