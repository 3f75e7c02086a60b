package bind

import (
	"bytes"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// A JSON Content-Type takes up to 8 parameters; more are a 415, refused
// before they are parsed.
func TestDecodeJSONContentTypeParameters(t *testing.T) {
	params := func(n int) string {
		ct := "application/json; charset=utf-8"
		for i := 1; i < n; i++ {
			ct += "; p" + strconv.Itoa(i) + "=x"
		}
		return ct
	}
	for n, want := range map[int]int{1: http.StatusOK, maxContentTypeParams: http.StatusOK, maxContentTypeParams + 1: http.StatusUnsupportedMediaType} {
		_, rec := semDecode(t, nil, params(n), `{"name":"n","owner":{"email":"a@b.c"}}`)
		if rec.Code != want {
			t.Errorf("%d parameters: status %d, want %d: %s", n, rec.Code, want, rec.Body)
		}
	}
}

// FuzzJSONContentType: a Content-Type taken as JSON is one that
// mime.ParseMediaType reads as application/json or application/*+json,
// with at most maxContentTypeParams parameters and no charset but UTF-8.
func FuzzJSONContentType(f *testing.F) {
	for _, s := range []string{"application/json", "application/json; charset=UTF-8", "APPLICATION/JSON", "application/merge-patch+json",
		"application/json; charset=latin1", "application/json;;;;;;;;;", `application/json; a="x;y"`, "application/json; a*0=x; a*1=y",
		"application/json; charset*=utf-8''utf-8", "text/json", "application/+json", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ct string) {
		if !isJSONContentType(ct) {
			return
		}
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil || strings.Count(ct, ";") > maxContentTypeParams || len(params) > maxContentTypeParams ||
			mt != "application/json" && !(strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")) {
			t.Fatalf("%q taken as JSON: %q %v %v", ct, mt, params, err)
		}
		if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "utf8") {
			t.Fatalf("%q taken as JSON with charset %q", ct, cs)
		}
	})
}

// BenchmarkHostileContentType decodes a small body sent with a
// Content-Type of one size: "benign" is a JSON type with one long
// parameter, the others many parameters, RFC 2231 continuations or a
// quoted value of escapes. mime.ParseMediaType cost many parameters some
// twenty times the benign header, and allocated twenty times its size;
// each hostile shape should cost at most a few times the benign one.
func BenchmarkHostileContentType(b *testing.B) {
	const size = 64 << 10
	many := func(param func(i int) string) string {
		var ct strings.Builder
		ct.WriteString("application/json")
		for i := 0; ct.Len() < size; i++ {
			ct.WriteString(param(i))
		}
		return ct.String()
	}
	body := []byte(`{"name":"n"}`)
	for _, shape := range []struct{ name, ct string }{
		{"benign", `application/vnd.example+json; profile="` + strings.Repeat("x", size-len(`application/vnd.example+json; profile=""`)) + `"`},
		{"params", many(func(i int) string { return ";k" + strconv.Itoa(i) + "=1" })},
		{"continuations", many(func(i int) string { return ";k*" + strconv.Itoa(i) + "=1" })},
		{"quoted-escapes", `application/json; a="` + strings.Repeat(`\a`, (size-len(`application/json; a=""`))/2) + `"`},
	} {
		b.Run(shape.name, func(b *testing.B) {
			b.SetBytes(int64(len(shape.ct)))
			b.ReportAllocs()
			w := httptest.NewRecorder()
			for b.Loop() {
				var v benchDoc
				r := httptest.NewRequest("POST", "/", bytes.NewReader(body))
				r.Header.Set("Content-Type", shape.ct)
				_ = DecodeJSON(w, r, &v)
			}
		})
	}
}
