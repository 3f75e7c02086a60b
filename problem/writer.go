package problem

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chiguard/chiguard/internal/accept"
	"github.com/chiguard/chiguard/internal/contentenc"
	"github.com/chiguard/chiguard/internal/describe"
	"github.com/chiguard/chiguard/internal/reqstate"
	chimw "github.com/go-chi/chi/v5/middleware"
)

// Writer renders problems as RFC 9457 responses. Every chiguard middleware
// writes its refusals through one, so a setting made here holds for every
// error the API sends. Set the fields before first use; a Writer is safe for
// concurrent use and its zero value is ready.
type Writer struct {
	// Catalog resolves type slugs and titles. Nil means DefaultCatalog.
	Catalog *Catalog
	// Logger receives every 5xx with its cause and request ID at error
	// level, and 4xx and deliberate 5xx at debug level. Nil means slog.Default().
	Logger *slog.Logger
	// Alert, if set, is called for every 5xx but deliberate ones (see
	// Problem.Deliberate), off the request's goroutine. Alerts of one kind
	// (status, type, and the cause's AlertKey or text) within AlertInterval
	// are folded into one; at most MaxAlerts are sent per AlertInterval
	// over all kinds; and alerts are dropped (and logged) while
	// MaxAlertsInFlight hooks are running. DefaultTypes promise no alert:
	// an API that sets one says so in its catalog (Catalog.Replace). On
	// shutdown, Wait lets the hooks running finish.
	Alert func(context.Context, Alert)
	// AlertInterval is the deduplication window. Zero means one minute.
	AlertInterval time.Duration
	// MaxAlerts is the budget of alerts per AlertInterval, over all kinds.
	// Zero means 10.
	MaxAlerts int
	// MaxAlertsInFlight bounds concurrent Alert calls. Zero means 4.
	MaxAlertsInFlight int
	// Development adds the internal cause of 5xx problems to the body as a
	// "cause" member. Never enable it in production.
	Development bool
	// XML enables application/problem+xml (RFC 9457 Appendix B) for
	// clients that prefer it.
	XML bool
	// RequestID returns the request's ID for logs, alerts and "instance".
	// Nil means the ID chi's (or chiguard's) RequestID middleware stored.
	RequestID func(*http.Request) string
	// Instance returns the "instance" member of a problem that has none.
	// Nil means the request ID percent-encoded as one relative path
	// segment, '/' and ':' included, so that a client's ID never names
	// another host, a scheme or another path; an ID of "." or ".." gives
	// no member. Return "" to omit the member.
	Instance func(r *http.Request, requestID string) string

	alertsOnce sync.Once
	alerts     *alerter
	now        func() time.Time // the clock of alerts; nil means time.Now
}

// DefaultWriter is the documented default that Write uses for requests
// without a writer installed by Writer.Handler. Configure it at start-up
// or, to keep configuration local, install your own Writer with Handler.
var DefaultWriter = &Writer{}

// Handler makes pw the writer that Write, and so every chiguard
// middleware after it, uses for this request. Install it first: it also
// watches the request body, so that a refusal sent before the body was
// read closes the connection rather than wait for the rest of the body,
// and one sent after keeps the connection open.
//
// A panic that reaches Handler shows that no Recoverer runs after it: the
// panic is logged with that fix, then goes on up the chain, to a Recoverer
// installed before Handler (which answers it without this writer's catalog
// and alert hook) or to net/http.
func (pw *Writer) Handler(next http.Handler) http.Handler {
	return describe.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer pw.misplacedRecoverer(r)
		// The request's shared state (internal/reqstate) is the context
		// value that selects the writer: the middlewares after this one
		// store into it rather than copy the request again.
		var selected any = pw
		var b *watchedBody
		if hasBody(r) {
			b = &watchedBody{ReadCloser: r.Body, pw: pw, since: time.Now()}
			selected = b
		}
		_, r2 := reqstate.NewRequest(r, selected)
		if b != nil {
			r2.Body = b // on the copy: the server keeps its own reference
		}
		next.ServeHTTP(w, r2)
	}), pw.describe)
}

// misplacedRecoverer, deferred by Handler, logs a panic passing through.
func (pw *Writer) misplacedRecoverer(r *http.Request) {
	v := recover()
	if v == nil {
		return
	}
	if v != http.ErrAbortHandler {
		pw.logger().LogAttrs(r.Context(), slog.LevelError,
			"problem: a panic reached the problem writer's Handler: install middleware.Recoverer after it, "+
				"so that panics are answered and alerted through this writer",
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("panic", v))
	}
	panic(v)
}

// WriterFrom returns the writer installed in ctx, or DefaultWriter.
func WriterFrom(ctx context.Context) *Writer {
	switch v := writerValue(ctx).(type) {
	case *Writer:
		return v
	case *watchedBody:
		return v.pw
	}
	return DefaultWriter
}

// writerValue returns what Handler stored: a *Writer or a *watchedBody.
func writerValue(ctx context.Context) any {
	return reqstate.Lookup(ctx, reqstate.Writer)
}

// Write renders p as the response to r with the request's writer (see
// WriterFrom). A nil p is a 500.
func Write(w http.ResponseWriter, r *http.Request, p *Problem) {
	WriterFrom(r.Context()).Write(w, r, p)
}

// abandoned reports the fields that describe a representation a problem
// replaces, or frame it, and go with it: a Transfer-Encoding copied from
// an upstream answer ("gzip, chunked") made the problem unreadable, and
// "identity" closed the connection after it. (Not Content-Encoding: a
// compressing wrapper may have set it for the bytes it is about to encode,
// ours included.) "ETag" is the spelling a direct map assignment keeps,
// beside Set's "Etag".
func abandoned(k string) bool {
	switch k {
	case "Content-Length", "Transfer-Encoding", "Content-Range", "Content-Disposition", "Content-Language",
		"Content-Location", "Content-Digest", "Repr-Digest", "Etag", "ETag", "Last-Modified":
		return true
	}
	return strings.HasPrefix(k, http.TrailerPrefix) // a trailer's value, set for the body replaced
}

// dropReplaced deletes from h the fields abandoned reports and the values
// of the trailers h declares (contentenc.DropTrailers), in one pass over
// h: a few fields, where deleting each abandoned name hashed eleven.
func dropReplaced(h http.Header) {
	for k := range h {
		if abandoned(k) {
			delete(h, k)
		}
	}
	if lines, ok := h["Trailer"]; ok {
		contentenc.DropDeclaredTrailers(h, lines)
	}
}

// Media types a problem can be sent as. The header values are shared
// slices of capacity one: Header.Add copies them before appending.
var (
	hdrProblemJSON = []string{"application/problem+json"}
	hdrJSON        = []string{"application/json"}
	hdrProblemXML  = []string{"application/problem+xml"}
	hdrXML         = []string{"application/xml"}
	hdrNoStore     = []string{"no-store"}
	hdrClose       = []string{"close"}

	jsonOffers   = accept.ProblemTypes[:2]
	allOffers    = accept.ProblemTypes
	offerHeaders = [][]string{hdrProblemJSON, hdrJSON, hdrProblemXML, hdrXML} // as accept.ProblemTypes
)

// resolved is a problem with every member the writer derives filled in.
type resolved struct {
	detail          string
	cause           error
	status          int
	head            []byte // the catalog's rendering of type, title and status, if it fits
	typeBase, typeS string // the type URI is typeBase+typeS
	title           string
	instance        string
	idInstance      bool // instance is the request ID, encoded as it is appended
	requestID       string
	unregistered    bool // p.Type is a slug the catalog does not hold
}

func (pw *Writer) resolve(r *http.Request, p *Problem, res *resolved) {
	cat := pw.Catalog
	if cat == nil {
		cat = DefaultCatalog
	}
	*res = resolved{detail: p.Detail, cause: p.cause, status: p.Status, typeS: p.Type, title: p.Title}
	s := cat.load()
	var def *Type // the default type of p's constructor, if p still names it
	if p.def > 0 && p.Type == defaultTypes[p.def-1].Slug {
		def = &defaultTypes[p.def-1]
	}
	i, ok := -1, false
	switch {
	case def != nil:
		i = s.byDefault[p.def-1]
		ok = i >= 0
		res.unregistered = !ok
	case p.Type == "":
		i, ok = s.byStatus[validStatus(p.Status)]
	case isSlug(p.Type):
		i, ok = s.bySlug[p.Type]
		res.typeBase = cat.Base()
		res.unregistered = !ok
	default:
		i, ok = s.byURI[p.Type]
	}
	if ok {
		t, head := s.at(i)
		if res.status == 0 || res.status == t.Status {
			res.status = t.Status
			if res.title == "" {
				res.head = head
			}
		}
		if t.URI != "" {
			res.typeBase, res.typeS = "", t.URI
		} else {
			res.typeBase, res.typeS = cat.Base(), t.Slug
		}
		if res.title == "" {
			res.title = t.Title
		}
	} else if def != nil {
		// A catalog without the constructor's type: keep what the
		// defaults say of it.
		if def.URI != "" {
			res.typeBase, res.typeS = "", def.URI
		} else {
			res.typeBase = cat.Base()
		}
		if res.title == "" {
			res.title = def.Title
		}
	}
	res.status = validStatus(res.status)
	if res.typeS == "" {
		res.typeS = "about:blank"
	}
	if res.title == "" {
		res.title = http.StatusText(res.status)
	}
	if pw.RequestID != nil {
		res.requestID = pw.RequestID(r)
	} else {
		res.requestID = chimw.GetReqID(r.Context())
	}
	res.instance = p.Instance
	if res.instance == "" {
		if pw.Instance != nil {
			res.instance = pw.Instance(r, res.requestID)
		} else if res.requestID != "" && !isDotSegment(res.requestID) {
			res.instance, res.idInstance = res.requestID, true
		}
	}
}

// validStatus keeps the body's status equal to the HTTP status: anything
// but a 4xx or 5xx is a programming error, answered as a 500.
func validStatus(s int) int {
	if s < 400 || s > 599 {
		return http.StatusInternalServerError
	}
	return s
}

// Write renders p as the response to r: it negotiates the format, sets
// Content-Type, Vary, Cache-Control and p's headers, writes the status and
// (except for HEAD) the body, then logs and alerts. The fields of the
// representation it replaces (Content-Length, Transfer-Encoding, ETag,
// Content-Language...) and trailer values set before it, which are about
// a body not sent, are dropped. If the response has already started, it writes nothing and
// logs instead. On HTTP/1 it adds "Connection: close" when the request
// body may be unread (see Handler), so that the answer is not held back
// until it is.
func (pw *Writer) Write(w http.ResponseWriter, r *http.Request, p *Problem) {
	pw.write(w, r, p, -1)
}

// WriteAs is Write for a caller that has already read the request's Accept
// header, as middleware.Negotiate has when it refuses one: p is sent as
// mediaType, without reading Accept again. mediaType is one the writer
// sends, written as Write would write it in Content-Type:
// application/problem+json, application/json and, with XML,
// application/problem+xml and application/xml. Any other is ignored, and
// the format negotiated as by Write.
func (pw *Writer) WriteAs(w http.ResponseWriter, r *http.Request, p *Problem, mediaType string) {
	offer := -1
	for i, h := range offerHeaders[:len(pw.offers())] {
		if h[0] == mediaType {
			offer = i
		}
	}
	pw.write(w, r, p, offer)
}

// write is Write with the index of the media type in offerHeaders, or -1 to
// negotiate it.
func (pw *Writer) write(w http.ResponseWriter, r *http.Request, p *Problem, offer int) {
	if p == nil {
		p = &Problem{}
	}
	var res resolved
	pw.resolve(r, p, &res)
	started, _, below := reqstate.StatusOf(w)
	if started {
		level := slog.LevelError
		if p.deliberate {
			level = slog.LevelDebug // the server's choice, as a canceled request: no fault to alert
		}
		if l := pw.logger(); l.Enabled(r.Context(), level) {
			l.LogAttrs(r.Context(), level, "problem: response already started, problem not sent", pw.attrs(r, &res)...)
		}
		if !p.deliberate {
			pw.alert(r, &res)
		}
		return
	}
	if below != nil {
		// A wrapper above recorded a status that one below held back: it
		// would swallow ours as superfluous, so the problem goes below it.
		w = below
	}
	if offer < 0 {
		offer = pw.negotiate(r)
	}
	// The body is rendered before anything is committed: a member that
	// panics as it renders, a bug of the code that built the problem,
	// leaves the response as it was, for Recoverer to answer.
	var body *[]byte
	if r.Method != http.MethodHead {
		body = pw.render(r, p, &res, offer)
	}
	h := w.Header()
	if len(h) != 0 {
		dropReplaced(h)
	}
	for _, f := range p.header {
		h[f.key] = f.values[:len(f.values):len(f.values)] // an Add to the response must not write into p
	}
	h["Content-Type"] = offerHeaders[offer]
	h["Cache-Control"] = hdrNoStore
	if bodyUnread(r) {
		h["Connection"] = hdrClose
		// After the response, net/http still drains up to 256 KiB of the
		// body before closing: against a client that stalls, that holds
		// the connection's goroutine until ReadTimeout. Nothing reads the
		// body of a refused request, so end those reads at once.
		endReads(w, time.Now())
		cutBodyShort(w)
	}
	accept.Vary(h)
	w.WriteHeader(res.status)
	if body != nil {
		w.Write(*body)
		putBuffer(body)
	}
	if res.unregistered {
		// A mistake in the code, not the request: its type URI documents
		// nothing, and without a Status the answer is a 500.
		pw.logger().LogAttrs(r.Context(), slog.LevelError,
			"problem: type "+strconv.Quote(p.Type)+" is not in the writer's catalog: register it with Catalog.Register, "+
				"so that its status, title and documentation are known", pw.attrs(r, &res)...)
	}
	if res.status >= 500 && !p.deliberate {
		pw.logger().LogAttrs(r.Context(), slog.LevelError, "problem", pw.attrs(r, &res)...)
		pw.alert(r, &res)
	} else if l := pw.logger(); l.Enabled(r.Context(), slog.LevelDebug) {
		l.LogAttrs(r.Context(), slog.LevelDebug, "problem", pw.attrs(r, &res)...)
	}
}

// render returns the body of p as the media type of offerHeaders[offer],
// in a buffer to put back once written.
func (pw *Writer) render(r *http.Request, p *Problem, res *resolved, offer int) *[]byte {
	buf := getBuffer()
	*buf = pw.appendJSON((*buf)[:0], r, p, res)
	if offer < 2 {
		return buf
	}
	x := getBuffer()
	*x = jsonToXML((*x)[:0], *buf)
	putBuffer(buf)
	return x
}

func (pw *Writer) negotiate(r *http.Request) int {
	a := r.Header["Accept"]
	if len(a) == 0 {
		return 0
	}
	if i := accept.Negotiate(a, pw.offers()); i > 0 {
		return i
	}
	return 0 // an error is never an empty 406: problem+json is always allowed
}

// offers returns the media types pw sends, in its order of preference.
func (pw *Writer) offers() []accept.MediaType {
	if pw.XML {
		return allOffers
	}
	return jsonOffers
}

func (pw *Writer) appendJSON(b []byte, r *http.Request, p *Problem, res *resolved) []byte {
	if res.head != nil {
		b = append(b, res.head...)
	} else {
		b = appendHead(b, res.typeBase, res.typeS, res.title, res.status)
	}
	if p.Detail != "" {
		b = append(b, `,"detail":`...)
		b = appendQuoted(b, p.Detail)
	}
	if res.idInstance {
		b = append(b, `,"instance":"`...)
		b = appendPercentEncoded(b, res.instance, segmentSafe) // nothing left to escape for JSON
		b = append(b, '"')
	} else if res.instance != "" {
		b = append(b, `,"instance":`...)
		b = appendQuoted(b, res.instance)
	}
	for _, m := range p.ext {
		if m.name == "" {
			break
		}
		b = pw.appendMember(b, r, p, m)
	}
	for _, m := range p.more {
		b = pw.appendMember(b, r, p, m)
	}
	if pw.Development && p.cause != nil && res.status >= 500 {
		b = append(b, `,"cause":`...)
		b = appendQuoted(b, p.cause.Error())
	}
	return append(b, '}')
}

// appendMember appends m, or logs why it cannot.
func (pw *Writer) appendMember(b []byte, r *http.Request, p *Problem, m member) []byte {
	mark := len(b)
	b = append(b, ',', '"')
	b = append(b, m.name...) // names are checked: nothing to escape
	b = append(b, '"', ':')
	var err error
	if _, ok := m.value.(fieldErrors); ok {
		b = appendFieldErrors(b, p.errs)
	} else if b, err = appendValue(b, m.value); err != nil {
		b = b[:mark]
		pw.logger().LogAttrs(r.Context(), slog.LevelError, "problem: extension member not rendered",
			slog.String("member", m.name), slog.Any("error", err))
	}
	return b
}

// appendHead appends the start of a body: type (base+typ), title and status.
func appendHead(b []byte, base, typ, title string, status int) []byte {
	b = append(b, `{"type":"`...)
	b = appendEscaped(b, base)
	b = appendEscaped(b, typ)
	b = append(b, `","title":`...)
	b = appendQuoted(b, title)
	b = append(b, `,"status":`...)
	return appendStatus(b, status)
}

func appendStatus(b []byte, s int) []byte {
	return append(b, byte('0'+s/100), byte('0'+s/10%10), byte('0'+s%10))
}

func (pw *Writer) logger() *slog.Logger {
	if pw.Logger != nil {
		return pw.Logger
	}
	return slog.Default()
}

func (pw *Writer) attrs(r *http.Request, res *resolved) []slog.Attr {
	a := []slog.Attr{
		slog.Int("status", res.status),
		slog.String("type", res.typeBase+res.typeS),
		slog.String("detail", res.detail),
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
	}
	if res.requestID != "" {
		a = append(a, slog.String("request_id", res.requestID))
	}
	if res.cause != nil {
		a = append(a, slog.Any("error", res.cause))
	}
	return a
}

// percentEncode escapes the bytes of s that safe rejects as %XX; s itself
// is returned, without allocating, when none needs it.
func percentEncode(s string, safe func(byte) bool) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if !safe(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	return string(appendPercentEncoded(make([]byte, 0, len(s)+2*n), s, safe))
}

func appendPercentEncoded(b []byte, s string, safe func(byte) bool) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		if c := s[i]; safe(c) {
			b = append(b, c)
		} else {
			b = append(b, '%', hex[c>>4], hex[c&15])
		}
	}
	return b
}

// segmentSafe reports the bytes a request ID keeps as they are in
// "instance": RFC 3986 unreserved characters, sub-delims and '@'. Not '/',
// so that the ID stays one segment, nor ':', so that it never reads as a
// scheme; nor '&', the one left that JSON would escape.
func segmentSafe(c byte) bool {
	return c != '/' && c != ':' && c != '?' && c != '&' && fragmentSafe(c)
}

// isDotSegment reports the segments that mean "this" or "parent" path
// (RFC 3986 §5.2.4). Percent-encoding their dots would not help: "%2E" is
// the same URI as ".", and browsers resolve it as a dot segment.
func isDotSegment(s string) bool { return s == "." || s == ".." }

var buffers = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

func getBuffer() *[]byte { return buffers.Get().(*[]byte) }

func putBuffer(b *[]byte) {
	if cap(*b) <= 64<<10 { // do not pin the memory of a huge body
		buffers.Put(b)
	}
}
