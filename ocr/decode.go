package ocr

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/webp"
)

// Limits bound what Decode accepts. Zero fields take the defaults.
type Limits struct {
	MaxBytes  int64 // default 10 MB
	MaxPixels int64 // width × height, default 40 megapixels
}

// Defaults for Limits.
const (
	DefaultMaxBytes  = 10 << 20
	DefaultMaxPixels = 40_000_000
)

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxPixels <= 0 {
		l.MaxPixels = DefaultMaxPixels
	}
	return l
}

// Format is a picture format recognised from its first bytes.
type Format string

const (
	PNG  Format = "png"
	JPEG Format = "jpeg"
	WebP Format = "webp"
	GIF  Format = "gif"
)

// Sniff names the format of data from its magic bytes, whatever the file was
// called. Anything that is not PNG, JPEG, WebP or GIF is ErrUnsupported, with
// what it looks like (a PDF, HEIC, a ZIP…) in the wrapped message.
func Sniff(data []byte) (Format, error) {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return PNG, nil
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return JPEG, nil
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return WebP, nil
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return GIF, nil
	}
	what := "an unknown file type"
	switch {
	case len(data) == 0:
		what = "an empty file"
	case bytes.HasPrefix(data, []byte("%PDF-")):
		what = "a PDF document"
	case len(data) >= 12 && string(data[4:8]) == "ftyp" && (bytes.Contains(data[8:12], []byte("hei")) || bytes.Contains(data[8:12], []byte("mif1")) || bytes.Contains(data[8:12], []byte("avif"))):
		what = "a HEIC/AVIF photo"
	case len(data) >= 12 && string(data[4:8]) == "ftyp":
		what = "a video"
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		what = "a ZIP archive or Office document"
	case bytes.HasPrefix(data, []byte("BM")):
		what = "a BMP bitmap"
	case bytes.HasPrefix(data, []byte("II*\x00")), bytes.HasPrefix(data, []byte("MM\x00*")):
		what = "a TIFF image"
	case bytes.HasPrefix(bytes.TrimSpace(data[:min(len(data), 256)]), []byte("<")):
		what = "an HTML/XML/SVG text file"
	}
	return "", fmt.Errorf("%w: %s", ErrUnsupported, what)
}

// animatedWebP reports whether a WebP file declares animation (VP8X chunk,
// flag bit 1) or carries an ANIM chunk.
func animatedWebP(data []byte) bool {
	if len(data) >= 21 && string(data[12:16]) == "VP8X" && data[20]&0x02 != 0 {
		return true
	}
	// Walk the chunks in case VP8X is not first (it must be, but be lenient).
	for off := 12; off+8 <= len(data); {
		id := string(data[off : off+4])
		n := int(binary.LittleEndian.Uint32(data[off+4 : off+8]))
		if id == "ANIM" || id == "ANMF" {
			return true
		}
		if n < 0 || off+8+n+n&1 > len(data) || n > len(data) {
			break
		}
		off += 8 + n + n&1
	}
	return false
}

// Config checks data against the limits and reads the picture's format and
// dimensions without decoding pixels.
func Config(data []byte, lim Limits) (Format, image.Config, error) {
	lim = lim.withDefaults()
	if int64(len(data)) > lim.MaxBytes {
		return "", image.Config{}, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(data), lim.MaxBytes)
	}
	f, err := Sniff(data)
	if err != nil {
		return "", image.Config{}, err
	}
	if f == WebP && animatedWebP(data) {
		return f, image.Config{}, fmt.Errorf("%w: animated WebP", ErrAnimated)
	}
	var cfg image.Config
	r := bytes.NewReader(data)
	switch f {
	case PNG:
		cfg, err = png.DecodeConfig(r)
	case JPEG:
		cfg, err = jpeg.DecodeConfig(r)
	case WebP:
		cfg, err = webp.DecodeConfig(r)
	case GIF:
		cfg, err = gif.DecodeConfig(r)
	}
	if err != nil {
		return f, cfg, fmt.Errorf("%w: %s header: %v", ErrCorrupt, f, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return f, cfg, fmt.Errorf("%w: %s of %d×%d pixels", ErrCorrupt, f, cfg.Width, cfg.Height)
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > lim.MaxPixels {
		return f, cfg, fmt.Errorf("%w: %d×%d pixels, limit %d", ErrTooLarge, cfg.Width, cfg.Height, lim.MaxPixels)
	}
	return f, cfg, nil
}

// Decode checks data (Config) and decodes it. A GIF gives its first frame.
// Every failure is one of the package's typed errors.
func Decode(data []byte, lim Limits) (img image.Image, f Format, err error) {
	f, _, err = Config(data, lim)
	if err != nil {
		return nil, f, err
	}
	defer func() {
		// The standard decoders do not panic on bad input, but a picture
		// from a stranger is the last place to find out otherwise.
		if p := recover(); p != nil {
			img, err = nil, fmt.Errorf("%w: %s decoder panicked: %v", ErrCorrupt, f, p)
		}
	}()
	var r io.Reader = bytes.NewReader(data)
	switch f {
	case PNG:
		img, err = png.Decode(r)
	case JPEG:
		img, err = jpeg.Decode(r)
	case WebP:
		img, err = webp.Decode(r)
	case GIF:
		img, err = gif.Decode(r)
	}
	if err != nil {
		return nil, f, fmt.Errorf("%w: %s: %v", ErrCorrupt, f, err)
	}
	return img, f, nil
}
