package chart

import (
	"html/template"
	"math/big"
	"strings"
)

// Bars draws grouped bars: for each label, one bar per series, with its value
// above it. A single series gives a plain bar chart.
func Bars(c Chart) (template.HTML, error) {
	s, vals, top, band, err := start(c, "bars")
	if err != nil {
		return "", err
	}
	barW := band * 0.7 / float64(len(c.Series))
	for i, ser := range c.Series {
		colour := Palette[i%len(Palette)]
		for j, v := range vals[i] {
			x := plotLeft + band*float64(j) + band*0.15 + barW*float64(i)
			y := yOf(f64(v), top)
			s.printf(`<g class="mark"><rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s: %s %s</title></rect>`,
				num(x), num(y), num(barW), num(plotBottom-y), colour, esc(c.Labels[j]), esc(ser.Values[j]), esc(c.unitOf(ser.Values[j])))
			s.printf(`<text class="data-label" x="%s" y="%s" text-anchor="middle" fill="#16181d">%s</text></g>`, num(x+barW/2), num(y-4), esc(ser.Values[j]))
		}
	}
	if len(c.Series) > 1 {
		s.drawLegend(colours(len(c.Series)))
	}
	return s.close(), nil
}

// StackedBars draws one bar per label made of every series' value, bottom to
// top in series order, with each label's total above its bar. Series that are
// zero everywhere are left out of the legend but kept in the description.
func StackedBars(c Chart) (template.HTML, error) {
	vals, err := c.validate()
	if err != nil {
		return "", err
	}
	scale := 0
	for _, ser := range c.Series {
		for _, v := range ser.Values {
			if _, frac, ok := strings.Cut(v, "."); ok && len(frac) > scale {
				scale = len(frac)
			}
		}
	}
	totals := make([]*big.Rat, len(c.Labels))
	for j := range c.Labels {
		totals[j] = new(big.Rat)
		for i := range vals {
			totals[j].Add(totals[j], vals[i][j])
		}
	}
	var shown []int
	for i := range c.Series {
		for _, v := range vals[i] {
			if v.Sign() > 0 {
				shown = append(shown, i)
				break
			}
		}
	}
	var ns, cs []string
	for _, i := range shown {
		ns, cs = append(ns, c.Series[i].Name), append(cs, Palette[i%len(Palette)])
	}
	s := open(c, "stacked", ns)
	top := scaleTop(maxOf([][]*big.Rat{totals}))
	band := bandOf(c)
	s.axis(c, top, band)
	barW := band * 0.6
	for j := range c.Labels {
		x := plotLeft + band*float64(j) + band*0.2
		base := new(big.Rat)
		for i, ser := range c.Series {
			v := vals[i][j]
			if v.Sign() == 0 {
				continue
			}
			y0 := yOf(f64(base), top)
			base.Add(base, v)
			y1 := yOf(f64(base), top)
			s.printf(`<rect class="mark" x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s, %s: %s %s</title></rect>`,
				num(x), num(y1), num(barW), num(y0-y1), Palette[i%len(Palette)], esc(c.Labels[j]), esc(ser.Name), esc(ser.Values[j]), esc(c.unitOf(ser.Values[j])))
		}
		if totals[j].Sign() > 0 {
			s.printf(`<text class="data-label" x="%s" y="%s" text-anchor="middle" fill="#16181d">%s</text>`,
				num(x+barW/2), num(yOf(f64(totals[j]), top)-4), totals[j].FloatString(scale))
		}
	}
	s.drawLegend(cs)
	return s.close(), nil
}

// Line draws each series as a line through its points, each point labelled
// with its value.
func Line(c Chart) (template.HTML, error) {
	s, vals, top, band, err := start(c, "line")
	if err != nil {
		return "", err
	}
	for i, ser := range c.Series {
		colour := Palette[i%len(Palette)]
		pts := ""
		for j, v := range vals[i] {
			if j > 0 {
				pts += " "
			}
			pts += num(plotLeft+band*(float64(j)+0.5)) + "," + num(yOf(f64(v), top))
		}
		s.printf(`<polyline points="%s" fill="none" stroke="%s" stroke-width="2.5" stroke-linejoin="round"/>`, pts, colour)
		for j, v := range vals[i] {
			x, y := plotLeft+band*(float64(j)+0.5), yOf(f64(v), top)
			s.printf(`<g class="mark"><circle cx="%s" cy="%s" r="4" fill="%s"><title>%s: %s %s</title></circle>`, num(x), num(y), colour, esc(c.Labels[j]), esc(ser.Values[j]), esc(c.unitOf(ser.Values[j])))
			s.printf(`<text class="data-label" x="%s" y="%s" text-anchor="middle" fill="#16181d">%s</text></g>`, num(x), num(y-8), esc(ser.Values[j]))
		}
	}
	if len(c.Series) > 1 {
		s.drawLegend(colours(len(c.Series)))
	}
	return s.close(), nil
}

func bandOf(c Chart) float64 {
	n := len(c.Labels)
	if n == 0 {
		n = 1
	}
	return (plotRight - plotLeft) / float64(n)
}

func maxOf(vals [][]*big.Rat) float64 {
	m := new(big.Rat)
	for _, row := range vals {
		for _, v := range row {
			if v.Cmp(m) > 0 {
				m = v
			}
		}
	}
	return f64(m)
}

func names(c Chart) []string {
	out := make([]string, len(c.Series))
	for i, s := range c.Series {
		out[i] = s.Name
	}
	return out
}

func colours(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = Palette[i%len(Palette)]
	}
	return out
}

// start validates c and opens a grouped chart of the given kind with its axis
// drawn: the values, their scale top and the width of one label's band. A
// legend is drawn only when there is more than one series.
func start(c Chart, kind string) (s *svg, vals [][]*big.Rat, top, band float64, err error) {
	if vals, err = c.validate(); err != nil {
		return nil, nil, 0, 0, err
	}
	var legend []string
	if len(c.Series) > 1 {
		legend = names(c)
	}
	s = open(c, kind, legend)
	top = scaleTop(maxOf(vals))
	band = bandOf(c)
	s.axis(c, top, band)
	return s, vals, top, band, nil
}
