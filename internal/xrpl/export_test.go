package xrpl

// WithLinesPageSize makes AccountLines ask for small pages, so tests can exercise
// marker paging without hundreds of trust lines.
func WithLinesPageSize(n int) Option { return func(o *options) { o.linesPageSize = n } }
