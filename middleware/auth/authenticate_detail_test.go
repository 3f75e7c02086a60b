package auth

import (
	"net/http"
	"testing"
)

// The 401's detail names the schemes in words that fit their number.
func TestAuthenticateDetailNamesTheSchemes(t *testing.T) {
	v := hsVerifier(t, nil)
	for _, c := range []struct {
		name                 string
		auth                 func(http.Handler) http.Handler
		missing, unsupported string
	}{
		{"one scheme", Authenticate(Bearer(v)),
			"This resource requires authentication: send your credentials in the Authorization header, with the scheme Bearer.",
			"The Authorization header uses a scheme this API does not support: use Bearer."},
		{"two schemes", Authenticate(Bearer(v), APIKey(testAPIKeys(t))),
			"This resource requires authentication: send your credentials in the Authorization header, with one of the schemes Bearer, ApiKey.",
			"The Authorization header uses a scheme this API does not support: use one of Bearer, ApiKey."},
	} {
		h := newRouter(c.auth, nil)
		if got := body(t, do(h, "/me"))["detail"]; got != c.missing {
			t.Errorf("%s, no credentials: detail %q, want %q", c.name, got, c.missing)
		}
		if got := body(t, do(h, "/me", "Basic YWxpY2U6c2VjcmV0"))["detail"]; got != c.unsupported {
			t.Errorf("%s, Basic: detail %q, want %q", c.name, got, c.unsupported)
		}
	}
}
