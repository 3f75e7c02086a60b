package accept

import (
	"strings"
	"testing"

	"github.com/chiguard/chiguard/internal/accept/accepttest"
	"github.com/chiguard/chiguard/internal/testkit"
)

// big returns a header of about 64 KB made of n copies of elem followed by
// last.
func big(elem, last string) string {
	n := 64 << 10 / (len(elem) + 2)
	return strings.Repeat(elem+", ", n) + last
}

func TestHugeHeaders(t *testing.T) {
	jsonXML := offers("application/json", "application/xml")
	tests := []struct {
		name   string
		accept string
		want   int
	}{
		{"thousands of ranges", big("application/x-thing;q=0.9", "application/xml;q=0.2"), 1},
		{"thousands of q=0", big("application/json;q=0", "*/*;q=0.1"), 1},
		{"thousands of malformed", big("*/json;q=abc", "application/xml"), 1},
		{"only malformed", big("text/plain;a=1;a=2", "bad"), 0},
		{"empty elements", strings.Repeat(" ,", 32<<10) + "application/xml", 1},
		{"one range with many parameters", "application/json" + strings.Repeat(";a=b", 16<<10) + ", application/xml;q=0.1", 1},
		{"duplicate check over long parameter lists", "application/json" + params(32, strings.Repeat(";", 2000)) + ", application/xml;q=0.1", 1},
		{"one range with many empty parameters", "application/json" + strings.Repeat(";", 64<<10) + ";q=0.5, application/xml;q=0.1", 0},
		{"one long quoted value", `application/json;a="` + strings.Repeat(`x\",`, 16<<10) + `", application/xml`, 1},
		{"unterminated quote", `application/xml;q=0.1, text/plain;a="` + strings.Repeat("x,", 32<<10), 1},
		{"long token", "application/" + strings.Repeat("j", 64<<10) + ", application/xml;q=0.3", 1},
		{"accept extensions", "application/json;q=0.1" + strings.Repeat(";ext=1", 10<<10) + ", application/xml;q=0.05", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.accept) < 60<<10 {
				t.Fatalf("header is only %d bytes", len(tt.accept))
			}
			if got := Negotiate([]string{tt.accept}, jsonXML); got != tt.want {
				t.Errorf("Negotiate = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestNoAllocations(t *testing.T) {
	many := offers("a/a", "a/b", "a/c", "a/d", "a/e", "a/f", "a/g", "a/h", "a/i", "text/plain;format=flowed;charset=utf-8")
	headers := [][]string{
		nil,
		{""},
		{curl},
		{chromium},
		{rfcExample},
		{`text/plain;format="flo\wed";charset=UTF-8;q=0.5;ext="x,y", */*;q=0`},
		{"*/json, q=abc", `text/plain;a="`},
		{big("application/x-thing;q=0.9", "application/xml;q=0.2")},
		{"text/plain;a=1;B=2;c=3, */*;Long-Parameter-Name=1;other-long-name=2;q=0.5"},
		{"text/plain;a=1;b=2;A=3, */*;Long-Parameter-Name=1;long-parameter-name=2"},
	}
	for _, h := range headers {
		for _, o := range [][]MediaType{problemOffers, many} {
			if n := testing.AllocsPerRun(20, func() { Negotiate(h, o) }); n != 0 {
				t.Errorf("Negotiate(%.40q, %d offers) allocates %v times", h, len(o), n)
			}
			if n := testing.AllocsPerRun(20, func() { Quality(h, o[len(o)-1]) }); n != 0 {
				t.Errorf("Quality(%.40q) allocates %v times", h, n)
			}
		}
		o := NewOffers(many...)
		if n := testing.AllocsPerRun(20, func() { o.Negotiate(h) }); n != 0 {
			t.Errorf("Offers.Negotiate(%.40q) allocates %v times", h, n)
		}
	}
}

// TestRepeatedNameCheckIsLinear counts the bytes that the check for
// repeated parameter names reads a second time. Rescanning the earlier
// parameters at each one, as it once did, reads a range of 32 parameters
// about sixteen times over; now only a range with a repeat is read again,
// once.
func TestRepeatedNameCheckIsLinear(t *testing.T) {
	jsonCSV := offers("application/json", "text/csv")
	for _, s := range accepttest.Shapes {
		t.Run(s.Name, func(t *testing.T) {
			h := s.Header(64 << 10)
			read := 0
			testHookRescan = func(n int) { read += n }
			t.Cleanup(func() { testHookRescan = nil })
			Negotiate(h, jsonCSV)
			if size := headerSize(h); read > size {
				t.Errorf("read %d bytes again in a header of %d (%.1f times)", read, size, float64(read)/float64(size))
			}
		})
	}
}

// BenchmarkHostileAccept runs Negotiate on 1 MB headers of each shape of
// package accepttest: a hostile shape should cost at most three times a
// benign one of the same size. Compare the cpu-ns/op (or MB/s) of the
// shapes.
func BenchmarkHostileAccept(b *testing.B) {
	jsonCSV := offers("application/json", "text/csv")
	for _, s := range accepttest.Shapes {
		h := s.Header(1 << 20)
		want := -1
		if s.Malformed {
			want = 0
		}
		b.Run(s.Name, func(b *testing.B) {
			b.SetBytes(int64(headerSize(h)))
			b.ReportAllocs()
			stop := testkit.ReportCPU(b)
			for b.Loop() {
				if got := Negotiate(h, jsonCSV); got != want {
					b.Fatalf("Negotiate = %d, want %d", got, want)
				}
			}
			stop()
		})
	}
}

func headerSize(lines []string) (n int) {
	for _, l := range lines {
		n += len(l)
	}
	return n
}
