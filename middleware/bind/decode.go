package bind

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"

	"github.com/chiguard/chiguard/problem"
)

// DefaultMaxBodyBytes is the body size JSONDecoder accepts unless told
// otherwise: 1 MiB.
const DefaultMaxBodyBytes = 1 << 20

// JSONDecoder reads a JSON request body into a Go value and validates it,
// answering every way the body can be wrong with one problem:
//
//   - 415 when Content-Type is not JSON (one field line of
//     application/json or any application/*+json, UTF-8 if a charset is
//     given, with at most 8 parameters) or the body has a Content-Encoding
//     (on any of its lines), with an Accept header saying what is accepted;
//   - 413 when the body is larger than MaxBytes, whatever Content-Length
//     says;
//   - 400 for an empty body; for a syntax error or data after the JSON
//     value, saying where (byte offset, line and column); and for field
//     errors, all listed in the problem's "errors" with the JSON Pointer of
//     each field: a value of the wrong type, a member the target does not
//     have (unless AllowUnknownFields), a member repeated in its object,
//     and a failed `validate` struct tag, such as a missing required field;
//     at most 100 are listed, and fewer when their pointers pass 8 KiB (a
//     pointer's tokens longer than 128 bytes are cut and end with "…");
//   - 400 for a body that would cost validator far more than its size:
//     validator spells out the path of every value and every error, map
//     keys included, and lists every error, so one long key above many
//     values, a nesting thousands deep or thousands of empty objects whose
//     required fields are missing would cost it the square of the body's
//     size or hundreds of times it. The paths of the values validator
//     visits, counted once per value, and again for each left-out field
//     with a tag that refuses the zero value, may add up to 32 times the
//     body's size and 1 MiB.
//
// A member sets a field only when its name is the field's JSON name
// exactly, as the API's contract spells it (the json tag's name, else the
// Go name): "NAME", "Name" or "ſize" are unknown members, where
// encoding/json on its own would store them into "name" or "size". Escapes
// count as what they stand for ("n\u0061me" is "name"). Keys of objects
// decoded into maps are data, taken as sent. A member name may appear only
// once in each object decoded into a struct, a map or an any: which
// of two values would count is a guess that parsers make differently
// (encoding/json keeps the last, and merges repeated objects), so the
// repeat is a field error, even with AllowUnknownFields. Values of types
// with their own UnmarshalJSON or UnmarshalText are handed to them as
// sent. These checks read the body once before it is decoded, in time
// linear in its size.
//
// Constraints are declared with go-playground/validator/v10 struct tags:
// they sit next to the json tags they constrain, are the ecosystem's common
// vocabulary (required, min, max, oneof, email...), and every failure names
// its field, which maps onto a JSON Pointer. For what tags cannot say
// (rules across fields, lookups), the target may also have a Validate()
// error method, called once the tags pass; a *problem.Problem it returns
// is sent as is, any other error becomes a 400 whose detail is its text.
//
// The zero value is ready to use; set fields before first use. A
// JSONDecoder is safe for concurrent use.
type JSONDecoder struct {
	// MaxBytes bounds the body; zero means DefaultMaxBodyBytes.
	MaxBytes int64
	// AllowUnknownFields accepts and ignores object members the target
	// struct does not have, case variants of its fields' names included. By
	// default they are field errors, so typos do not go unseen.
	AllowUnknownFields bool
	// Validator checks the `validate` struct tags. Nil means a shared
	// validator.New(validator.WithRequiredStructEnabled()).
	Validator *validator.Validate
}

// DecodeJSON decodes the request body into v, a non-nil pointer, with the
// zero JSONDecoder's settings: 1 MiB, unknown fields refused, `validate`
// tags checked. The error, if any, is a *problem.Problem: return it from a
// problem.HandlerFunc or write it with problem.Write.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	var d JSONDecoder
	return d.Decode(w, r, v)
}

var defaultValidator = sync.OnceValue(func() *validator.Validate {
	return validator.New(validator.WithRequiredStructEnabled())
})

// Validatable is implemented by decoding targets with rules their struct
// tags cannot express.
type Validatable interface {
	Validate() error
}

// The problems Decode returns are built on each call: a caller may change
// the one it gets, and that must not reach another request's answer.

func unsupportedJSON() *problem.Problem {
	return problem.UnsupportedMediaType("The request body must be JSON, sent with Content-Type: application/json.").
		WithHeader("Accept", "application/json").With("acceptable", []string{"application/json"})
}

func encodedJSON() *problem.Problem {
	return problem.UnsupportedMediaType("The request body must not have a Content-Encoding.").
		WithHeader("Accept-Encoding", "identity")
}

func emptyBody() *problem.Problem {
	return problem.BadRequest("The request body is empty: send a JSON value.")
}

func heavyNames() *problem.Problem {
	return problem.BadRequest("The request body costs too much to check for its size: " +
		"it has too many values under long member names, nests too deep, or leaves out required fields in too many objects.")
}

// Decode decodes the request body into v, a non-nil pointer. The error, if
// any, is a *problem.Problem (see JSONDecoder for which), new on every call:
// the caller may change it.
func (d *JSONDecoder) Decode(w http.ResponseWriter, r *http.Request, v any) error {
	limit := d.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" && r.ContentLength == 0 {
		return emptyBody()
	}
	if len(r.Header.Values("Content-Type")) > 1 || !isJSONContentType(ct) {
		return unsupportedJSON() // two lines are one list of types (RFC 9110 §5.3), never JSON
	}
	if !identityEncoded(r.Header.Values("Content-Encoding")) {
		return encodedJSON()
	}
	if r.ContentLength > limit {
		return tooLarge(limit)
	}
	data, err := readBody(w, r, limit)
	if err != nil {
		return err
	}
	return d.decode(data, v)
}

// decode does the work of Decode once the body is read; data is its own,
// and may be changed.
func (d *JSONDecoder) decode(data []byte, v any) error {
	if len(bytes.TrimLeft(data, " \t\r\n")) == 0 {
		return emptyBody()
	}
	if i := invalidUTF8(data); i >= 0 {
		return syntaxProblem(data, int64(i)+1, "a byte that is not UTF-8")
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return problem.InternalServerError("").WithCause(&json.InvalidUnmarshalError{Type: reflect.TypeOf(v)})
	}
	strict := !d.AllowUnknownFields
	t := targetType(rv)
	w := walker{data: data, strict: strict, validated: derefType(t).Kind() == reflect.Struct}
	w.document(t)
	switch {
	case w.heavy:
		return heavyNames()
	case w.bad:
		return notJSON(data, w.pos)
	case w.lone > 0:
		return syntaxProblem(data, int64(w.lone), "an escaped lone surrogate, half of a UTF-16 pair and no character")
	case w.refused:
		return fieldProblem(data, t, nil, strict)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		return fieldProblem(data, t, err, strict)
	}
	return d.validate(v)
}

// targetType is the type encoding/json decodes into through rv, a non-nil
// pointer: like encoding/json, it looks into a non-nil interface that
// holds a non-nil pointer.
func targetType(rv reflect.Value) reflect.Type {
	for {
		switch rv.Kind() {
		case reflect.Pointer:
			if rv.IsNil() {
				return rv.Type()
			}
		case reflect.Interface:
			if rv.IsNil() || rv.Elem().Kind() != reflect.Pointer || rv.Elem().IsNil() {
				return rv.Type()
			}
		default:
			return rv.Type()
		}
		rv = rv.Elem()
	}
}

// invalidUTF8 is the offset of the first byte of data that is not UTF-8,
// or -1. JSON is UTF-8 (RFC 8259 §8.1); encoding/json would decode each
// such byte as U+FFFD, so that two values the client told apart, two
// names say, would arrive as one.
func invalidUTF8(data []byte) int {
	if utf8.Valid(data) {
		return -1
	}
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}

// notJSON is the 400 for a body the walker found not to be JSON, at
// offset pos or before; encoding/json says where and why, in its words.
func notJSON(data []byte, pos int) *problem.Problem {
	dec := json.NewDecoder(bytes.NewReader(data))
	var raw json.RawMessage
	err := dec.Decode(&raw)
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &syn):
		return syntaxProblem(data, syn.Offset, syn.Error())
	case errors.Is(err, io.ErrUnexpectedEOF):
		return syntaxProblem(data, int64(len(data))+1, "unexpected end of JSON input")
	case err == nil:
		if i := skipJSONSpace(data, dec.InputOffset()); i < len(data) {
			return syntaxProblem(data, int64(i)+1, "unexpected data after the JSON value")
		}
	}
	return syntaxProblem(data, int64(pos)+1, "invalid character")
}

func (d *JSONDecoder) validate(v any) error {
	vd := d.Validator
	if vd == nil {
		vd = defaultValidator()
	}
	v = innermostPointer(v)
	if errs := validateTags(vd, v); len(errs.errs) > 0 {
		return errs.problem()
	}
	if val, ok := v.(Validatable); ok {
		if err := val.Validate(); err != nil {
			if p, ok := errors.AsType[*problem.Problem](err); ok && p != nil {
				return p
			}
			return problem.BadRequest(err.Error())
		}
	}
	return nil
}

// innermostPointer follows v, a pointer, through pointers to pointers, so
// that decoding into &p where p is a *T validates the T: validator and the
// Validatable check look through one pointer only.
func innermostPointer(v any) any {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() && rv.Elem().Kind() == reflect.Pointer && !rv.Elem().IsNil() {
		rv = rv.Elem()
	}
	if !rv.IsValid() {
		return v
	}
	return rv.Interface()
}

// isJSONContentType accepts application/json and application/*+json, with
// no charset or UTF-8 (RFC 8259 §8.1), and at most maxContentTypeParams
// parameters.
func isJSONContentType(ct string) bool {
	if strings.Count(ct, ";") > maxContentTypeParams {
		return false
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	if mt != "application/json" && !(strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")) {
		return false
	}
	cs, ok := params["charset"]
	return !ok || strings.EqualFold(cs, "utf-8") || strings.EqualFold(cs, "utf8")
}

// identityEncoded reports whether every Content-Encoding line is empty or
// identity: a proxy may read any of them, so one gzip among them is
// enough to refuse.
func identityEncoded(lines []string) bool {
	for _, ce := range lines {
		if ce != "" && !strings.EqualFold(ce, "identity") {
			return false
		}
	}
	return true
}

// maxContentTypeParams bounds the parameters of a JSON body's Content-Type,
// counted as its ';' before it is parsed. A JSON media type has a charset
// at most, and mime.ParseMediaType spends a map entry and lower-cased copies
// on each parameter: a header of many cost some twenty times a benign one
// of its size, and allocated twenty times its size.
const maxContentTypeParams = 8

func tooLarge(limit int64) *problem.Problem {
	return problem.ContentTooLarge("The request body is larger than " + strconv.FormatInt(limit, 10) + " bytes.")
}

// maxBodyPrealloc bounds the room readBody sets aside before any byte of
// a body arrives, whatever its Content-Length claims; past it, the room
// grows with what arrives. A client that claims a megabyte and then
// stalls, on each of many connections, would otherwise hold a megabyte
// of the server's memory on each until the server's ReadTimeout.
const maxBodyPrealloc = 16 << 10

// minBodyRoom is the room a body of unknown length starts with: nothing
// says it is large, and most such bodies, chunked on HTTP/1.1 or sent
// without content-length on HTTP/2, are small.
const minBodyRoom = 512

// readBody reads at most limit bytes of the body; more is a 413 even when
// Content-Length claimed less. MaxBytesReader also tells net/http to close
// the connection rather than read the rest.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	body := http.MaxBytesReader(w, r.Body, limit)
	buf := make([]byte, 0, bodyRoom(r.ContentLength, limit, 0))
	for {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), bodyRoom(r.ContentLength, limit, len(buf)))
			copy(grown, buf)
			buf = grown
		}
		n, err := body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		var mbe *http.MaxBytesError
		switch {
		case err == io.EOF:
			return buf, nil
		case errors.As(err, &mbe):
			return nil, tooLarge(limit)
		case err != nil:
			return nil, problem.BadRequest("The request body could not be read.").WithCause(err)
		}
	}
}

// bodyRoom is the capacity for a body of Content-Length cl (-1 unknown),
// read up to limit, once have bytes of it arrived: maxBodyPrealloc
// (minBodyRoom for an unknown length), or four times what arrived, which
// keeps the memory a body holds in step with its size; and no more than
// cl claims, or the limit, and one byte to see the end, so that a body
// that arrives in full is read into one allocation.
func bodyRoom(cl, limit int64, have int) int {
	floor := int64(maxBodyPrealloc)
	if cl < 0 {
		floor = minBodyRoom
	}
	c := max(floor, 4*int64(have))
	if cl >= int64(have) && c >= cl {
		c = cl + 1
	}
	if c >= limit {
		c = limit + 1 // room for the limit alone would grow again for its last byte
	}
	return int(max(c, int64(have)+1))
}

func skipJSONSpace(data []byte, i int64) int {
	for i < int64(len(data)) {
		switch data[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return int(i)
		}
	}
	return len(data)
}

// syntaxProblem is the 400 for a body that is not JSON. offset is the
// 1-based position of the offending byte, as json.SyntaxError's Offset
// counts it; len(data)+1 when the body ends too soon.
func syntaxProblem(data []byte, offset int64, msg string) *problem.Problem {
	line, col := position(data, offset)
	msg = strings.TrimPrefix(msg, "json: ")
	return problem.BadRequest("The request body is not valid JSON: "+msg+
		", at line "+strconv.Itoa(line)+", column "+strconv.Itoa(col)+
		" (byte "+strconv.FormatInt(offset, 10)+").").
		With("line", line).With("column", col).With("offset", offset)
}

// position returns the 1-based line and column (in characters) of the
// offset-th byte of data; past the end, the place right after it.
func position(data []byte, offset int64) (line, col int) {
	offset = max(1, min(offset, int64(len(data))+1))
	before := data[:offset-1]
	line = 1 + bytes.Count(before, []byte{'\n'})
	lineStart := bytes.LastIndexByte(before, '\n') + 1
	return line, 1 + utf8.RuneCount(before[lineStart:])
}

const detailRequired = "is required"
