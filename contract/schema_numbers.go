package contract

import (
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// jsonNumber is the grammar of a JSON number (RFC 8259 §6), which a
// json.Number sent as a string must follow.
const jsonNumber = `^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`

// maxFloat32 is the least magnitude strconv.ParseFloat rounds past the
// largest float32, and refuses: 2^128 - 2^103. maxFloat64 is the largest
// float64 as Go spells it; the few longer spellings that ParseFloat
// rounds down to it, but exceed it, are refused.
const (
	maxFloat32 = json.Number("340282356779733661637539395458142568448")
	maxFloat64 = json.Number("1.7976931348623157e308")
)

// intRange is the range of the integer type t.
func intRange(t reflect.Type) (lo, hi int64) {
	return math.MinInt64 >> (64 - t.Bits()), math.MaxInt64 >> (64 - t.Bits())
}

// integerPattern is a regexp, without anchors, of the decimal strings
// strconv.ParseInt or ParseUint reads into a value of the integer type t
// (leading zeros allowed, a "+" too where sign is true); map keys and
// `json:",string"` values are read so. The exact range of a 64-bit type
// would take a regexp of a kilobyte: its pattern bounds the digits only.
func integerPattern(t reflect.Type, sign bool) string {
	unsigned := t.Kind() >= reflect.Uint && t.Kind() <= reflect.Uintptr
	plus, signs := "", "-?"
	if sign {
		plus, signs = `\+?`, "[-+]?"
	}
	switch {
	case unsigned && t.Bits() == 64:
		return "0*[0-9]{1,20}"
	case unsigned:
		return "0*" + upTo(strconv.FormatUint(uint64(math.MaxUint64)>>(64-t.Bits()), 10))
	case t.Bits() == 64:
		return signs + "0*[0-9]{1,19}"
	}
	lo, hi := intRange(t)
	return "(" + plus + "0*" + upTo(strconv.FormatInt(hi, 10)) + "|-0*" + upTo(strings.TrimPrefix(strconv.FormatInt(lo, 10), "-")) + ")"
}

// upTo is a regexp, without anchors, of the decimal numbers from 0 to n,
// with no leading zeros.
func upTo(n string) string {
	if len(n) == 1 {
		return "[0-" + n + "]"
	}
	digits := func(k int) string {
		switch k {
		case 0:
			return ""
		case 1:
			return "[0-9]"
		}
		return "[0-9]{" + strconv.Itoa(k) + "}"
	}
	alts := []string{"[0-9]"}
	if len(n) > 2 {
		alts = append(alts, "[1-9][0-9]{1,"+strconv.Itoa(len(n)-2)+"}")
	}
	for i := range len(n) {
		lo, hi := byte('0'), n[i]-1
		if i == 0 {
			lo = '1'
		}
		switch {
		case hi < lo:
			continue
		case hi == lo:
			alts = append(alts, n[:i]+string(lo)+digits(len(n)-i-1))
		default:
			alts = append(alts, n[:i]+"["+string(lo)+"-"+string(hi)+"]"+digits(len(n)-i-1))
		}
	}
	return "(" + strings.Join(append(alts, n), "|") + ")"
}

// number is the value of a JSON number in a schema.
func number(v any) float64 {
	switch n := v.(type) {
	case int:
		return float64(n)
	case int64:
		return float64(n)
	case uint64:
		return float64(n)
	case float64:
		return n
	case json.Number:
		f, _ := n.Float64()
		return f
	}
	return 0
}

func intOf(v any) int {
	n, _ := v.(int)
	return n
}
