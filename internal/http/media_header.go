package http

import (
	"bytes"
	"encoding/binary"
	"image"
	_ "image/gif"  // registers GIF for image.DecodeConfig
	_ "image/jpeg" // registers JPEG for image.DecodeConfig
	_ "image/png"  // registers PNG for image.DecodeConfig

	"github.com/banxmedia/banx/internal/banx"
)

// MaxImageSide bounds an uploaded image's width and height: a small file can
// declare a huge canvas that readers' browsers would have to allocate.
const MaxImageSide = 16384

// checkImageHeader reads the header of an upload whose magic bytes said mime,
// so that a file that only starts like an image (a bare PNG signature, a
// truncated JPEG) is refused instead of pinned and shown as a broken image.
// WebP has no decoder in the standard library; its RIFF container is checked
// instead: the declared size and a VP8, VP8L or VP8X first chunk.
func checkImageHeader(mime string, data []byte) error {
	if mime == "image/webp" {
		if len(data) < 20 || binary.LittleEndian.Uint32(data[4:8]) != uint32(len(data)-8) {
			return banx.Errorf(banx.EINVALID, "the WebP file's RIFF size does not match its %d bytes: the file is truncated or not WebP", len(data))
		}
		if fourcc := data[12:16]; !bytes.Equal(fourcc, []byte("VP8 ")) && !bytes.Equal(fourcc, []byte("VP8L")) && !bytes.Equal(fourcc, []byte("VP8X")) {
			return banx.Errorf(banx.EINVALID, "the WebP file has no VP8, VP8L or VP8X chunk first: it is not a WebP image")
		}
		return nil
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return banx.Errorf(banx.EINVALID, "the file starts like %s but its header cannot be read: %v", mime, err)
	}
	if "image/"+format != mime {
		return banx.Errorf(banx.EINVALID, "the file starts like %s but decodes as %s", mime, format)
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > MaxImageSide || cfg.Height > MaxImageSide {
		return banx.Errorf(banx.EINVALID, "the image is %dx%d pixels; each side must be 1 to %d", cfg.Width, cfg.Height, MaxImageSide)
	}
	return nil
}
