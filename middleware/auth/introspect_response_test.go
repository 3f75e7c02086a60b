package auth

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// An introspection response is one JSON object in UTF-8. Bytes that are
// not UTF-8 would each decode as U+FFFD, making "al\xffice" and
// "al\xfeice" one subject, so they refuse the token, as in a JWT's claims;
// anything after the object is a bad answer, which Principal.Claims could
// not decode.
func TestIntrospectionResponseIsOneUTF8Object(t *testing.T) {
	tests := []struct {
		name, response string
		status         int
		challenge      string // WWW-Authenticate, "" for none
	}{
		{"one object", `{"active":true,"sub":"alice","aud":"api"}` + "\r\n", http.StatusOK, ""},
		{"subject not UTF-8", "{\"active\":true,\"sub\":\"al\xffice\",\"aud\":\"api\"}", http.StatusUnauthorized,
			`Bearer realm="api", error="invalid_token", error_description="The access token lacks a required claim or has an invalid one"`},
		{"another object after it", `{"active":true,"sub":"alice","aud":"api"} {"active":false}`, http.StatusServiceUnavailable, ""},
		{"a bracket after it", `{"active":true,"sub":"alice","aud":"api"}]`, http.StatusServiceUnavailable, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(tt.response))
			}))
			defer srv.Close()
			v, err := NewIntrospection(IntrospectionConfig{URL: srv.URL, ClientID: "api", Audience: "api"})
			if err != nil {
				t.Fatal(err)
			}
			h, _ := withLogger(newRouter(Authenticate(Bearer(v)), nil))
			rec := do(h, "/me", "Bearer opaque-token")
			if rec.Code != tt.status || rec.Header().Get("WWW-Authenticate") != tt.challenge {
				t.Fatalf("%d %q %s", rec.Code, rec.Header().Get("WWW-Authenticate"), rec.Body)
			}
			if tt.status == http.StatusOK {
				if b := body(t, rec); b["subject"] != "alice" {
					t.Errorf("body %v", b)
				}
				return
			}
			if b := body(t, rec); b["status"] != float64(tt.status) {
				t.Errorf("body %v", b)
			}
		})
	}
}
