package http_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
	"time"

	banxhttp "github.com/banxmedia/banx/internal/http"
	"github.com/banxmedia/banx/internal/publish/publishtest"
)

// smallPNG is a real PNG of w×h pixels.
func smallPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func smallJPEG(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, w, h)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func smallGIF(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := gif.Encode(&b, image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.Black, color.White}), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// smallGIFHeader is a GIF whose logical screen is w x h: a tiny file that
// declares a huge canvas.
func smallGIFHeader(w, h uint16) []byte {
	return append([]byte("GIF89a"), byte(w), byte(w>>8), byte(h), byte(h>>8), 0, 0, 0, ';')
}

// TestMediaUpload checks author image uploads: raster images found by their
// magic bytes are stored and served back as images; SVG, HTML and other
// types are refused with 415 whatever Content-Type claims; a body over 10 MiB
// gets 413; only a signed-in author from this origin may upload; and an
// author's uploads are limited per hour.
func TestMediaUpload(t *testing.T) {
	a := startAuthorTools(t)
	token := a.signIn(t, publishtest.NewWallet(t))
	const route = "/api/v1/media"
	pngData := smallPNG(t, 32, 20)
	ok := []struct {
		name, mime string
		data       []byte
	}{
		{"OKPNG", "image/png", pngData},
		{"OKJPEG", "image/jpeg", smallJPEG(t, 16, 12)},
		{"OKGIF", "image/gif", smallGIF(t, 9, 7)},
		// RIFF size 36 = 8 bytes of header after it + 28 bytes of chunk
		{"OKWebP", "image/webp", append([]byte("RIFF\x24\x00\x00\x00WEBPVP8 "), bytes.Repeat([]byte{0}, 28)...)},
	}
	for _, tc := range ok {
		t.Run(tc.name, func(t *testing.T) {
			var m struct {
				CID      string `json:"cid"`
				MimeType string `json:"mime_type"`
				Size     int    `json:"size"`
			}
			a.must(t, "POST", route, route, token, tc.data, 201, &m)
			if m.MimeType != tc.mime || m.Size != len(tc.data) || !strings.HasPrefix(m.CID, "bafkrei") {
				t.Fatalf("upload = %+v, want %s of %d bytes with a raw CIDv1", m, tc.mime, len(tc.data))
			}
			code, h, body := get(t, a.url+"/ipfs/"+m.CID)
			if code != 200 || h.Get("Content-Type") != tc.mime || body != string(tc.data) {
				t.Fatalf("GET /ipfs/%s = %d %s, %d bytes", m.CID, code, h.Get("Content-Type"), len(body))
			}
		})
	}
	refused := []struct {
		name, token string
		data        []byte
		status      int
		reason      string
	}{
		{"ErrNotSignedIn", "", pngData, 401, "sign in first"},
		{"ErrSVG", token, []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>`), 415,
			"only PNG, JPEG, GIF and WebP images are accepted, found SVG"},
		{"ErrSVGWithXMLProlog", token, []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>`), 415, "found SVG"},
		{"ErrHTML", token, []byte(`<!DOCTYPE html><html><script>alert(1)</script></html>`), 415, "found text/html"},
		{"ErrPDF", token, []byte("%PDF-1.7\n"), 415, "found application/pdf"},
		{"ErrEmpty", token, []byte{}, 415, "found an empty body"},
		{"ErrBarePNGSignature", token, []byte("\x89PNG\r\n\x1a\ngarbage"), 400, "starts like image/png but its header cannot be read"},
		{"ErrTruncatedJPEG", token, smallJPEG(t, 16, 12)[:20], 400, "starts like image/jpeg but its header cannot be read"},
		{"ErrWebPSizeLies", token, append([]byte("RIFF\xff\x00\x00\x00WEBPVP8 "), bytes.Repeat([]byte{0}, 28)...), 400, "RIFF size does not match"},
		{"ErrHugeCanvas", token, smallGIFHeader(20000, 10), 400, "each side must be 1 to 16384"},
		{"ErrTooLarge", token, append(append([]byte{}, pngData...), make([]byte, banxhttp.MaxMediaBytes)...), 413, "larger than 10485760 bytes"},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			a.refused(t, "POST", route, route, tc.token, tc.data, tc.status, tc.reason)
		})
	}
	t.Run("ErrContentTypeLies", func(t *testing.T) {
		code, _, body := cookieRequest(t, "POST", a.url+route, token, "", "image/png", strings.NewReader(`<html><body onload=alert(1)>`))
		if code != 415 || !strings.Contains(body, "found text/html") {
			t.Fatalf("HTML sent as image/png = %d %s", code, body)
		}
	})
	t.Run("ErrCrossOrigin", func(t *testing.T) {
		code, _, body := cookieRequest(t, "POST", a.url+route, token, "https://evil.example", "image/png", bytes.NewReader(pngData))
		if code != 403 || !strings.Contains(body, "cross-origin write refused") {
			t.Fatalf("cross-origin upload = %d %s", code, body)
		}
	})
	t.Run("OKCookieSameOrigin", func(t *testing.T) {
		code, _, body := cookieRequest(t, "POST", a.url+route, token, "", "image/png", bytes.NewReader(pngData))
		if code != 201 {
			t.Fatalf("same-origin upload = %d %s", code, body)
		}
	})
	t.Run("ErrRateLimited", func(t *testing.T) {
		other := a.signIn(t, publishtest.NewWallet(t))
		for i := range banxhttp.MediaUploadsPerWindow {
			if r := a.call(t, "POST", route, other, smallPNG(t, 2, 2+i)); r.status != 201 {
				t.Fatalf("upload %d = %d %s", i+1, r.status, r.body)
			}
		}
		r := a.call(t, "POST", route, other, pngData)
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		json.Unmarshal(r.body, &e)
		if r.status != 429 || e.Error.Code != "too_many_requests" || !strings.Contains(e.Error.Message, "upload limit reached: 30 images per 1h0m0s") || r.header.Get("Retry-After") == "" {
			t.Fatalf("upload %d = %d %s (Retry-After %q)", banxhttp.MediaUploadsPerWindow+1, r.status, r.body, r.header.Get("Retry-After"))
		}
		a.spec.validate(t, route, "POST", r)
		// Another author's allowance is their own.
		a.must(t, "POST", route, route, token, smallPNG(t, 3, 3), 201, nil)
	})
}

// TestUploadLimiterWindow checks the sliding window: an author over the limit
// is told how long until the oldest upload leaves it, and may upload again
// then; other authors are not affected.
func TestUploadLimiterWindow(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	allow := banxhttp.NewUploadLimiter(2, time.Hour, func() time.Time { return now })
	step := func(name string, d time.Duration, author string, want bool, wait time.Duration) {
		t.Run(name, func(t *testing.T) {
			now = now.Add(d)
			if ok, w := allow(author); ok != want || w != wait {
				t.Fatalf("allow(%s) at +%s = %v, wait %s; want %v, wait %s", author, d, ok, w, want, wait)
			}
		})
	}
	step("OKFirst", 0, "a", true, 0)
	step("OKSecond", 10*time.Minute, "a", true, 0)
	step("ErrThird", 10*time.Minute, "a", false, 40*time.Minute)
	step("OKOtherAuthor", 0, "b", true, 0)
	step("ErrStillFull", 39*time.Minute, "a", false, time.Minute)
	step("OKOldestLeft", time.Minute+time.Second, "a", true, 0)
}
