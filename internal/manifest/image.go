package manifest

import (
	"bytes"

	"github.com/banxmedia/banx/internal/banx"
)

// SniffImage returns the MIME type of an image from its first bytes (its magic
// number), never from a file name or a client's claim: PNG, JPEG, WebP or GIF,
// the only types a manifest may reference. An image larger than MaxImageBytes is
// refused with banx.ETOOLARGE, anything else unknown with banx.EINVALID. It does
// not decode the image.
func SniffImage(data []byte) (string, error) {
	switch {
	case len(data) == 0:
		return "", banx.Errorf(banx.EINVALID, "image: empty")
	case len(data) > MaxImageBytes:
		return "", banx.Errorf(banx.ETOOLARGE, "image: %d bytes, max %d", len(data), MaxImageBytes)
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png", nil
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return "image/jpeg", nil
	case len(data) >= 12 && bytes.Equal(data[:4], []byte("RIFF")) && bytes.Equal(data[8:12], []byte("WEBP")):
		return "image/webp", nil
	case bytes.HasPrefix(data, []byte("GIF87a")) || bytes.HasPrefix(data, []byte("GIF89a")):
		return "image/gif", nil
	}
	return "", banx.Errorf(banx.EINVALID, "image: not a PNG, JPEG, WebP or GIF image (starts with %x)", data[:min(len(data), 8)])
}
