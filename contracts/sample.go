package contracts

import _ "embed"

// SampleArticleMarkdown is the article page Banx grows from, as a Markdown file
// with manifest front matter (the golden vector testdata/manifest/seed.md). A
// fresh development stack publishes it so that `make run` opens on a real
// article; its cover CID is a placeholder that the publisher replaces.
//
//go:embed testdata/manifest/seed.md
var SampleArticleMarkdown []byte
