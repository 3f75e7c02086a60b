package contracttest_test

import (
	"strings"
	"testing"

	"github.com/chiguard/chiguard/contract/contracttest"
)

// A public document leaves out the routes its readers do not call, such
// as /healthz: with Partial, the routes it names are still held to the
// router, and an operation the router does not serve still fails it.
func TestComparePartialDocumentLeavesRoutesOut(t *testing.T) {
	doc := strings.Replace(matching, `"/healthz": {"get": {"responses": {"200": {"description": "ok"}, "405": {"description": "x"}, "500": {"description": "x"}}}},`, "", 1)
	if doc == matching {
		t.Fatal("the edit changed nothing")
	}
	f := &fakeTB{}
	contracttest.Compare(f, router(t), []byte(doc))
	if len(f.errors) != 1 || !strings.Contains(f.errors[0], "+ GET /healthz: served by the router, missing from the document") {
		t.Fatalf("without Partial: %q", f.errors)
	}
	f = &fakeTB{}
	contracttest.Compare(f, router(t), []byte(doc), contracttest.Partial())
	if len(f.errors) > 0 {
		t.Errorf("Partial: %q", f.errors)
	}
	drift := strings.Replace(doc, `"key": ["cloud:manage"]`, `"key": ["cloud:write"]`, 1)
	drift = strings.Replace(drift, `"delete":`, `"put": {"responses": {"200": {"description": "x"}}}, "delete":`, 1)
	f = &fakeTB{}
	contracttest.Compare(f, router(t), []byte(drift), contracttest.Partial())
	if len(f.errors) != 1 || !strings.Contains(f.errors[0], "scopes differ") || !strings.Contains(f.errors[0], "- PUT /cloud/{cloudId}: in the document, not served by the router") {
		t.Errorf("Partial still compares what the document names: %q", f.errors)
	}
}
