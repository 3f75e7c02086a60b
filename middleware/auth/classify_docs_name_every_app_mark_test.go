package auth

import (
	"os"
	"strings"
	"testing"
)

// The README and SECURITY.md say when a JWT is an app's: each mark that
// makes DefaultClassify answer KindApp is named there, or a reader takes
// such a token for a user's.
func TestClassifyDocsNameEveryAppMark(t *testing.T) {
	marks := []struct {
		claims map[string]any
		words  string // what the text must say of it
	}{
		{map[string]any{"sub": "billing", "client_id": "billing"}, "is also its subject"},
		{map[string]any{"client_id": "billing"}, "has none"},
		{map[string]any{"sub": "0b6e", "clientId": "billing"}, "`clientId`"},
		{map[string]any{"sub": "alice", "gty": "client-credentials"}, "`\"gty\":"},
		{map[string]any{"sub": "0oa1billing", "cid": "0oa1billing"}, "`cid` is also its subject"},
		{map[string]any{"sub": "5f2e", "idtyp": "app"}, "`\"idtyp\": \"app\"`"},
	}
	for _, file := range []string{"../../README.md", "../../SECURITY.md"} {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		// The paragraph, or list item, that says it.
		var text string
		for _, para := range strings.Split(string(raw), "\n\n") {
			if strings.Contains(para, "RequireApp") && strings.Contains(para, "client_id") {
				text = strings.Join(strings.Fields(para), " ")
			}
		}
		if text == "" {
			t.Fatalf("%s no longer says how apps are told from users", file)
		}
		for _, m := range marks {
			if DefaultClassify(m.claims) != KindApp {
				t.Fatalf("%v is no longer an app's", m.claims)
			}
			if !strings.Contains(text, m.words) {
				t.Errorf("%s does not say that %v is an app's (%q): %s", file, m.claims, m.words, text)
			}
		}
	}
}
