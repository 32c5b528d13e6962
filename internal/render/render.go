// Package render turns an article's Markdown body into HTML that is safe to
// put on a Banx page. The body is written by an untrusted author, so the HTML
// goldmark produces is passed through a bluemonday allow-list: no script, no
// event handler, no style, no javascript: or data: URL ever reaches a reader.
// It is pure: no I/O.
package render

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
)

// Renderer renders article bodies. It is safe for concurrent use.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

// New returns a Renderer with GitHub-flavoured Markdown (tables,
// strikethrough, autolinks) and raw HTML disabled at both ends: goldmark
// omits it, and the sanitizer would drop it anyway.
func New() *Renderer {
	p := bluemonday.UGCPolicy()
	p.AllowURLSchemes("https", "http", "mailto")
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(true)
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(false)
	return &Renderer{md: goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify)), policy: p}
}

// Body renders a Markdown body. images is the set of CIDs the manifest lists
// in media: an ![alt](ipfs://CID) whose CID is in it is served from Banx's
// own /ipfs/ gateway, and any other image is dropped (contracts/manifest.md:
// no image may skip the AI disclosure, and pages load no third-party image).
// Headings move down one level, since the page's title is the only h1.
func (r *Renderer) Body(markdown string, images map[string]bool) (template.HTML, error) {
	src := []byte(markdown)
	doc := r.md.Parser().Parse(text.NewReader(src))
	var drop []ast.Node
	err := ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			n.Level = min(n.Level+1, 6)
		case *ast.Image:
			cid, ok := strings.CutPrefix(string(n.Destination), "ipfs://")
			if !ok || !images[cid] {
				drop = append(drop, n)
				return ast.WalkSkipChildren, nil
			}
			n.Destination = []byte("/ipfs/" + cid)
		case *ast.Link:
			if cid, ok := strings.CutPrefix(string(n.Destination), "ipfs://"); ok {
				n.Destination = []byte("/ipfs/" + cid)
			}
		}
		return ast.WalkContinue, nil
	})
	if err != nil {
		return "", fmt.Errorf("walk markdown: %w", err)
	}
	for _, n := range drop {
		n.Parent().RemoveChild(n.Parent(), n)
	}
	var buf bytes.Buffer
	if err := r.md.Renderer().Render(&buf, src, doc); err != nil {
		return "", fmt.Errorf("render markdown: %w", err)
	}
	return template.HTML(r.policy.SanitizeBytes(buf.Bytes())), nil
}
