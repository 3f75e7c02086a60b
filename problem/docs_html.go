package problem

import (
	"html/template"

	"github.com/chiguard/chiguard/internal/docstyle"
)

// The HTML pages: standalone documents, readable on a phone (tables turn
// into one card per row on narrow screens), with every link an absolute
// path under the index.

const htmlHead = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{block "title" .}}{{end}}</title>
` + docstyle.Style + `
</head><body>
`

const htmlRows = `{{define "rows"}}<table>
<thead><tr><th>Name</th><th>Value</th><th>Description</th></tr></thead>
<tbody>
{{range .}}<tr><td data-label="Name" class="name{{if .Nested}} nested{{end}}"><code>{{.Name}}</code>{{if .Always}}<span class="tag always">always</span>{{else}}<span class="tag">optional</span>{{end}}</td><td data-label="Value">{{.Kind}}</td><td data-label="Description">{{.Description}}</td></tr>
{{end}}</tbody></table>{{end}}`

var htmlIndex = template.Must(template.New("index").Parse(htmlHead + `{{define "title"}}Error codes{{end}}<h1>Error codes</h1>
<p>The API answers with standard HTTP status codes. Every error is an RFC 9457 problem detail:
a JSON object (<a href="#error-object">the error object</a>) sent as {{.Formats}}. Its <code>type</code>
names one of the <a href="#errors">problem types below</a>; each has a page saying when it is sent,
how to fix it, the members and headers it carries, and an example.</p>

<h2 id="error-object">The error object</h2>
<p>Every problem has these members:</p>
{{template "rows" .Members}}
<p>A type may add extension members, listed on its page. Ignore members you do not know: a type may
gain new ones.</p>
<h3 id="headers">Headers of every error</h3>
{{template "rows" .Headers}}
{{if .Success}}
<h2 id="success">Success codes</h2>
<table>
<thead><tr><th>Status</th><th>Description</th></tr></thead>
<tbody>
{{range .Success}}<tr><td class="status" data-label="Status">{{.Status}}</td><td data-label="Description">{{.Description}}</td></tr>
{{end}}</tbody></table>
{{end}}
<h2 id="errors">Error codes</h2>
{{if .Types}}<table>
<thead><tr><th class="status">Status</th><th class="type">Problem type</th><th>Description</th></tr></thead>
<tbody>
{{range .Types}}<tr{{if .FirstOfCode}} id="{{.Anchor}}"{{end}}><td class="status" data-label="Status"><a href="#{{.Anchor}}">{{.Status}}</a></td><td data-label="Type"><a href="{{.Page}}">{{.Title}}</a><code class="type-uri">{{.URI}}</code></td><td data-label="Description">{{.Description}}</td></tr>
{{end}}</tbody></table>
{{else}}<p>The catalog lists no problem types.</p>
{{end}}</body></html>
` + htmlRows))

var htmlType = template.Must(template.New("type").Parse(htmlHead + `{{define "title"}}{{.Status}} {{.Title}}{{end}}<nav><a href="{{.Index}}">Error codes</a> › <a href="{{.Index}}#{{.Anchor}}">{{.Status}}</a></nav>
<h1>{{.Title}}</h1>
<dl class="facts">
<dt>Status</dt><dd>{{.Status}} {{.StatusText}}</dd>
<dt>Type</dt><dd><code>{{.URI}}</code>{{if .External}}<span class="note">Defined outside this API, and documented on this page.</span>{{end}}</dd>
<dt>Media type</dt><dd><code>application/problem+json</code></dd>
</dl>

<h2 id="when">When it happens</h2>
<p>{{.Description}}</p>
{{if .Fix}}
<h2 id="fix">How to fix it</h2>
<p>{{.Fix}}</p>
{{end}}
<h2 id="members">Members</h2>
{{template "rows" .Rows}}
<p>Ignore members you do not know: a type may gain new ones.</p>

<h2 id="headers">Headers</h2>
{{if .HeaderRows}}{{template "rows" .HeaderRows}}
<p>Besides the <a href="{{.Index}}#headers">headers of every error</a>.</p>
{{else}}<p>None beyond the <a href="{{.Index}}#headers">headers of every error</a>.</p>
{{end}}
<h2 id="example">Example</h2>
<pre><code>{{.Response}}</code></pre>

<p><a href="{{.Index}}">All error codes</a></p>
</body></html>
` + htmlRows))
