package chart_test

import (
	"encoding/xml"
	"flag"
	"html/template"
	"os"
	"path/filepath"
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
