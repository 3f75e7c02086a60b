package auth

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestAPIKeys(t *testing.T) {
	keys, err := NewAPIKeys(
		APIKeyApp{Key: "demo-app-key", ClientID: "demo-app", Scopes: []string{"cloud:read"}},
		APIKeyApp{SHA256: HashAPIKey("hashed-key"), ClientID: "ci"},
	)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		key    string
		client string
	}{
		{"demo-app-key", "demo-app"},
		{"hashed-key", "ci"},
		{"demo-app-keyx", ""},
		{"demo-app-ke", ""},
		{"", ""},
		{strings.Repeat("k", 4096), ""},
	}
	for _, tt := range tests {
		p, err := keys.Verify(context.Background(), tt.key)
		if tt.client == "" {
			if !errors.Is(err, ErrUnknownAPIKey) || p != (Principal{}) {
				t.Errorf("%.20q: %v %v", tt.key, p, err)
			}
			continue
		}
		if err != nil || p.Kind != KindApp || p.Subject != tt.client || p.ClientID != tt.client || p.Key() != "app:"+tt.client || p.Scheme != "ApiKey" {
			t.Errorf("%q: %+v %v", tt.key, p, err)
		}
	}
	for _, e := range keys.entries {
		if strings.Contains(string(e.hash[:]), "demo-app-key") {
			t.Error("a key is kept in clear")
		}
	}
}

func TestNewAPIKeysErrors(t *testing.T) {
	tests := []struct {
		name string
		keys []APIKeyApp
	}{
		{"no client", []APIKeyApp{{Key: "k"}}},
		{"neither key nor hash", []APIKeyApp{{ClientID: "a"}}},
		{"both key and hash", []APIKeyApp{{Key: "k", SHA256: HashAPIKey("k"), ClientID: "a"}}},
		{"bad hash", []APIKeyApp{{SHA256: "abc", ClientID: "a"}}},
		{"key with a space", []APIKeyApp{{Key: "a b", ClientID: "a"}}},
		{"bad scope", []APIKeyApp{{Key: "k", ClientID: "a", Scopes: []string{`a"b`}}}},
		{"duplicate key", []APIKeyApp{{Key: "k", ClientID: "a"}, {SHA256: HashAPIKey("k"), ClientID: "b"}}},
	}
	for _, tt := range tests {
		if _, err := NewAPIKeys(tt.keys...); err == nil {
			t.Errorf("%s: no error", tt.name)
		}
	}
}
