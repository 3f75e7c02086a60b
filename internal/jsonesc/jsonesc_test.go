package jsonesc

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestHasLoneSurrogate(t *testing.T) {
	for text, want := range map[string]bool{
		`"alice"`:                false,
		`"a\ud800"`:              true,
		`"a\udbff"`:              true,
		`"\udc00a"`:              true,
		`"\ud800\u0041"`:         true,
		`"\ud83d\ude00"`:         false,
		`"\\ud800"`:              false, // a backslash, then text
		`"\u00e9\n\"\\"`:         false,
		`{"sub":"x","n":"\ud800`: true,
		`"\ud83d\ude00\ud83d"`:   true,
		`"\uD83D\uDE00"`:         false,
		`"\u12"`:                 false, // not an escape: the decoder refuses it
		`"trailing backslash \\`: false,
	} {
		if got := HasLoneSurrogate([]byte(text)); got != want {
			t.Errorf("HasLoneSurrogate(%s) = %v, want %v", text, got, want)
		}
	}
}

// What encoding/json writes never escapes a lone surrogate, and one
// escaped after it is always found.
func FuzzHasLoneSurrogate(f *testing.F) {
	for _, s := range []string{"alice", "a\\ud800", "\U0001F600", "\xff", `\u`, "é\"\\"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		HasLoneSurrogate([]byte(s)) // any bytes: no panic
		text, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if HasLoneSurrogate(text) {
			t.Fatalf("encoding/json's %s escapes a lone surrogate", text)
		}
		lone := append(bytes.TrimSuffix(text, []byte(`"`)), `\udfff"`...)
		if !HasLoneSurrogate(lone) {
			t.Fatalf("%s: the lone surrogate is missed", lone)
		}
	})
}

// A text made of escaped pairs, the most work a byte can ask for, costs a
// few times plain text of the same size.
func BenchmarkHasLoneSurrogate(b *testing.B) {
	const size = 64 << 10
	for name, text := range map[string]string{
		"benign":  `"` + strings.Repeat("a", size-2) + `"`,
		"pairs":   `"` + strings.Repeat(`\ud83d\ude00`, (size-2)/12) + `"`,
		"escapes": `"` + strings.Repeat(`\u0041`, (size-2)/6) + `"`,
	} {
		data := []byte(text)
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				HasLoneSurrogate(data)
			}
		})
	}
}
