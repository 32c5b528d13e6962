// Package web holds Banx's templates and static assets. They are embedded into the
// binary so the site works offline, with no CDN and no third-party script.
package web

import "embed"

// FS is the embedded tree: templates/ and static/.
//
//go:embed static
var FS embed.FS
