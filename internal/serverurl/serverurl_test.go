package serverurl

import "testing"

func TestOrigin(t *testing.T) {
	for _, tt := range []struct{ url, want string }{
		{"https://api.example.com/v1", "https://api.example.com"},
		{"https://api.example.com", "https://api.example.com"},
		{"https://api.example.com/", "https://api.example.com"},
		{"https://{env}.example.com/{version}", "https://{env}.example.com"},
		{"https://api.example.com:{port}/v1", "https://api.example.com:{port}"},
		{"{scheme}://api.example.com/v1", "{scheme}://api.example.com"},
		{"//api.example.com/v1", "//api.example.com"},
		{"/v1", "/"},
		{"", "/"},
	} {
		if got := Origin(tt.url); got != tt.want {
			t.Errorf("Origin(%q) = %q, want %q", tt.url, got, tt.want)
		}
	}
}
