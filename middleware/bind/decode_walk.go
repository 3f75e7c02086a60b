package bind

import (
	"reflect"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/chiguard/chiguard/internal/jsonesc"
)

// encoding/json v1 matches an object member to a field by any case-folded
// variant of the field's name ("NAME", "Name" or "ſize" for "size"), keeps
// the last of repeated members, and merges repeated objects. A walker reads
// the body once before encoding/json does, next to the target's type, so
// that only exact names reach it: in strict mode any other member refuses
// the body, otherwise it is renamed to a name no field can have. encoding/json
// v2 matches exactly and refuses duplicates on its own, but is not there
// without GOEXPERIMENT=jsonv2.
//
// The same walker, in report mode, lists the field errors of a refused
// body with their JSON Pointers. Each pass is linear in the body's size:
// it reads every byte once, keeps no more state than the nesting needs,
// and finds a member's field by one lookup in its struct's table.

// maxJSONDepth is encoding/json's nesting limit; the walker refuses what
// encoding/json would, so that a body it lets through is one encoding/json
// reads.
const maxJSONDepth = 10000

type walker struct {
	data   []byte
	pos    int
	depth  int
	strict bool // unknown members refuse the body; else they are renamed
	report bool // list field errors, with type checks; data is known to be JSON

	bad     bool // not JSON, or nested deeper than maxJSONDepth
	lone    int  // 1 + the offset of the first escaped lone surrogate, or 0
	refused bool // an unknown (strict) or a repeated member
	deep    bool // an error deeper than maxWalkDepth is listed
	path    []pathToken
	errs    errorList

	// pathLen is the length of the path to the value being walked (map
	// keys, members, indexes); cost is what the body would cost validator
	// (see validationBudget).
	pathLen, cost int
	validated     bool // validator visits the value being walked
	dives         int  // container levels below it that validator visits
	heavy         bool // cost went over validationBudget
}

// validationBudget bounds the work a body may make validator do, in bytes of
// paths. validator spells out the path of every value it visits and of
// every error, map keys and struct names included, and lists every error:
// one long key above many values, a nesting thousands deep, or thousands of
// empty objects whose required fields are all missing would cost it the
// square of the body's size, or hundreds of times it. The walk charges each
// value validator visits (below a struct target, through struct fields and
// as far into arrays and maps as their tags "dive") the length of its path,
// and each object decoded into a struct that leaves out a field with a
// validate tag that may refuse the zero value (required, min=1, ...) that
// path again plus 128. The budget keeps validation within a small multiple
// of the body's size; bodies of small values under 36-byte keys, or of
// objects that leave out a few optional fields, stay well inside it.
func validationBudget(n int) int { return 32*n + 1<<20 }

// charge adds n to the cost of the body, and stops the walk past the budget.
func (w *walker) charge(n int) {
	if w.cost += n; w.cost > validationBudget(len(w.data)) {
		w.heavy, w.bad = true, true
	}
}

// pathToken is a reference token of the place being walked, turned into a
// string only for an error: a member name as sent (escaped tells it needs
// unquoting), or an array index.
type pathToken struct {
	name    []byte
	escaped bool
	index   int
	isIndex bool
	str     string // the token, cut (clipToken), once an error needed it
}

// text returns the token as a string, cut to maxTokenBytes. It is made
// once per place: the errors of its many members share it, so a long name
// is copied and unquoted once, not once per error.
func (t *pathToken) text() string {
	if t.str == "" {
		switch {
		case t.isIndex:
			t.str = strconv.Itoa(t.index)
		case t.escaped:
			t.str = clipToken(string(unquote(t.name)))
		default:
			t.str = clipToken(t.name)
		}
	}
	return t.str
}

// document walks data as one JSON value decoded into t; a nil t checks
// only that data is JSON.
func (w *walker) document(t reflect.Type) {
	var ti *typeInfo
	if t != nil {
		ti = infoOf(t)
	}
	w.value(ti)
	w.skipSpace()
	if w.pos < len(w.data) {
		w.bad = true
	}
}

func (w *walker) stopped() bool {
	return w.bad || (w.report && w.errs.full)
}

// value walks the value at w.pos as ti says; nil ti skips it, checking
// only its syntax.
func (w *walker) value(ti *typeInfo) {
	w.skipSpace()
	if w.pos >= len(w.data) {
		w.bad = true
		return
	}
	if w.refused && !w.report {
		ti = nil // the report pass looks again
	}
	if ti != nil && w.validated {
		if w.charge(w.pathLen); w.heavy {
			return
		}
	}
	inner := ti
	if ti != nil && ti.self {
		inner = nil // its UnmarshalJSON or UnmarshalText reads it as sent
	}
	start, c := w.pos, w.data[w.pos]
	switch c {
	case '{':
		w.object(inner)
	case '[':
		w.array(inner)
	case '"':
		w.str()
	case 't':
		w.literal("true")
	case 'f':
		w.literal("false")
	case 'n':
		w.literal("null")
		return // null leaves any Go value as it is
	default:
		w.number()
	}
	if w.report && ti != nil && !w.bad && (ti.self || (c != '{' && c != '[')) {
		if d := leafDetail(ti, w.data[start:w.pos]); d != "" {
			w.fail(d)
		}
	}
}

func (w *walker) object(ti *typeInfo) {
	w.pos++
	if w.depth++; w.depth > maxJSONDepth {
		w.bad = true
		return
	}
	kind := kindOpaque
	if ti != nil {
		switch ti.kind {
		case kindStruct, kindMap, kindAny:
			kind = ti.kind
		case kindOpaque:
		default:
			w.fail(kindDetail(ti.t))
		}
	}
	var seen fieldSet
	var names nameSet
	if kind == kindStruct && w.validated {
		defer w.chargeMissing(ti, &seen)
	}
	w.skipSpace()
	if w.peek() == '}' {
		w.pos++
		w.depth--
		return
	}
	for !w.stopped() {
		w.skipSpace()
		if w.peek() != '"' {
			w.bad = true
			return
		}
		start := w.pos
		escaped, high := w.str()
		if w.bad {
			return
		}
		end := w.pos - 1
		tok := pathToken{name: w.data[start+1 : end], escaped: escaped || (high && !utf8.Valid(w.data[start+1:end]))}
		name := tok.name
		if tok.escaped {
			name = unquote(tok.name)
		}
		w.skipSpace()
		if w.peek() != ':' {
			w.bad = true
			return
		}
		w.pos++
		switch kind {
		case kindStruct:
			w.member(ti, name, start, end, tok, &seen)
		case kindMap, kindAny:
			w.push(tok)
			if names.repeated(name) {
				w.refused = true
				w.fail(detailRepeated)
			}
			k := len(tok.name)
			if tok.escaped {
				k *= 3 // an invalid byte decodes to U+FFFD, three bytes
			}
			w.pathLen += k + 2
			v, d := w.enterContainer()
			w.entry(ti, name)
			w.validated, w.dives = v, d
			w.pathLen -= k + 2
			w.pop()
		default:
			w.value(nil)
		}
		w.skipSpace()
		switch w.peek() {
		case ',':
			w.pos++
		case '}':
			w.pos++
			w.depth--
			return
		default:
			w.bad = true
			return
		}
	}
}

// enterContainer sets the walk into an element of an array or an entry of
// an object decoded into a map or an any, which validator visits only
// along a "dive"; it returns what it changed, for the caller to restore.
func (w *walker) enterContainer() (validated bool, dives int) {
	validated, dives = w.validated, w.dives
	if w.dives > 0 {
		w.dives--
	} else {
		w.validated = false
	}
	return validated, dives
}

// chargeMissing charges an object decoded into struct ti for the fields
// with a validate tag it left out: each may be an error of validator's.
func (w *walker) chargeMissing(ti *typeInfo, seen *fieldSet) {
	missing := 0
	for _, i := range ti.must {
		if !seen.has(i) {
			missing++
		}
	}
	if missing > 0 && !w.bad {
		w.charge(missing * (w.pathLen + 128))
	}
}

// entry walks the value of member name in an object decoded into a map or
// an any.
func (w *walker) entry(ti *typeInfo, name []byte) {
	if ti.kind == kindAny {
		w.value(ti)
		return
	}
	if w.report && ti.numKeys {
		if d := numberDetail(string(name), ti.t.Key()); d != "" {
			w.fail("is a key that " + d)
			w.value(nil)
			return
		}
	}
	w.value(ti.sub(0))
}

// member walks the value of member name in an object decoded into struct
// ti; the name's quotes are at start and end.
func (w *walker) member(ti *typeInfo, name []byte, start, end int, tok pathToken, seen *fieldSet) {
	i := ti.field(name)
	if i < 0 {
		if w.strict {
			w.refused = true
			w.push(tok)
			w.fail(detailUnknown)
			w.pop()
		} else if !w.report {
			w.rename(start, end)
		}
		w.value(nil)
		return
	}
	w.push(tok)
	if seen.add(i) {
		w.refused = true
		w.fail(detailRepeated)
	}
	sub := ti.sub(i)
	pathLen, validated, dives := w.pathLen, w.validated, w.dives
	if w.validated {
		w.pathLen += len(ti.fields[i].Name) + 1
		if w.dives = int(ti.dives[i]); w.dives < 0 {
			w.validated = false
		}
	}
	w.skipSpace()
	switch c := w.peek(); {
	case !ti.fields[i].Quoted || sub.self || c == 'n':
		w.value(sub)
	case c == '"':
		vstart := w.pos
		escaped, _ := w.str()
		if escaped && !w.bad && w.lone == 0 && sub.t.Kind() == reflect.String {
			w.loneInQuoted(vstart)
		}
		if w.report && !w.bad {
			if d := quotedDetail(sub, w.data[vstart:w.pos]); d != "" {
				w.fail(d)
			}
		}
	default:
		w.fail(detailQuoted)
		w.value(nil)
	}
	w.pathLen, w.validated, w.dives = pathLen, validated, dives
	w.pop()
}

// rename overwrites the member name quoted at start and end with commas,
// which no field name can hold (encoding/json takes only letters, digits,
// spaces and punctuation other than quotes, backslash and comma), so that
// encoding/json skips the member as unknown. The body keeps its length,
// and so every offset its errors give.
func (w *walker) rename(start, end int) {
	for i := start + 1; i < end; i++ {
		w.data[i] = ','
	}
}

func (w *walker) array(ti *typeInfo) {
	w.pos++
	if w.depth++; w.depth > maxJSONDepth {
		w.bad = true
		return
	}
	var elem *typeInfo
	limit := -1
	if ti != nil {
		switch ti.kind {
		case kindList:
			elem = ti.sub(0)
			if ti.t.Kind() == reflect.Array {
				limit = ti.t.Len()
			}
		case kindAny:
			elem = ti
		case kindOpaque:
		default:
			w.fail(kindDetail(ti.t))
		}
	}
	w.skipSpace()
	if w.peek() == ']' {
		w.pos++
		w.depth--
		return
	}
	for i := 0; !w.stopped(); i++ {
		e := elem
		if limit >= 0 && i >= limit {
			e = nil // encoding/json drops the elements an array has no room for
		}
		w.push(pathToken{index: i, isIndex: true})
		w.pathLen += 8 // "[1234]."
		v, d := w.enterContainer()
		w.value(e)
		w.validated, w.dives = v, d
		w.pathLen -= 8
		w.pop()
		w.skipSpace()
		switch w.peek() {
		case ',':
			w.pos++
		case ']':
			w.pos++
			w.depth--
			return
		default:
			w.bad = true
			return
		}
	}
}

func (w *walker) push(t pathToken) {
	if w.report {
		w.path = append(w.path, t)
	}
}

func (w *walker) pop() {
	if w.report {
		w.path = w.path[:len(w.path)-1]
	}
}

// fail lists an error at the current path, in report mode. Past
// maxWalkDepth it lists only the first, at its ancestor of that depth, so
// a hostile body never makes pointers of thousands of tokens.
func (w *walker) fail(detail string) {
	if !w.report || w.errs.full {
		return
	}
	path := w.path
	if len(path) > maxWalkDepth {
		if w.deep {
			return
		}
		w.deep = true
		path, detail = path[:maxWalkDepth], "has, nested too deep to locate, a member that "+detail
	}
	tokens := make([]string, len(path))
	for i := range path {
		tokens[i] = path[i].text()
	}
	w.errs.add(detail, tokens)
}

func (w *walker) peek() byte {
	if w.pos < len(w.data) {
		return w.data[w.pos]
	}
	return 0
}

func (w *walker) skipSpace() {
	for w.pos < len(w.data) {
		switch w.data[w.pos] {
		case ' ', '\t', '\n', '\r':
			w.pos++
		default:
			return
		}
	}
}

// str reads the string at w.pos, saying whether it holds escapes or bytes
// outside ASCII.
func (w *walker) str() (escaped, high bool) {
	w.pos++
	for w.pos < len(w.data) {
		c := w.data[w.pos]
		switch {
		case c == '"':
			w.pos++
			return escaped, high
		case c == '\\':
			escaped = true
			if w.pos+1 >= len(w.data) {
				w.bad = true
				return
			}
			switch w.data[w.pos+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				w.pos += 2
			case 'u':
				r, ok := jsonesc.Rune(w.data, w.pos)
				if !ok {
					w.bad = true
					return
				}
				start := w.pos
				w.pos += 6
				if utf16.IsSurrogate(r) {
					// encoding/json decodes a half pair as U+FFFD, as it
					// does a byte that is not UTF-8 (RFC 7493 §2.1 refuses
					// both): only a high half followed by a low one is a
					// character.
					if jsonesc.Pair(w.data, start, r) {
						w.pos += 6
					} else if w.lone == 0 {
						w.lone = start + 1
					}
				}
			default:
				w.bad = true
				return
			}
		case c < 0x20:
			w.bad = true
			return
		default:
			high = high || c >= utf8.RuneSelf
			w.pos++
		}
	}
	w.bad = true
	return
}

// loneInQuoted looks for an escaped lone surrogate in the JSON string that
// a string field tagged `json:",string"` holds inside the string from
// start to w.pos: encoding/json decodes the escapes of both.
func (w *walker) loneInQuoted(start int) {
	s := w.data[start+1 : w.pos-1]
	inner := walker{data: unquote(s)}
	if inner.peek() != '"' {
		return
	}
	if inner.str(); inner.lone > 0 {
		w.lone = start + 1 + quotedOffset(s, inner.lone-1) + 1
	}
}

// quotedOffset returns the offset in s, the inside of a JSON string with
// no lone surrogate escaped, of what unquotes to byte k of unquote(s).
func quotedOffset(s []byte, k int) int {
	i := 0
	for n := 0; n < k && i < len(s); {
		switch {
		case s[i] == '\\' && s[i+1] == 'u':
			r, _ := jsonesc.Rune(s, i)
			i += 6
			if utf16.IsSurrogate(r) { // a pair
				low, _ := jsonesc.Rune(s, i)
				r = utf16.DecodeRune(r, low)
				i += 6
			}
			n += utf8.RuneLen(r)
		case s[i] == '\\':
			n++
			i += 2
		default:
			n++
			i++
		}
	}
	return i
}

func (w *walker) literal(lit string) {
	if len(w.data)-w.pos < len(lit) || string(w.data[w.pos:w.pos+len(lit)]) != lit {
		w.bad = true
		return
	}
	w.pos += len(lit)
}

// number reads a number as RFC 8259 §6 spells it.
func (w *walker) number() {
	if w.peek() == '-' {
		w.pos++
	}
	switch c := w.peek(); {
	case c == '0':
		w.pos++
	case c >= '1' && c <= '9':
		w.digits()
	default:
		w.bad = true
		return
	}
	if w.peek() == '.' {
		w.pos++
		if !w.digits() {
			w.bad = true
			return
		}
	}
	if c := w.peek(); c == 'e' || c == 'E' {
		w.pos++
		if c := w.peek(); c == '+' || c == '-' {
			w.pos++
		}
		if !w.digits() {
			w.bad = true
		}
	}
}

func (w *walker) digits() bool {
	start := w.pos
	for w.pos < len(w.data) && w.data[w.pos] >= '0' && w.data[w.pos] <= '9' {
		w.pos++
	}
	return w.pos > start
}

// unquote decodes s, the inside of a well-formed JSON string, the way
// encoding/json does: invalid UTF-8 and lone surrogates become U+FFFD.
func unquote(s []byte) []byte {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == '\\' && s[i+1] == 'u':
			r, _ := jsonesc.Rune(s, i)
			i += 6
			if utf16.IsSurrogate(r) {
				next, ok := jsonesc.Rune(s, i)
				if !ok {
					next = -1
				}
				if r = utf16.DecodeRune(r, next); r != utf8.RuneError {
					i += 6
				}
			}
			b = utf8.AppendRune(b, r)
		case c == '\\':
			b = append(b, unescaped[s[i+1]])
			i += 2
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, size := utf8.DecodeRune(s[i:])
			b = utf8.AppendRune(b, r)
			i += size
		}
	}
	return b
}

// unescaped maps the character after a backslash to what it stands for.
var unescaped = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// fieldSet records which fields of a struct an object has set.
type fieldSet struct {
	small uint64
	more  []bool
}

// has reports whether field i was recorded.
func (s *fieldSet) has(i int) bool {
	if i < 64 {
		return s.small&(1<<i) != 0
	}
	return i-64 < len(s.more) && s.more[i-64]
}

// add records field i and reports whether it was already there.
func (s *fieldSet) add(i int) bool {
	if i < 64 {
		had := s.small&(1<<i) != 0
		s.small |= 1 << i
		return had
	}
	if i-64 >= len(s.more) {
		s.more = append(s.more, make([]bool, i-64+1-len(s.more))...)
	}
	had := s.more[i-64]
	s.more[i-64] = true
	return had
}

// nameSet records the member names of a map or any object; most objects
// have one member, which needs no map.
type nameSet struct {
	first []byte
	has   bool
	rest  map[string]struct{}
}

// repeated records name and reports whether it was already there.
func (s *nameSet) repeated(name []byte) bool {
	if !s.has {
		s.first, s.has = name, true
		return false
	}
	if s.rest == nil {
		s.rest = map[string]struct{}{string(s.first): {}}
	}
	if _, ok := s.rest[string(name)]; ok {
		return true
	}
	s.rest[string(name)] = struct{}{}
	return false
}
