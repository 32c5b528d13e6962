package xrpl

// WithLinesPageSize makes AccountLines ask for small pages, so tests can exercise
// marker paging without hundreds of trust lines.
func WithLinesPageSize(n int) Option { return func(o *options) { o.linesPageSize = n } }

// FastSign exposes the fast signing path, so tests can compare it with xrpl-go's.
var FastSign = fastSign
