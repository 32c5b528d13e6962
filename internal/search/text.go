package search

import (
	"strings"

	"github.com/banxmedia/banx/internal/manifest"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
)

// Text is what the index holds of a version beyond its title and author,
// which the database already has: the parts only the manifest carries.
type Text struct {
	Summary string
	// Body is the body as plain text: Markdown syntax, link targets and raw
	// HTML removed, so snippets read as prose.
	Body string
	// Tags are the hashtags without '#'.
	Tags []string
	// Category is the category id (contracts/categories.json).
	Category string
}

// TextOf extracts the indexed text of a manifest.
func TextOf(m *manifest.Manifest) Text {
	return Text{Summary: m.Summary, Body: PlainText(m.Body), Tags: m.Tags, Category: m.Category}
}

var markdown = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify))

// PlainText reduces a Markdown body to the words a reader sees: text, code
// and image alt text, one line per block. Raw HTML is dropped, as the
// renderer drops it from pages.
func PlainText(md string) string {
	src := []byte(md)
	doc := markdown.Parser().Parse(text.NewReader(src))
	var b strings.Builder
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		switch n := n.(type) {
		case *ast.RawHTML, *ast.HTMLBlock:
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			if entering {
				b.Write(n.Segment.Value(src))
				if n.SoftLineBreak() || n.HardLineBreak() {
					b.WriteByte(' ')
				}
			}
		case *ast.String:
			if entering {
				b.Write(n.Value)
			}
		case *ast.AutoLink:
			if entering {
				b.Write(n.Label(src))
			}
		case *ast.CodeBlock, *ast.FencedCodeBlock:
			if entering {
				lines := n.Lines()
				for i := 0; i < lines.Len(); i++ {
					seg := lines.At(i)
					b.Write(seg.Value(src))
				}
			}
		}
		if !entering && n.Type() == ast.TypeBlock && b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
			b.WriteByte('\n')
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}
