// Package docstyle is the look of chiguard's HTML docs pages, the catalog's
// and the routes page alike: readable on a phone, where tables turn into
// one card per row.
package docstyle

// Style is the pages' <style> element.
const Style = `<style>
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
.nowrap{white-space:nowrap}
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
</style>`
