package manifest_test

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/manifest"
)

// encoded returns a real 2x2 image in the format encode writes.
func encoded(t *testing.T, encode func(*bytes.Buffer, image.Image) error) []byte {
	t.Helper()
	img := image.NewPaletted(image.Rect(0, 0, 2, 2), color.Palette{color.Black, color.White})
	var buf bytes.Buffer
	if err := encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSniffImage(t *testing.T) {
	// A minimal lossless WebP (RIFF header, WEBP, VP8L chunk) as written by libwebp.
	webp := []byte("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00")
	for _, tc := range []struct {
		name      string
		data      []byte
		want      string
		code, msg string
	}{
		{name: "OKPNG", data: encoded(t, func(b *bytes.Buffer, i image.Image) error { return png.Encode(b, i) }), want: "image/png"},
		{name: "OKJPEG", data: encoded(t, func(b *bytes.Buffer, i image.Image) error { return jpeg.Encode(b, i, nil) }), want: "image/jpeg"},
		{name: "OKGIF", data: encoded(t, func(b *bytes.Buffer, i image.Image) error { return gif.Encode(b, i, nil) }), want: "image/gif"},
		{name: "OKGIF87a", data: []byte("GIF87a\x01\x00\x01\x00"), want: "image/gif"},
		{name: "OKWebP", data: webp, want: "image/webp"},
		{name: "OKMaxSize", data: append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, manifest.MaxImageBytes-8)...), want: "image/png"},
		{name: "ErrEmpty", data: nil, code: banx.EINVALID, msg: "image: empty"},
		{name: "ErrTooLarge", data: append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, manifest.MaxImageBytes-7)...), code: banx.ETOOLARGE, msg: "image: 10485761 bytes, max 10485760"},
		{name: "ErrSVG", data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), code: banx.EINVALID, msg: "image: not a PNG, JPEG, WebP or GIF image (starts with 3c73766720786d6c)"},
		{name: "ErrRIFFNotWebP", data: []byte("RIFF\x00\x00\x00\x00WAVEfmt "), code: banx.EINVALID, msg: "image: not a PNG, JPEG, WebP or GIF image (starts with 5249464600000000)"},
		{name: "ErrTruncatedPNG", data: []byte("\x89PNG"), code: banx.EINVALID, msg: "image: not a PNG, JPEG, WebP or GIF image (starts with 89504e47)"},
		{name: "ErrText", data: []byte(strings.Repeat("A", 20)), code: banx.EINVALID, msg: "image: not a PNG, JPEG, WebP or GIF image (starts with 4141414141414141)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := manifest.SniffImage(tc.data)
			checkErr(t, err, tc.code, tc.msg)
			if got != tc.want {
				t.Errorf("SniffImage = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestReadingTime(t *testing.T) {
	words := func(n int) string { return strings.TrimSpace(strings.Repeat("word ", n)) }
	for _, tc := range []struct {
		name string
		body string
		want int
	}{
		{name: "OKEmpty", body: "", want: 0},
		{name: "OKOnlyMarkup", body: "# — *", want: 0},
		{name: "OKOneWord", body: "Hello", want: 1},
		{name: "OKExactlyOneMinute", body: words(manifest.WordsPerMinute), want: 1},
		{name: "OKJustOver", body: words(manifest.WordsPerMinute + 1), want: 2},
		{name: "OKMarkdownNotCounted", body: "## Title\n\n- one — two\n\n**bold** text", want: 1},
		{name: "OKSeedLength", body: words(730), want: 5},
		{name: "OKNonLatin", body: "東京 Zürich ١٢٣", want: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := manifest.ReadingTime(tc.body); got != tc.want {
				t.Errorf("ReadingTime = %d, want %d", got, tc.want)
			}
		})
	}
}
