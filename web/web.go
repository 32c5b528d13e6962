// Package web holds Banx's templates and static assets. They are embedded into the
// binary so the site works offline, with no CDN and no third-party script.
package web

import "embed"

// FS is the embedded tree: templates/ (html/template files, one per page plus
// layout.html) and static/ (CSS, JS and images, served under content-hashed
// names by internal/http).
//
//go:embed static templates
var FS embed.FS
