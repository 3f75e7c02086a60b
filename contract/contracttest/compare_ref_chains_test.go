package contracttest_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/contract/contracttest"
)

// A component may itself be a $ref to another (a shared response under a
// second name, a parameter kept for an old version): Compare follows the
// chain to the object at its end, and a cycle is a dangling reference,
// never a hang.
func TestCompareFollowsChainsOfRefs(t *testing.T) {
	const wrongParam = "POST /cloud/{id}/exports: path parameter {id} is an integer to the router (bind.ValidatePath), a string in the document"
	const wrongMedia = "POST /cloud/{id}/exports: the router answers 400 as application/problem+json; the document lists it as application/json only"
	chain := func(doc string, edits ...string) string {
		for i := 0; i < len(edits); i += 2 {
			next := strings.Replace(doc, edits[i], edits[i+1], 1)
			if next == doc {
				t.Fatalf("the edit of %q changed nothing", edits[i])
			}
			doc = next
		}
		return doc
	}
	const responses = `"responses": {"BadRequest": {"description": "x", "content": {"application/problem+json; charset=utf-8": {}}}}`
	const param = `"parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}]`
	for _, tt := range []struct {
		name  string
		edits []string
		want  []string
	}{
		{"a response through two names", []string{responses,
			`"responses": {"BadRequest": {"$ref": "#/components/responses/Invalid"}, "Invalid": {"description": "x", "content": {"application/problem+json": {}}}}`}, nil},
		{"a response through two names, in another media type", []string{responses,
			`"responses": {"BadRequest": {"$ref": "#/components/responses/Invalid"}, "Invalid": {"description": "x", "content": {"application/json": {}}}}`},
			[]string{wrongMedia}},
		{"a response in a cycle of refs", []string{responses,
			`"responses": {"BadRequest": {"$ref": "#/components/responses/Invalid"}, "Invalid": {"$ref": "#/components/responses/BadRequest"}}`}, nil},
		{"a parameter through two names, of another type", []string{param,
			`"parameters": [{"$ref": "#/components/parameters/Id"}]`,
			`"components": {`, `"components": {"parameters": {"Id": {"$ref": "#/components/parameters/CloudId"}, "CloudId": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}},`},
			[]string{wrongParam}},
		{"a schema through two names, of another type", []string{`"schema": {"type": "integer"}`, `"schema": {"$ref": "#/components/schemas/Id"}`,
			`"components": {`, `"components": {"schemas": {"Id": {"$ref": "#/components/schemas/Name"}, "Name": {"type": "string"}},`},
			[]string{wrongParam}},
		{"a schema in a cycle of refs", []string{`"schema": {"type": "integer"}`, `"schema": {"$ref": "#/components/schemas/Id"}`,
			`"components": {`, `"components": {"schemas": {"Id": {"$ref": "#/components/schemas/Name"}, "Name": {"$ref": "#/components/schemas/Id"}},`},
			nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			diffs, err := contracttest.Diff(contract.Of(exportRouter()), []byte(chain(exportDoc, tt.edits...)))
			if err != nil || !slices.Equal(diffs, tt.want) {
				t.Errorf("Diff = %q, %v; want %q", diffs, err, tt.want)
			}
		})
	}
}
