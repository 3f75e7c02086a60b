package problem

import (
	"fmt"
	"strings"
)

// The Markdown pages say what the HTML ones say. Texts of the catalog are
// plain text: characters Markdown would read as markup are escaped, line
// breaks fold into spaces as in HTML, and links take the <destination> form so no path can end them early.

func markdownIndex(d indexDoc) string {
	var b strings.Builder
	b.WriteString("# Error codes\n\n")
	b.WriteString("The API answers with standard HTTP status codes. Every error is an RFC 9457 problem detail: " +
		"a JSON object ([the error object](#error-object)) sent as " + mdInline(d.Formats) + ". " +
		"Its `type` names one of the [problem types below](#errors); each has a page saying when it is sent, " +
		"how to fix it, the members and headers it carries, and an example.\n\n")
	b.WriteString(`<a id="error-object"></a>` + "\n\n## The error object\n\nEvery problem has these members:\n\n")
	mdRows(&b, d.Members)
	b.WriteString("\nA type may add extension members, listed on its page. Ignore members you do not know: " +
		"a type may gain new ones.\n\n")
	b.WriteString(`<a id="headers"></a>` + "\n\n### Headers of every error\n\n")
	mdRows(&b, d.Headers)
	if len(d.Success) > 0 {
		b.WriteString("\n" + `<a id="success"></a>` + "\n\n## Success codes\n\n| Status code | Description |\n| --- | --- |\n")
		for _, s := range d.Success {
			fmt.Fprintf(&b, "| %d | %s |\n", s.Status, mdCell(s.Description))
		}
	}
	b.WriteString("\n" + `<a id="errors"></a>` + "\n\n## Error codes\n\n")
	if len(d.Types) == 0 {
		b.WriteString("The catalog lists no problem types.\n")
		return b.String()
	}
	b.WriteString("| Status code | Problem type | Description |\n| --- | --- | --- |\n")
	for _, t := range d.Types {
		anchor := ""
		if t.FirstOfCode {
			anchor = `<a id="` + t.Anchor() + `"></a>`
		}
		fmt.Fprintf(&b, "| %s%d | [%s](<%s>) `%s` | %s |\n", anchor, t.Status, mdCell(t.Title), t.Page, mdCode(t.URI), mdCell(t.Description))
	}
	return b.String()
}

func markdownType(t *typeDoc) string {
	var b strings.Builder
	fmt.Fprintf(&b, "[Error codes](<%s>) › [%d](<%s#%s>)\n\n", t.Index, t.Status, t.Index, t.Anchor())
	fmt.Fprintf(&b, "# %s\n\n", mdInline(t.Title))
	note := ""
	if t.External {
		note = " (defined outside this API, and documented on this page)"
	}
	fmt.Fprintf(&b, "- Status: %d %s\n- Type: `%s`%s\n- Media type: `application/problem+json`\n\n", t.Status, t.StatusText(), mdCode(t.URI), note)
	b.WriteString("## When it happens\n\n" + mdParagraph(t.Description) + "\n\n")
	if t.Fix != "" {
		b.WriteString("## How to fix it\n\n" + mdParagraph(t.Fix) + "\n\n")
	}
	b.WriteString("## Members\n\n")
	mdRows(&b, t.Rows)
	b.WriteString("\nIgnore members you do not know: a type may gain new ones.\n\n## Headers\n\n")
	if len(t.HeaderRows) > 0 {
		mdRows(&b, t.HeaderRows)
		fmt.Fprintf(&b, "\nBesides the [headers of every error](<%s#headers>).\n\n", t.Index)
	} else {
		fmt.Fprintf(&b, "None beyond the [headers of every error](<%s#headers>).\n\n", t.Index)
	}
	fence := strings.Repeat("`", max(3, longestRun(t.Response, '`')+1))
	b.WriteString("## Example\n\n" + fence + "http\n" + t.Response + "\n" + fence + "\n\n")
	fmt.Fprintf(&b, "[All error codes](<%s>)\n", t.Index)
	return b.String()
}

func longestRun(s string, c byte) int {
	longest, n := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			n++
			longest = max(longest, n)
		} else {
			n = 0
		}
	}
	return longest
}

func mdRows(b *strings.Builder, rows []schemaRow) {
	b.WriteString("| Name | Value | Description |\n| --- | --- | --- |\n")
	for _, r := range rows {
		presence := "optional"
		if r.Always {
			presence = "always"
		}
		fmt.Fprintf(b, "| `%s` (%s) | %s | %s |\n", mdCode(r.Name), presence, mdCell(r.Kind), mdCell(r.Description))
	}
}

// mdCell keeps text inside one Markdown table cell.
func mdCell(s string) string {
	return strings.ReplaceAll(mdInline(s), "|", `\|`)
}

// mdParagraph makes text one paragraph, as HTML shows it: one line, whose
// start reads as no list item.
func mdParagraph(s string) string {
	s = mdInline(s)
	digits := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	switch {
	case strings.HasPrefix(s, "-"), strings.HasPrefix(s, "+"):
		return `\` + s
	case digits > 0 && (s[digits] == '.' || s[digits] == ')'):
		return s[:digits] + `\` + s[digits:]
	}
	return s
}

// mdInline makes text one line, so that it starts no block (a rule, a
// setext heading, a code block), with its markup characters escaped.
func mdInline(s string) string { return mdText(strings.Join(strings.Fields(s), " ")) }

// mdText escapes the characters that would start Markdown markup, and "&"
// before a letter, which could start an entity reference ("&#" is escaped as "&\#").
func mdText(s string) string {
	s = mdEscaper.Replace(s)
	if !strings.Contains(s, "&") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '&' && i+1 < len(s) && (s[i+1] >= 'a' && s[i+1] <= 'z' || s[i+1] >= 'A' && s[i+1] <= 'Z') {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"<", `\<`, ">", `\>`, "#", `\#`, "~", `\~`,
)

// mdCode makes s safe inside a one-backtick code span of a table cell.
func mdCode(s string) string {
	return strings.NewReplacer("`", "'", "|", `\|`, "\n", " ").Replace(s)
}
