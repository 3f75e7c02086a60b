package problem

import "html/template"

// The HTML pages: standalone documents, readable on a phone (tables turn
// into one card per row on narrow screens), with every link an absolute
// path under the index.

const htmlHead = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{block "title" .}}{{end}}</title>
<style>
body{font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#fff;max-width:58rem;margin:0 auto;padding:1rem 1rem 3rem}
nav{font-size:.9rem;margin:.5rem 0 1rem}
h1{font-size:1.75rem;line-height:1.25;margin:.5rem 0 1rem}
h2{font-size:1.3rem;margin:2rem 0 .75rem;padding-bottom:.3rem;border-bottom:1px solid #d0d7de}
h3{font-size:1.05rem;margin:1.5rem 0 .5rem}
a{color:#0969da}
code{font:.875em ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#eff1f3;padding:.1em .35em;border-radius:4px;overflow-wrap:anywhere}
pre{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:.8rem 1rem;line-height:1.45;white-space:pre-wrap;overflow-wrap:anywhere}
pre code{background:none;padding:0;font-size:.82rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
th,td{border:1px solid #d0d7de;padding:.45rem .65rem;text-align:left;vertical-align:top}
th{background:#f6f8fa;font-weight:600}
tr:target{background:#fff8c5}
td.status{white-space:nowrap;font-weight:600}
td.name{white-space:nowrap}
td.name code{overflow-wrap:normal}
td.nested code{color:#57606a}
th.status{width:4.5rem}
th.type{width:34%}
.note{display:block;font-size:.9rem;color:#57606a}
.tag{display:inline-block;font-size:.75rem;line-height:1.4;padding:0 .4em;border-radius:1em;border:1px solid #d0d7de;color:#57606a;margin-left:.3em;white-space:nowrap}
.tag.always{border-color:#1a7f37;color:#1a7f37}
.type-uri{display:block;margin-top:.2rem;font-size:.85rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;margin:0 0 1rem}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0;min-width:0}
@media (max-width:40rem){
body{padding:.75rem .75rem 2rem}
h1{font-size:1.4rem}
table,tbody,tr,td{display:block;width:auto}
thead{display:none}
tr{border:1px solid #d0d7de;border-radius:6px;margin:0 0 .75rem;padding:.35rem .65rem}
td{border:none;padding:.2rem 0}
td.name{white-space:normal}
td[data-label]::before{content:attr(data-label) ": ";font-weight:600;color:#57606a}
dl.facts{grid-template-columns:1fr;gap:0}
dl.facts dd{margin-bottom:.5rem}
}
</style>
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
