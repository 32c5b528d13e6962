package chart_test

import (
	"encoding/xml"
	"flag"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/banxmedia/banx/internal/chart"
)

var update = flag.Bool("update", false, "rewrite the golden SVG files in testdata")

// views is a week of counted and filtered views, as the operator dashboard draws it.
func views() chart.Chart {
	return chart.Chart{ID: "views", Title: "Counted and filtered views per day", Desc: "Beacons recorded per UTC day by reason.", Unit: "views",
		Labels: []string{"11-20", "11-21", "11-22", "11-23"},
		Series: []chart.Series{
			{Name: "counted", Values: []string{"12", "30", "0", "7"}},
			{Name: "bot", Values: []string{"3", "0", "0", "1"}},
			{Name: "early", Values: []string{"0", "0", "0", "0"}},
			{Name: "replayed", Values: []string{"1", "2", "0", "0"}},
		}}
}

func earnings() chart.Chart {
	return chart.Chart{ID: "earned", Title: "BXE earned per epoch", Desc: "Amounts planned for the author.", Unit: "BXE",
		Labels: []string{"E3", "E4", "E5"},
		Series: []chart.Series{{Name: "earned", Values: []string{"2500.5", "0", "12000"}}}}
}

// svgDoc is what the structure checks read back from the markup.
type svgDoc struct {
	XMLName xml.Name `xml:"svg"`
	Role    string   `xml:"role,attr"`
	Labels  string   `xml:"aria-labelledby,attr"`
	ViewBox string   `xml:"viewBox,attr"`
	Title   struct {
		ID   string `xml:"id,attr"`
		Text string `xml:",chardata"`
	} `xml:"title"`
	Desc struct {
		ID   string `xml:"id,attr"`
		Text string `xml:",chardata"`
	} `xml:"desc"`
	Rects     []mark  `xml:"rect"`
	Groups    []group `xml:"g"`
	Texts     []text  `xml:"text"`
	Polylines []struct {
		Points string `xml:"points,attr"`
	} `xml:"polyline"`
}

type mark struct {
	Class string `xml:"class,attr"`
	Fill  string `xml:"fill,attr"`
	Title string `xml:"title"`
}

type text struct {
	Class string `xml:"class,attr"`
	Text  string `xml:",chardata"`
}

type group struct {
	Class  string `xml:"class,attr"`
	Rect   *mark  `xml:"rect"`
	Circle *mark  `xml:"circle"`
	Text   text   `xml:"text"`
}

func parse(t *testing.T, h template.HTML) svgDoc {
	t.Helper()
	var d svgDoc
	if err := xml.Unmarshal([]byte(h), &d); err != nil {
		t.Fatalf("the chart is not well-formed XML: %v\n%s", err, h)
	}
	if d.Role != "img" || d.Labels != d.Title.ID+" "+d.Desc.ID || d.Title.Text == "" || d.ViewBox == "" {
		t.Fatalf("accessibility: role %q, aria-labelledby %q, title %q (%s), desc id %s", d.Role, d.Labels, d.Title.Text, d.Title.ID, d.Desc.ID)
	}
	if strings.Contains(string(h), "style=") || strings.Contains(string(h), "<script") {
		t.Fatal("the chart carries a style attribute or script, which the page CSP forbids")
	}
	return d
}

func golden(t *testing.T, name string, h template.HTML) {
	t.Helper()
	path := filepath.Join("testdata", name+".svg")
	if *update {
		if err := os.WriteFile(path, []byte(h+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != string(h)+"\n" {
		t.Errorf("%s differs from %s (run go test -update after checking the change)\ngot:\n%s", name, path, h)
	}
}

func TestStackedBars(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		h, err := chart.StackedBars(views())
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "stacked", h)
		d := parse(t, h)
		var marks int
		for _, r := range d.Rects {
			if r.Class == "mark" {
				marks++
			}
		}
		if marks != 7 {
			t.Errorf("%d stacked segments, want one per non-zero value (7)", marks)
		}
		var labels []string
		for _, tx := range d.Texts {
			if tx.Class == "data-label" {
				labels = append(labels, tx.Text)
			}
		}
		if strings.Join(labels, ",") != "16,32,8" {
			t.Errorf("total labels = %q, want 16,32,8 (the empty day has none)", labels)
		}
		for _, want := range []string{"11-20: counted 12 views, bot 3 views, replayed 1 views.", "11-22: none.", "11-23: counted 7 views, bot 1 views."} {
			if !strings.Contains(d.Desc.Text, want) {
				t.Errorf("description %q lacks %q", d.Desc.Text, want)
			}
		}
		if !strings.Contains(string(h), ">counted</text>") || strings.Contains(string(h), ">early</text>") {
			t.Error("the legend should name the series with data and leave out all-zero ones")
		}
	})
	t.Run("OKDecimalTotals", func(t *testing.T) {
		h, err := chart.StackedBars(chart.Chart{ID: "d", Title: "t", Labels: []string{"a"},
			Series: []chart.Series{{Name: "x", Values: []string{"0.1"}}, {Name: "y", Values: []string{"0.25"}}}})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(h), `class="data-label"`) || !strings.Contains(string(h), ">0.35</text>") {
			t.Errorf("total of 0.1 and 0.25 should read 0.35 exactly:\n%s", h)
		}
	})
}

func TestBars(t *testing.T) {
	h, err := chart.Bars(earnings())
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "bars", h)
	d := parse(t, h)
	var got []string
	for _, g := range d.Groups {
		if g.Class == "mark" && g.Rect != nil {
			got = append(got, g.Text.Text+"|"+g.Rect.Title)
		}
	}
	if strings.Join(got, ",") != "2500.5|E3: 2500.5 BXE,0|E4: 0 BXE,12000|E5: 12000 BXE" {
		t.Errorf("bars = %q", got)
	}
}

func TestLine(t *testing.T) {
	c := earnings()
	c.ID = "line"
	h, err := chart.Line(c)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "line", h)
	d := parse(t, h)
	if len(d.Polylines) != 1 || strings.Count(d.Polylines[0].Points, ",") != 3 {
		t.Errorf("polyline points = %q, want 3 points", d.Polylines)
	}
	var pts int
	for _, g := range d.Groups {
		if g.Circle != nil && g.Text.Class == "data-label" {
			pts++
		}
	}
	if pts != 3 {
		t.Errorf("%d labelled points, want 3", pts)
	}
}

func TestEmpty(t *testing.T) {
	h, err := chart.StackedBars(chart.Chart{ID: "empty", Title: "Views", Series: []chart.Series{{Name: "counted"}}})
	if err != nil {
		t.Fatal(err)
	}
	if d := parse(t, h); !strings.Contains(d.Desc.Text, "No data yet.") {
		t.Errorf("description of an empty chart = %q", d.Desc.Text)
	}
}

func TestInvalid(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    chart.Chart
		want string
	}{
		{"ErrNoID", chart.Chart{Title: "t", Series: []chart.Series{{}}}, "id"},
		{"ErrMarkupID", chart.Chart{ID: `a"b`, Title: "t", Series: []chart.Series{{}}}, "id"},
		{"ErrNoTitle", chart.Chart{ID: "a", Series: []chart.Series{{}}}, "title"},
		{"ErrNoSeries", chart.Chart{ID: "a", Title: "t"}, "no series"},
		{"ErrLength", chart.Chart{ID: "a", Title: "t", Labels: []string{"x", "y"}, Series: []chart.Series{{Name: "s", Values: []string{"1"}}}}, "1 values for 2 labels"},
		{"ErrNegative", chart.Chart{ID: "a", Title: "t", Labels: []string{"x"}, Series: []chart.Series{{Name: "s", Values: []string{"-1"}}}}, "non-negative decimal"},
		{"ErrFraction", chart.Chart{ID: "a", Title: "t", Labels: []string{"x"}, Series: []chart.Series{{Name: "s", Values: []string{"1/3"}}}}, "non-negative decimal"},
		{"ErrExponent", chart.Chart{ID: "a", Title: "t", Labels: []string{"x"}, Series: []chart.Series{{Name: "s", Values: []string{"1e9"}}}}, "non-negative decimal"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, draw := range []func(chart.Chart) (template.HTML, error){chart.Bars, chart.StackedBars, chart.Line} {
				if _, err := draw(tc.c); err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("err = %v, want it to say %q", err, tc.want)
				}
			}
		})
	}
}

func TestEscapes(t *testing.T) {
	h, err := chart.Bars(chart.Chart{ID: "x", Title: `<script>alert(1)</script>`, Desc: `"&`, Labels: []string{"<b>"},
		Series: []chart.Series{{Name: "<i>", Values: []string{"1"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(h), "<script>") || strings.Contains(string(h), "<b>") {
		t.Fatalf("markup in labels reached the SVG: %s", h)
	}
	parse(t, h)
}

// box is a text's extent along the x axis in viewBox units.
type box struct {
	text, anchor string
	x, y, w      float64
}

func (b box) left() float64 {
	if b.anchor == "middle" {
		return b.x - b.w/2
	}
	return b.x
}

func (b box) right() float64 { return b.left() + b.w }

// textBoxes reads every text element's position and estimated width.
func textBoxes(t *testing.T, h template.HTML) []box {
	t.Helper()
	var out []box
	dec := xml.NewDecoder(strings.NewReader(string(h)))
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "text" {
			continue
		}
		var b box
		for _, a := range se.Attr {
			switch a.Name.Local {
			case "x":
				b.x, _ = strconv.ParseFloat(a.Value, 64)
			case "y":
				b.y, _ = strconv.ParseFloat(a.Value, 64)
			case "text-anchor":
				b.anchor = a.Value
			}
		}
		var inner string
		if err := dec.DecodeElement(&inner, &se); err != nil {
			t.Fatal(err)
		}
		b.text, b.w = inner, chart.TextWidth(inner)
		out = append(out, b)
	}
	return out
}

// TestLabelsApart draws the dashboard's worst case, twelve seven-character
// epoch labels and long article titles in the legend, and checks on the SVG
// that no two labels on one line overlap and none leaves the drawing.
func TestLabelsApart(t *testing.T) {
	var labels []string
	for e := 467936; e < 467948; e++ {
		labels = append(labels, "E"+strconv.Itoa(e))
	}
	zeros := func(v string) []string {
		out := make([]string, len(labels))
		for i := range out {
			out[i] = "0"
		}
		out[3] = v
		return out
	}
	c := chart.Chart{ID: "apart", Title: "Counted views per epoch", Unit: "views", Labels: labels, Series: []chart.Series{
		{Name: "“A New Opening? What the US-Iran Talks…", Values: zeros("3")},
		{Name: "Batch test article", Values: zeros("2")},
		{Name: "Published from the browser, self anchored", Values: zeros("1")},
		{Name: strings.Repeat("Wide WWW ", 12), Values: zeros("4")},
	}}
	for name, draw := range map[string]func(chart.Chart) (template.HTML, error){"Bars": chart.Bars, "StackedBars": chart.StackedBars, "Line": chart.Line} {
		t.Run("OK"+name, func(t *testing.T) {
			h, err := draw(c)
			if err != nil {
				t.Fatal(err)
			}
			d := parse(t, h)
			var vbW float64
			fmt.Sscanf(d.ViewBox, "0 0 %g", &vbW)
			lines := map[float64][]box{}
			axis, legend := 0, 0
			for _, b := range textBoxes(t, h) {
				if b.anchor == "end" || (b.anchor == "middle" && !strings.HasPrefix(b.text, "E4679")) {
					continue // y ticks and data labels
				}
				lines[b.y] = append(lines[b.y], b)
				if strings.HasPrefix(b.text, "E4679") {
					axis++
				} else {
					legend++
				}
				if b.left() < 0 || b.right() > vbW {
					t.Errorf("%q spans %.1f..%.1f, outside the drawing 0..%.0f", b.text, b.left(), b.right(), vbW)
				}
			}
			if axis < 2 || legend != len(c.Series) {
				t.Fatalf("%d axis labels and %d legend names drawn, want some and %d", axis, legend, len(c.Series))
			}
			for y, row := range lines {
				for i := range row {
					for j := i + 1; j < len(row); j++ {
						a, b := row[i], row[j]
						pad := 4.0
						if a.anchor == "" {
							pad = 16 // a legend name follows its colour square
						}
						if a.left() < b.right()+pad && b.left() < a.right()+pad {
							t.Errorf("at y=%g %q (%.1f..%.1f) and %q (%.1f..%.1f) overlap", y, a.text, a.left(), a.right(), b.text, b.left(), b.right())
						}
					}
				}
			}
		})
	}
}

// TestUnitOne checks that a count of one reads in the singular.
func TestUnitOne(t *testing.T) {
	h, err := chart.StackedBars(chart.Chart{ID: "one", Title: "Beacons", Unit: "beacons", UnitOne: "beacon", Labels: []string{"11-25", "11-26"},
		Series: []chart.Series{{Name: "counted", Values: []string{"1", "2"}}, {Name: "early", Values: []string{"0", "1"}}}})
	if err != nil {
		t.Fatal(err)
	}
	d := parse(t, h)
	if want := "11-25: counted 1 beacon. 11-26: counted 2 beacons, early 1 beacon."; !strings.Contains(d.Desc.Text, want) {
		t.Errorf("description %q lacks %q", d.Desc.Text, want)
	}
	if !strings.Contains(string(h), "<title>11-25, counted: 1 beacon</title>") {
		t.Errorf("mark title not singular:\n%s", h)
	}
}
