// Package chart draws small server-rendered SVG charts (bars, stacked bars,
// lines) for Banx's dashboards. Pages stay script-free and work under a strict
// Content-Security-Policy: the SVG uses presentation attributes, never style
// attributes or script. Every chart is an image with a title, a description
// that lists its data (the text alternative), and data labels on the marks.
//
// Values are exact decimal strings (view counts, BXE amounts): labels print
// them as given, and only pixel geometry is computed in floating point.
package chart

import (
	"fmt"
	"html/template"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode"
)

// Series is one named row of values, one per label of the chart.
type Series struct {
	Name string
	// Values are non-negative decimals ("12", "2500.5"), aligned with Chart.Labels.
	Values []string
}

// Chart is what every chart kind draws.
type Chart struct {
	// ID is unique in the page; the title and description ids derive from it.
	ID string
	// Title names the chart; Desc says what it shows. The data is appended to
	// Desc by the renderer, so a screen reader hears every value.
	Title, Desc string
	// Unit follows values in the description ("views", "BXE"); UnitOne, when
	// set, follows a value of exactly 1 ("1 beacon", not "1 beacons").
	Unit, UnitOne string
	// Labels name the categories along the x axis (days, epochs).
	Labels []string
	Series []Series
}

// Geometry of the drawing, in viewBox units. The SVG scales to its container.
const (
	width        = 480.0
	plotLeft     = 50.0
	plotRight    = 468.0
	plotTop      = 20.0
	plotBottom   = 200.0
	axisGap      = 18.0 // from the plot's bottom to the x labels' baseline
	legendRow    = 20.0
	legendSwatch = 16.0 // the colour square and the space after it
	legendGap    = 18.0 // between one legend item and the next
	labelGap     = 8.0  // the least space between two x labels
	fontSize     = 15
)

// Palette colours series in order; they keep 3:1 contrast against white
// (WCAG 1.4.11) and differ in lightness, so they read in greyscale too.
var Palette = []string{"#0b4fb3", "#c2410c", "#6d28d9", "#0f766e", "#a16207", "#be123c", "#4d7c0f", "#1e40af", "#7c2d12", "#374151"}

// validate checks the shape of c and parses its values.
func (c Chart) validate() ([][]*big.Rat, error) {
	if c.ID == "" || strings.ContainsAny(c.ID, " \"'<>&") {
		return nil, fmt.Errorf("chart: id %q must be non-empty without spaces or markup", c.ID)
	}
	if c.Title == "" {
		return nil, fmt.Errorf("chart %s: a title is required", c.ID)
	}
	if len(c.Series) == 0 {
		return nil, fmt.Errorf("chart %s: no series", c.ID)
	}
	vals := make([][]*big.Rat, len(c.Series))
	for i, s := range c.Series {
		if len(s.Values) != len(c.Labels) {
			return nil, fmt.Errorf("chart %s: series %q has %d values for %d labels", c.ID, s.Name, len(s.Values), len(c.Labels))
		}
		vals[i] = make([]*big.Rat, len(s.Values))
		for j, v := range s.Values {
			r, ok := new(big.Rat).SetString(v)
			if !ok || r.Sign() < 0 || strings.ContainsAny(v, "/eE") {
				return nil, fmt.Errorf("chart %s: series %q value %d is %q, not a non-negative decimal", c.ID, s.Name, j, v)
			}
			vals[i][j] = r
		}
	}
	return vals, nil
}

// Int formats a count as a chart value.
func Int(n int64) string { return strconv.FormatInt(n, 10) }

// svg accumulates the markup of one chart.
type svg struct {
	b      strings.Builder
	height float64
	legend []legendItem
}

// legendItem is one legend entry placed by layoutLegend.
type legendItem struct {
	name string
	x, y float64
}

// TextWidth estimates the width of s drawn at the chart's font size, in
// viewBox units. The server has no font metrics, so it errs wide: narrow
// glyphs count a third of an em, capitals and wide letters four fifths, CJK
// and emoji a full em, everything else 0.62 em. Layout uses it to keep labels
// apart, and tests use it to check that they are.
func TextWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case strings.ContainsRune("il.,:;'|!ıjtf ()[]", r):
			w += 0.34
		case r >= 0x2E80:
			w += 1.0
		case strings.ContainsRune("MWmw@%", r) || unicode.IsUpper(r):
			w += 0.8
		default:
			w += 0.62
		}
	}
	return w * fontSize
}

// fitText shortens s with an ellipsis until it is at most max wide.
func fitText(s string, max float64) string {
	if TextWidth(s) <= max {
		return s
	}
	rs := []rune(s)
	for len(rs) > 1 && TextWidth(string(rs)+"…") > max {
		rs = rs[:len(rs)-1]
	}
	return strings.TrimSpace(string(rs)) + "…"
}

// layoutLegend places the legend's items left to right under the plot, each
// as wide as its measured text, wrapping to a new row when the next one would
// pass the plot's right edge; a name too long for a whole row is shortened.
// It returns the items and the number of rows.
func layoutLegend(names []string) ([]legendItem, int) {
	if len(names) == 0 {
		return nil, 0
	}
	full := plotRight - plotLeft
	out := make([]legendItem, len(names))
	x, row := plotLeft, 0
	for i, n := range names {
		n = fitText(n, full-legendSwatch)
		w := legendSwatch + TextWidth(n)
		if x > plotLeft && x+w > plotRight {
			x, row = plotLeft, row+1
		}
		out[i] = legendItem{name: n, x: x, y: plotBottom + axisGap + 10 + legendRow*float64(row) + 4}
		x += w + legendGap
	}
	return out, row + 1
}

func (s *svg) printf(format string, args ...any) { fmt.Fprintf(&s.b, format, args...) }

// open writes the root element, title and description. The description lists
// every value, so the chart's data is available without seeing it.
func open(c Chart, kind string, legend []string) *svg {
	s := &svg{height: plotBottom + axisGap + 10}
	var rows int
	s.legend, rows = layoutLegend(legend)
	s.height += legendRow * float64(rows)
	s.printf(`<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-%s" id="%s" viewBox="0 0 %s %s" width="%s" height="%s" role="img" aria-labelledby="%s-title %s-desc" font-family="system-ui, sans-serif" font-size="%d">`,
		kind, c.ID, num(width), num(s.height), num(width), num(s.height), c.ID, c.ID, fontSize)
	s.printf(`<title id="%s-title">%s</title>`, c.ID, esc(c.Title))
	s.printf(`<desc id="%s-desc">%s</desc>`, c.ID, esc(describe(c)))
	return s
}

// describe is the text alternative: the description, then each label's values.
func describe(c Chart) string {
	var b strings.Builder
	b.WriteString(c.Desc)
	if len(c.Labels) == 0 {
		if b.Len() > 0 {
			b.WriteString(" ")
		}
		b.WriteString("No data yet.")
		return b.String()
	}
	for j, l := range c.Labels {
		if b.Len() > 0 {
			b.WriteString(" ")
		}
		b.WriteString(l + ":")
		n := 0
		for _, s := range c.Series {
			// With several series, zeros are left out: a screen reader hears
			// what is there, not a list of nothing.
			if len(c.Series) > 1 && isZero(s.Values[j]) {
				continue
			}
			if n > 0 {
				b.WriteString(",")
			}
			n++
			if len(c.Series) > 1 || s.Name != "" {
				b.WriteString(" " + s.Name)
			}
			b.WriteString(" " + s.Values[j])
			if u := c.unitOf(s.Values[j]); u != "" {
				b.WriteString(" " + u)
			}
		}
		if n == 0 {
			b.WriteString(" none")
		}
		b.WriteString(".")
	}
	return b.String()
}

// unitOf is the unit that follows v, singular for exactly one.
func (c Chart) unitOf(v string) string {
	if c.UnitOne != "" && v == "1" {
		return c.UnitOne
	}
	return c.Unit
}

func isZero(v string) bool { return strings.Trim(v, "0.") == "" }

func (s *svg) close() template.HTML {
	s.printf(`</svg>`)
	return template.HTML(s.b.String())
}

// axis draws the y grid with tick labels up to top, and the x labels, thinned
// to every k-th so that the widest one, centred on its band, keeps labelGap
// clear of the next one shown.
func (s *svg) axis(c Chart, top float64, band float64) {
	for i := 0; i <= 4; i++ {
		v := top * float64(i) / 4
		y := yOf(v, top)
		s.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#d9dde4" stroke-width="1"/>`, num(plotLeft), num(y), num(plotRight), num(y))
		s.printf(`<text x="%s" y="%s" text-anchor="end" fill="#4a5160" aria-hidden="true">%s</text>`, num(plotLeft-4), num(y+4), tick(v))
	}
	widest := 0.0
	for _, l := range c.Labels {
		widest = max(widest, TextWidth(l))
	}
	every := max(1, int(math.Ceil((widest+labelGap)/band)))
	for j, l := range c.Labels {
		if j%every != 0 {
			continue
		}
		x := plotLeft + band*(float64(j)+0.5)
		s.printf(`<text x="%s" y="%s" text-anchor="middle" fill="#16181d" aria-hidden="true">%s</text>`, num(x), num(plotBottom+axisGap), esc(l))
	}
}

// legend draws the items layoutLegend placed when the chart was opened, in
// the given colours.
func (s *svg) drawLegend(colours []string) {
	for i, it := range s.legend {
		s.printf(`<g class="legend-item"><rect x="%s" y="%s" width="12" height="12" fill="%s"/><text x="%s" y="%s" fill="#16181d">%s</text></g>`,
			num(it.x), num(it.y), colours[i], num(it.x+legendSwatch), num(it.y+11), esc(it.name))
	}
}

// scaleTop is the axis maximum: max rounded up to 1, 2, 4 or 8 times a power
// of ten, so its quarters (the grid lines) fall on readable values.
func scaleTop(max float64) float64 {
	if max <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(max)))
	for _, m := range []float64{1, 2, 4, 8, 10} {
		if m*p >= max {
			return m * p
		}
	}
	return 10 * p
}

func yOf(v, top float64) float64 { return plotBottom - (plotBottom-plotTop)*v/top }

func f64(r *big.Rat) float64 { f, _ := r.Float64(); return f }

// num prints a coordinate with at most two decimals, so golden files are stable.
func num(f float64) string { return strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64) }

// tick prints an axis value: whole numbers plainly, small ones with decimals.
func tick(v float64) string {
	if v >= 1e6 {
		return strconv.FormatFloat(v/1e6, 'f', -1, 64) + "M"
	}
	if v >= 1e4 {
		return strconv.FormatFloat(v/1e3, 'f', -1, 64) + "k"
	}
	return strconv.FormatFloat(math.Round(v*1000)/1000, 'f', -1, 64)
}

func esc(s string) string { return template.HTMLEscapeString(s) }
