package main

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/banxmedia/banx/internal/publish/publishtest"
)

// TestMediaAddCLI uploads a cover with `banx media add` against an in-process
// `banx serve` (embedded ledger and content store), pastes the printed front
// matter into an article, publishes it with `banx publish`, and checks that
// the page's cover is served; an article naming an image never uploaded is
// refused with the field, the CID and how to upload it.
func TestMediaAddCLI(t *testing.T) {
	ctx := publishtest.Context(t)
	s := startServe(t, nil)
	seed := filepath.Join(s.dataDir, "wallets", "author-1.seed")
	w, err := readSeedFile("dev author", seed)
	if err != nil {
		t.Fatal(err)
	}
	me := w.ClassicAddress.String()
	environ := map[string]string{"BANX_SERVER": s.url, "BANX_SEED_FILE": seed}
	dir := t.TempDir()
	cover := testImage(t, color.RGBA{R: 120, G: 40, B: 200, A: 255})
	coverPath := writeFile(t, filepath.Join(dir, "cover.png"), cover, 0o644)

	out, err := cli(ctx, environ, "media", "add", coverPath, "--alt", "A violet square: nothing else")
	if err != nil {
		t.Fatalf("media add: %v\n%s", err, out)
	}
	cid := field(out, "cid")
	if !strings.HasPrefix(cid, "bafkrei") || field(out, "mime_type") != "image/png" || field(out, "size") != strconv.Itoa(len(cover)) {
		t.Fatalf("media add printed:\n%s", out)
	}
	_, snippet, ok := strings.Cut(out, "\nmedia:\n")
	if !ok || !strings.Contains(snippet, "  - cid: "+cid+"\n    role: cover\n") || !strings.Contains(snippet, "alt: 'A violet square: nothing else'") ||
		!strings.Contains(snippet, "digital_source_type: digitalCapture") {
		t.Fatalf("media add printed no usable front matter:\n%s", out)
	}
	code, body, _ := s.do(t, "GET", "/ipfs/"+cid, "", nil)
	if code != 200 || !bytes.Equal(body, cover) {
		t.Fatalf("GET /ipfs/%s = %d, %d bytes; want the %d uploaded bytes", cid, code, len(body), len(cover))
	}

	t.Run("OKPublishWithCover", func(t *testing.T) {
		text := strings.Replace(article(me, "Under a violet cover", ""), "\n---\n\n", "\nmedia:\n"+snippet+"---\n\n", 1)
		path := writeFile(t, filepath.Join(dir, "covered.md"), []byte(text), 0o644)
		out, err := cli(ctx, environ, "publish", path)
		if err != nil {
			t.Fatalf("publish: %v\n%s\n%s", err, out, text)
		}
		code, page, _ := s.do(t, "GET", "/a/"+field(out, "article"), "", nil)
		if code != 200 || !strings.Contains(string(page), "/ipfs/"+cid) || !strings.Contains(string(page), "A violet square: nothing else") {
			t.Fatalf("article page %d does not show the cover %s", code, cid)
		}
	})
	t.Run("OKAI", func(t *testing.T) {
		inline := writeFile(t, filepath.Join(dir, "inline.png"), testImage(t, color.RGBA{G: 200, A: 255}), 0o644)
		out, err := cli(ctx, environ, "media", "add", "--role", "inline", "--ai", "--alt", "A green square", inline)
		if err != nil {
			t.Fatalf("media add: %v\n%s", err, out)
		}
		if !strings.Contains(out, "    role: inline\n") || !strings.Contains(out, "digital_source_type: trainedAlgorithmicMedia") ||
			!strings.Contains(out, "ai_disclosure:") {
			t.Fatalf("media add --ai printed:\n%s", out)
		}
	})
	t.Run("OKNoAlt", func(t *testing.T) {
		out, err := cli(ctx, environ, "media", "add", coverPath)
		if err != nil || field(out, "cid") != cid || !strings.Contains(out, `    alt: ""   # required: describe the picture`) {
			t.Fatalf("media add without --alt: %v\n%s", err, out)
		}
	})
	t.Run("ErrServerRefuses", func(t *testing.T) {
		// A PNG signature with no header passes the local magic-byte check;
		// the server decodes the header and refuses it: the CLI says why.
		path := writeFile(t, filepath.Join(dir, "truncated.png"), []byte("\x89PNG\r\n\x1a\n"), 0o644)
		_, err := cli(ctx, environ, "media", "add", "--alt", "Nothing", path)
		want := "upload " + path + ": the file starts like image/png but its header cannot be read"
		if err == nil || exitCode(err) != 1 || !strings.Contains(err.Error(), want) {
			t.Fatalf("err = %v, want exit 1 with %q", err, want)
		}
	})
	t.Run("ErrPublishUnknownCover", func(t *testing.T) {
		const unknown = "bafkreigd6po2i2k7glulpk6g4ub2ogrhsmycljrdrtmo2eco2qyz32df2u"
		text := strings.Replace(article(me, "Under a missing cover", ""), "\n---\n\n",
			"\nmedia:\n"+strings.ReplaceAll(snippet, cid, unknown)+"---\n\n", 1)
		path := writeFile(t, filepath.Join(dir, "missing.md"), []byte(text), 0o644)
		out, err := cli(ctx, environ, "publish", path)
		want := "media[0].cid: cover image " + unknown + " is not in this server's content store: upload it first (POST /api/v1/media, or banx media add FILE)"
		if err == nil || exitCode(err) != 1 || !strings.Contains(err.Error(), want) {
			t.Fatalf("publish: %v\n%s\nwant exit 1 with %q", err, out, want)
		}
	})
}

// testImage is a 16x9 PNG filled with c.
func testImage(t *testing.T, c color.RGBA) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 16, 9))
	for x := range 16 {
		for y := range 9 {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
