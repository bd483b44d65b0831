package config

import (
	"fmt"
	"strconv"
	"time"
)

// OCR settings: reading pictures (screenshots, QR codes) with Tesseract.
type OCR struct {
	// Enabled: read pictures. Off, or without tesseract installed, pictures
	// get the "I can't read pictures" answer.
	Enabled bool `yaml:"enabled"`
	// Workers is how many pictures are read at once (0: 1 on one core,
	// else 2); Queue how many more may wait (past that: "too many
	// pictures, try again").
	Workers int `yaml:"workers"`
	Queue   int `yaml:"queue"`
	// Timeout bounds reading one picture.
	Timeout time.Duration `yaml:"timeout"`
	// MaxBytes bounds a picture's file (checked before and while
	// downloading); MaxPixels its width × height.
	MaxBytes  int64 `yaml:"max_bytes"`
	MaxPixels int64 `yaml:"max_pixels"`
}

// defaultOCR: two pictures read at once, 32 waiting (a burst of 20
// screenshots is read, not refused), 15 s each, 10 MB and 40 megapixels.
func defaultOCR() OCR {
	return OCR{Enabled: true, Queue: 32, Timeout: 15 * time.Second, MaxBytes: 10 << 20, MaxPixels: 40_000_000}
}

func (o *OCR) applyEnv(getenv func(string) string) error {
	if v := getenv("FANZHA_OCR"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("FANZHA_OCR: %q must be true or false", v)
		}
		o.Enabled = b
	}
	if v := getenv("FANZHA_OCR_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("FANZHA_OCR_TIMEOUT: %q is not a Go duration (e.g. 15s)", v)
		}
		o.Timeout = d
	}
	for name, dst := range map[string]*int{"FANZHA_OCR_WORKERS": &o.Workers, "FANZHA_OCR_QUEUE": &o.Queue} {
		if v := getenv(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return fmt.Errorf("%s: %q is not a number", name, v)
			}
			*dst = n
		}
	}
	for name, dst := range map[string]*int64{"FANZHA_OCR_MAX_BYTES": &o.MaxBytes, "FANZHA_OCR_MAX_PIXELS": &o.MaxPixels} {
		if v := getenv(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return fmt.Errorf("%s: %q is not a number", name, v)
			}
			*dst = n
		}
	}
	return nil
}

// validate names the field and the bad value.
func (o OCR) validate() error {
	switch {
	case o.Workers < 0 || o.Workers > 64:
		return fmt.Errorf("ocr.workers (FANZHA_OCR_WORKERS): %d must be between 0 (automatic) and 64", o.Workers)
	case o.Queue < 0 || o.Queue > 10000:
		return fmt.Errorf("ocr.queue (FANZHA_OCR_QUEUE): %d must be between 0 and 10000", o.Queue)
	case o.Timeout < time.Second || o.Timeout > 5*time.Minute:
		return fmt.Errorf("ocr.timeout (FANZHA_OCR_TIMEOUT): %s must be between 1s and 5m", o.Timeout)
	case o.MaxBytes < 1<<10 || o.MaxBytes > 20<<20:
		// 20 MB is what the Bot API lets a bot download.
		return fmt.Errorf("ocr.max_bytes (FANZHA_OCR_MAX_BYTES): %d must be between 1024 and 20971520", o.MaxBytes)
	case o.MaxPixels < 10_000 || o.MaxPixels > 100_000_000:
		return fmt.Errorf("ocr.max_pixels (FANZHA_OCR_MAX_PIXELS): %d must be between 10000 and 100000000", o.MaxPixels)
	}
	return nil
}
