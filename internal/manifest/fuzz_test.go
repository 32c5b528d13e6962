package manifest_test

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/manifest"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// checkRejection requires a refusal to be an *banx.Error with a client code
// and a message.
func checkRejection(t *testing.T, err error) {
	t.Helper()
	var be *banx.Error
	if !errors.As(err, &be) || (be.Code != banx.EINVALID && be.Code != banx.ETOOLARGE) || be.Message == "" {
		t.Fatalf("rejection is not an EINVALID/ETOOLARGE *banx.Error: %#v", err)
	}
}

// checkAccepted requires an accepted manifest to canonicalize, to read back
// from its canonical bytes as the same manifest, and to satisfy the JSON Schema.
func checkAccepted(t *testing.T, sch *jsonschema.Schema, m manifest.Manifest) {
	t.Helper()
	c, err := m.Canonical()
	if err != nil {
		t.Fatalf("accepted manifest does not canonicalize: %v", err)
	}
	back, err := manifest.ParseCanonical(c)
	if err != nil {
		t.Fatalf("canonical bytes do not parse back: %v\n%s", err, c)
	}
	if !reflect.DeepEqual(back, m) {
		t.Fatalf("round trip changed the manifest:\n got %+v\nwant %+v", back, m)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(c))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Fatalf("Go accepts a manifest the JSON Schema rejects: %v\n%s", err, c)
	}
}

func addGoldenSeeds(f *testing.F, suffix string) {
	for _, name := range goldenNames(f) {
		f.Add(readFile(f, name+suffix))
	}
}

func FuzzParse(f *testing.F) {
	addGoldenSeeds(f, ".input.json")
	f.Add([]byte(minimalJSON))
	f.Add([]byte(withField(`"tags":["a","A"],"media":[{"cid":"x","size":1e3}]`)))
	f.Add([]byte(`{"title":"\ud800","title":null}` + "\n[]"))
	sch := compileSchema(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := manifest.Parse(data)
		if err != nil {
			checkRejection(t, err)
			return
		}
		checkAccepted(t, sch, m)
	})
}

func FuzzParseMarkdown(f *testing.F) {
	f.Add(readFile(f, "seed.md"))
	f.Add([]byte(article))
	f.Add([]byte("---\ntitle: &a x\nsummary: *a\n---\nbody"))
	f.Add([]byte("---\n- [\n---\n"))
	sch := compileSchema(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := manifest.ParseMarkdown(bytes.NewReader(data))
		if err != nil {
			checkRejection(t, err)
			return
		}
		checkAccepted(t, sch, m)
	})
}

// FuzzFields reaches the field rules directly, which byte-level mutation of
// whole documents seldom does: it puts fuzzed text into every string field of
// a valid manifest and requires every manifest Go accepts to canonicalize,
// round-trip and satisfy the JSON Schema.
func FuzzFields(f *testing.F) {
	f.Add("Talks in Oman", "First paragraph.\n\n\tSecond.", "USIranTalks", "https://www.bbc.com/news", "en", "2025-04-14T09:30:00Z", cidOf(0), "trainedAlgorithmicMedia")
	f.Add("Zürich 🚀", "Line\u2028two", "東京", "http://[::1]:80/a?b#c", "zh-Hant-TW", "2024-02-29T23:59:59Z", cidWith(0x01, 0x70, 0x12, 0x20), "digitalCapture")
	f.Add(" x", "x\r\n", "#tag", "HTTPS://x", "en-us", "2025-02-29T00:00:00Z", "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG", manifest.DigitalSourceTypeBase+"print")
	sch := compileSchema(f)
	f.Fuzz(func(t *testing.T, text, body, tag, url, language, created, cid, dst string) {
		m, err := manifest.Parse([]byte(minimalJSON))
		if err != nil {
			t.Fatal(err)
		}
		m.Title, m.Summary, m.Body, m.Language, m.Created = text, text, body, language, created
		m.Tags = []string{tag}
		m.Sources = []manifest.Source{{Name: text, URL: url}}
		m.Media = []manifest.Media{{CID: cid, Role: manifest.RoleCover, MIMEType: "image/png", Size: 1, Alt: text, DigitalSourceType: dst}}
		m.AIDisclosure = text
		if err := m.Validate(); err != nil {
			checkRejection(t, err)
			return
		}
		checkAccepted(t, sch, m)
	})
}
