package bind

import (
	"bytes"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

type benchDoc struct {
	Name  string         `json:"name" validate:"required"`
	Items []benchItem    `json:"items" validate:"dive"`
	Meta  map[string]int `json:"meta"`
	Tree  *benchNode     `json:"tree"`
	// Groups is validated entry by entry: validator spells out the path of
	// each, outer key included.
	Groups map[string]map[string]benchItem `json:"groups" validate:"dive,dive"`
}

type benchItem struct {
	Kind  string   `json:"kind" validate:"oneof=a b"`
	Price float64  `json:"price"`
	Tags  []string `json:"tags"`
}

type benchNode struct {
	Name     string      `json:"name"`
	Children []benchNode `json:"children"`
}

const benchSize = 256 << 10

// benchItems is a document whose items repeat item up to about benchSize.
func benchItems(item string) string {
	var b strings.Builder
	b.WriteString(`{"name":"n","items":[` + item)
	for b.Len() < benchSize-len(item)-3 {
		b.WriteString("," + item)
	}
	b.WriteString("]}")
	return b.String()
}

// benchMembers is a document with one object, opened by open and closed
// by end, that repeats member up to about benchSize.
func benchMembers(open, member, end string) string {
	var b strings.Builder
	b.WriteString(`{"name":"n",` + open + member)
	for b.Len() < benchSize-len(member)-len(end)-2 {
		b.WriteString("," + member)
	}
	b.WriteString(end + "}")
	return b.String()
}

// benchMapKeys is a document whose map has distinct keys, each written with
// escapes, up to about benchSize.
func benchMapKeys() string {
	var b strings.Builder
	b.WriteString(`{"name":"n","meta":{"\u0061\u00620":0`)
	for i := 1; b.Len() < benchSize-20; i++ {
		b.WriteString(`,"\u0061\u0062` + strconv.Itoa(i) + `":1`)
	}
	b.WriteString("}}")
	return b.String()
}

// benchGroups is a document with one group, named by a key of n bytes,
// whose items fill up about benchSize.
func benchGroups(n int) string {
	var b strings.Builder
	b.WriteString(`{"name":"n","groups":{"` + strings.Repeat("g", n) + `":{"k0":{"kind":"a"}`)
	for i := 1; b.Len() < benchSize-30; i++ {
		b.WriteString(`,"k` + strconv.Itoa(i) + `":{"kind":"a"}`)
	}
	b.WriteString("}}}")
	return b.String()
}

// benchDeep is a document whose tree nests as deep as encoding/json allows,
// each node named with key and a value long enough to make about benchSize.
func benchDeep(key string) string {
	levels := (maxJSONDepth - 3) / 2
	pad := strings.Repeat("x", max(1, benchSize/levels-len(`{"":"","children":[]}`)-len(key)))
	var b strings.Builder
	b.WriteString(`{"name":"n","tree":`)
	for range levels {
		b.WriteString(`{"` + key + `":"` + pad + `","children":[`)
	}
	b.WriteString("{}")
	for range levels {
		b.WriteString("]}")
	}
	b.WriteString("}")
	return b.String()
}

// BenchmarkDecodeJSONHostile compares bodies built to cost the walker or
// encoding/json more with a benign body of about the same size; run with
// benchstat -col /body to see them side by side.
func BenchmarkDecodeJSONHostile(b *testing.B) {
	strict, allow := &JSONDecoder{}, &JSONDecoder{AllowUnknownFields: true}
	bodies := []struct {
		name string
		d    *JSONDecoder
		body string
		ok   bool
	}{
		{"benign", strict, benchItems(`{"kind":"a","price":1.5,"tags":["x","y"]}`), true},
		{"case-variants", strict, benchItems(`{"KIND":"a","Price":1.5,"tAgS":["x","y"]}`), false},
		{"case-variants-allowed", allow, benchItems(`{"kind":"a","KIND":"b","Price":1.5,"tAgS":["x","y"]}`), true},
		{"escaped-names", strict, benchItems(`{"\u006bind":"a","pric\u0065":1.5,"\u0074ags":["x","y"]}`), true},
		{"escaped-map-keys", strict, benchMapKeys(), true},
		{"type-error-at-end", strict, strings.TrimSuffix(benchItems(`{"kind":"a","price":1.5,"tags":["x","y"]}`), "]}") + `,{"price":"1.5"}]}`, false},
		{"repeated-fields", strict, benchMembers(`"items":[{`, `"kind":"a"`, "}]"), false},
		{"repeated-fields-allowed", allow, benchMembers(`"items":[{`, `"kind":"a"`, "}]"), false},
		{"repeated-map-keys", strict, benchMembers(`"meta":{`, `"k":1`, "}"), false},
		{"short-group-key", strict, benchGroups(8), true},
		// The longest key validationBudget lets through above that many items.
		{"long-group-key", strict, benchGroups(300), true},
		{"longer-group-key", strict, benchGroups(4000), false}, // refused by validationBudget
		{"empty-items", strict, benchItems(`{}`), false},       // each misses its kind: refused by validationBudget
		{"deep", strict, benchDeep("name"), true},
		{"deep-case-variants", strict, benchDeep("NAME"), false},
		{"deep-case-variants-allowed", allow, benchDeep("NAME"), true},
	}
	for _, bb := range bodies {
		b.Run("body="+bb.name, func(b *testing.B) {
			body := []byte(bb.body)
			var v benchDoc
			r := httptest.NewRequest("POST", "/", bytes.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			if err := bb.d.Decode(httptest.NewRecorder(), r, &v); (err == nil) != bb.ok {
				b.Fatalf("%d bytes: %v", len(body), err)
			}
			b.SetBytes(int64(len(body)))
			w := httptest.NewRecorder()
			for b.Loop() {
				v = benchDoc{}
				r := httptest.NewRequest("POST", "/", bytes.NewReader(body))
				r.Header.Set("Content-Type", "application/json")
				_ = bb.d.Decode(w, r, &v)
			}
		})
	}
}
