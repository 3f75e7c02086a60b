package problem_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/chiguard/chiguard/problem"
)

// The fields that frame the body are the writer's: a problem that names
// them with WithHeader still reaches the client whole, as the JSON the
// writer rendered, and its other headers go with it.
func TestWithHeaderLeavesTheFramingToTheWriter(t *testing.T) {
	p := problem.BadRequest("The cursor is not one this API issued.").
		WithHeader("Content-Length", "3").
		WithHeader("Transfer-Encoding", "chunked").
		WithHeader("Content-Encoding", "gzip").
		WithHeader("Trailer", "X-Checksum").
		WithHeader("Content-Type", "text/plain").
		WithHeader("X-Cursor-Hint", "restart")
	if h := p.Header(); len(h) != 1 || h.Get("X-Cursor-Hint") != "restart" {
		t.Errorf("Header() = %v", h)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { problem.Write(w, r, p) }))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("body: %v", err)
	}
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil || body["detail"] != "The cursor is not one this API issued." {
		t.Fatalf("body %q: %v", raw, err)
	}
	if resp.StatusCode != 400 || resp.Header.Get("Content-Type") != "application/problem+json" ||
		resp.Header.Get("Content-Encoding") != "" || resp.Header.Get("Trailer") != "" ||
		resp.Header.Get("Content-Length") != strconv.Itoa(len(raw)) || resp.Header.Get("X-Cursor-Hint") != "restart" {
		t.Errorf("%d %v", resp.StatusCode, resp.Header)
	}
}
