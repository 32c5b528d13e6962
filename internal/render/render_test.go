package render_test

import (
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/banxmedia/banx/internal/render"
)

// xssCorpus are bodies an attacker might publish; none may leave anything
// executable in the rendered HTML.
var xssCorpus = map[string]string{
	"ScriptTag":          "<script>alert(1)</script>",
	"ScriptInParagraph":  "hello <script>alert(1)</script> world",
	"ImgOnerror":         `<img src=x onerror=alert(1)>`,
	"SvgOnload":          `<svg onload=alert(1)>`,
	"JavascriptLink":     "[click](javascript:alert(1))",
	"JavascriptLinkCase": "[click](JaVaScRiPt:alert(1))",
	"EntityLink":         "[click](&#106;avascript:alert(1))",
	"DataLink":           "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
	"VBScriptLink":       "[click](vbscript:msgbox(1))",
	"JavascriptImage":    "![x](javascript:alert(1))",
	"ForeignImage":       "![x](https://evil.example/pixel.png)",
	"UnlistedIPFSImage":  "![x](ipfs://bafkreiunlisted)",
	"Iframe":             `<iframe src="https://evil.example"></iframe>`,
	"StyleTag":           `<style>body{display:none}</style>`,
	"StyleAttr":          `<p style="background:url(javascript:alert(1))">x</p>`,
	"Form":               `<form action="https://evil.example"><input name=seed></form>`,
	"MetaRefresh":        `<meta http-equiv="refresh" content="0;url=https://evil.example">`,
	"Autolink":           "<javascript:alert(1)>",
	"LinkTitleBreakout":  `[x](https://ok.example "a\" onmouseover=\"alert(1)")`,
	"HTMLInTable":        "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
	"Object":             `<object data="x.swf"></object><embed src="x.swf">`,
	"Base":               `<base href="https://evil.example/">`,
}

func TestBodyXSS(t *testing.T) {
	r := render.New()
	for name, body := range xssCorpus {
		t.Run("OK"+name, func(t *testing.T) {
			out, err := r.Body(body, map[string]bool{"bafkreilisted": true})
			if err != nil {
				t.Fatal(err)
			}
			if bad := Inert(string(out)); bad != "" {
				t.Fatalf("rendered %q: %s:\n%s", body, bad, out)
			}
			for _, gone := range []string{"evil.example/pixel", "bafkreiunlisted"} {
				if strings.Contains(string(out), gone) {
					t.Fatalf("rendered %q keeps %q:\n%s", body, gone, out)
				}
			}
		})
	}
}

func TestBody(t *testing.T) {
	r := render.New()
	for _, tc := range []struct{ name, md, want string }{
		{"OKParagraph", "Hello *world*.", "<p>Hello <em>world</em>.</p>"},
		{"OKHeadingShifted", "# Part\n\n###### Deep", "<h2>Part</h2>"},
		{"OKHeadingCapped", "###### Deep", "<h6>Deep</h6>"},
		{"OKLinkRel", "[BBC](https://www.bbc.com/news)", `<a href="https://www.bbc.com/news" rel="nofollow noreferrer">BBC</a>`},
		{"OKListedImage", "![Cover](ipfs://bafkreilisted)", `<img src="/ipfs/bafkreilisted" alt="Cover">`},
		{"OKIPFSLink", "[file](ipfs://bafkreilisted)", `href="/ipfs/bafkreilisted"`},
		{"OKTable", "| a | b |\n|---|---|\n| 1 | 2 |", "<td>1</td>"},
		{"OKEscapedText", `5 < 6 & "quotes"`, "5 &lt; 6 &amp; &#34;quotes&#34;"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := r.Body(tc.md, map[string]bool{"bafkreilisted": true})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(out), tc.want) {
				t.Fatalf("Body(%q) = %s, want it to contain %s", tc.md, out, tc.want)
			}
		})
	}
}

func BenchmarkBody(b *testing.B) {
	body := strings.Repeat("A paragraph with *emphasis*, a [link](https://www.reuters.com/) and some words to read.\n\n", 100)
	r := render.New()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := r.Body(body, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// Inert parses rendered HTML as a browser would and returns what in it could
// run or load foreign content, or "" when nothing can: no element outside a
// small set, no event handler or style attribute, and every URL relative or
// http(s)/mailto.
func Inert(fragment string) string {
	allowed := map[string]bool{"p": true, "a": true, "em": true, "strong": true, "code": true, "pre": true, "blockquote": true,
		"ul": true, "ol": true, "li": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "img": true, "br": true,
		"hr": true, "table": true, "thead": true, "tbody": true, "tr": true, "th": true, "td": true, "del": true}
	z := html.NewTokenizer(strings.NewReader(fragment))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			if !allowed[tok.Data] {
				return "element <" + tok.Data + ">"
			}
			for _, a := range tok.Attr {
				if strings.HasPrefix(a.Key, "on") || a.Key == "style" || a.Key == "srcdoc" || a.Key == "formaction" {
					return "attribute " + a.Key
				}
				if a.Key == "href" || a.Key == "src" {
					u, err := url.Parse(strings.TrimSpace(a.Val))
					if err != nil || (u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "mailto") {
						return a.Key + "=" + a.Val
					}
				}
			}
		}
	}
}
