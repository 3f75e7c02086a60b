package auth

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// APIKeyApp maps one long-lived API key to the app it authenticates.
type APIKeyApp struct {
	// Key is the API key itself. It is hashed by NewAPIKeys and not kept.
	Key string
	// SHA256 is the hex SHA-256 of the key (see HashAPIKey), for
	// configurations that should not hold the key itself. Set Key or SHA256.
	SHA256 string
	// ClientID names the app; it becomes the principal's Subject and
	// ClientID. Required.
	ClientID string
	// Scopes granted to the key.
	Scopes []string
}

// APIKeys verifies API keys against a static set: each key authenticates an
// app principal. Only SHA-256 hashes of the keys are kept, and a presented
// key's hash is compared with every stored hash in constant time, so
// neither a memory dump nor response timing reveals a key. Use it with
// APIKey.
type APIKeys struct {
	entries []apiKeyEntry
}

type apiKeyEntry struct {
	hash [sha256.Size]byte
	p    *Principal
}

// NewAPIKeys returns the verifier for keys. It fails on an app without a
// ClientID, a key given both or neither as Key and SHA256, a bad hash, an
// invalid scope, or a key listed twice.
func NewAPIKeys(keys ...APIKeyApp) (*APIKeys, error) {
	v := &APIKeys{}
	for _, k := range keys {
		if k.ClientID == "" {
			return nil, errors.New("auth: APIKeyApp.ClientID is required")
		}
		var h [sha256.Size]byte
		switch {
		case k.Key != "" && k.SHA256 == "":
			if !validToken68(k.Key) {
				return nil, fmt.Errorf("auth: the API key of %s cannot be sent in an Authorization header", k.ClientID)
			}
			h = sha256.Sum256([]byte(k.Key))
		case k.Key == "" && k.SHA256 != "":
			b, err := hex.DecodeString(k.SHA256)
			if err != nil || len(b) != sha256.Size {
				return nil, fmt.Errorf("auth: the SHA256 of the API key of %s is not 64 hex digits", k.ClientID)
			}
			h = [sha256.Size]byte(b)
		default:
			return nil, fmt.Errorf("auth: set either Key or SHA256 for the API key of %s", k.ClientID)
		}
		for _, s := range k.Scopes {
			if !validScope(s) {
				return nil, fmt.Errorf("auth: invalid scope %q for %s", s, k.ClientID)
			}
		}
		for _, e := range v.entries {
			if e.hash == h {
				return nil, fmt.Errorf("auth: the API key of %s is listed twice", k.ClientID)
			}
		}
		p := &Principal{Subject: k.ClientID, ClientID: k.ClientID, Kind: KindApp,
			Scope: strings.Join(k.Scopes, " "), Scheme: "ApiKey"}
		v.entries = append(v.entries, apiKeyEntry{hash: h, p: p.seal()})
	}
	return v, nil
}

// HashAPIKey returns the hex SHA-256 of key, the form APIKeyApp.SHA256
// takes.
func HashAPIKey(key string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:])
}

// Verify returns the app principal of key, or ErrUnknownAPIKey. Its time
// does not depend on which key, if any, matched.
func (v *APIKeys) Verify(ctx context.Context, key string) (Principal, error) {
	return verifyCopy(ctx, v, key)
}

func (v *APIKeys) verifyShared(_ context.Context, key string) (*Principal, error) {
	h := sha256String(key)
	found := -1
	for i := range v.entries {
		found = subtle.ConstantTimeSelect(subtle.ConstantTimeCompare(v.entries[i].hash[:], h[:]), i, found)
	}
	if found < 0 {
		return nil, ErrUnknownAPIKey
	}
	return v.entries[found].p, nil
}

// sha256String hashes s without allocating for strings up to 2 KiB (the
// []byte conversion of a longer string allocates).
func sha256String(s string) [sha256.Size]byte {
	var buf [2048]byte
	if len(s) <= len(buf) {
		return sha256.Sum256(append(buf[:0], s...))
	}
	return sha256.Sum256([]byte(s))
}
