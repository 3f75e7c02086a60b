package problem_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"testing"

	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/problem"
)

// The framing a failed handler set for the body it meant to send is not
// the problem's: the writer frames its own, so the client reads the
// problem whole, over HTTP/1.1 and HTTP/2.
func TestProblemDropsTheFramingOfTheAnswerItReplaces(t *testing.T) {
	pw := &problem.Writer{Logger: slog.New(slog.DiscardHandler)}
	for _, te := range []string{"gzip, chunked", "identity", "chunked"} {
		t.Run(te, func(t *testing.T) {
			h := pw.Handler(problem.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
				w.Header().Set("Transfer-Encoding", te) // copied from an upstream answer, say
				return problem.Conflict("The export is already running.")
			}))
			testkit.GetOverHTTP1And2(t, h, nil, func(t *testing.T, resp *http.Response, body []byte) {
				var p map[string]any
				if err := json.Unmarshal(body, &p); err != nil || resp.StatusCode != http.StatusConflict || p["status"] != 409.0 {
					t.Fatalf("status %d, headers %v, TE %v, body %q (%v)", resp.StatusCode, resp.Header, resp.TransferEncoding, body, err)
				}
				if resp.Close {
					t.Errorf("the connection closes after the problem: TE %v, headers %v", resp.TransferEncoding, resp.Header)
				}
			})
		})
	}
}
