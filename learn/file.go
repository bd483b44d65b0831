package learn

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
)

// The model file: gzip of
//
//	"FZML1\n", uint32 length + JSON metadata, uint32 head count, then per head
//	uint16 name length + name, uint32 K, uint32 D, K float32 biases, and per
//	class a float32 scale followed by D int16 weights (weight = q·scale/32767).
//
// Weights are quantised to 16 bits: the file is half the size and the
// scores move by far less than any decision threshold. Everything is written
// in a fixed order with no timestamps, so the same model gives the same bytes.
const magic = "FZML1\n"

// Head is a named linear model in a file.
type Head struct {
	Name string
	M    *Linear
}

// Save writes meta (any JSON value) and the heads to w.
func Save(w io.Writer, meta any, heads []Head) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(zw)
	le := binary.LittleEndian
	put := func(v any) {
		if err == nil {
			err = binary.Write(bw, le, v)
		}
	}
	js, jerr := json.Marshal(meta)
	if jerr != nil {
		return fmt.Errorf("model metadata: %w", jerr)
	}
	bw.WriteString(magic)
	put(uint32(len(js)))
	bw.Write(js)
	put(uint32(len(heads)))
	for _, h := range heads {
		m := h.M
		put(uint16(len(h.Name)))
		bw.WriteString(h.Name)
		put(uint32(m.K))
		put(uint32(m.D))
		put(m.B)
		q := make([]int16, m.D)
		for k := 0; k < m.K; k++ {
			var max float64
			for i := 0; i < m.D; i++ {
				max = math.Max(max, math.Abs(float64(m.W[i*m.K+k])))
			}
			scale := float32(max)
			for i := 0; i < m.D; i++ {
				if max > 0 {
					q[i] = int16(math.Round(float64(m.W[i*m.K+k]) / max * 32767))
				} else {
					q[i] = 0
				}
			}
			put(scale)
			put(q)
		}
	}
	if err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return zw.Close()
}

// ErrFormat is returned for a file that is not a model file.
var ErrFormat = errors.New("not a Fanzha model file")

// Load reads a file written by Save: meta is decoded into metaOut.
func Load(r io.Reader, metaOut any) ([]Head, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	br := bufio.NewReader(zr)
	le := binary.LittleEndian
	hdr := make([]byte, len(magic))
	if _, err := io.ReadFull(br, hdr); err != nil || string(hdr) != magic {
		return nil, ErrFormat
	}
	var n uint32
	if err := binary.Read(br, le, &n); err != nil || n > 1<<20 {
		return nil, fmt.Errorf("%w: metadata length", ErrFormat)
	}
	js := make([]byte, n)
	if _, err := io.ReadFull(br, js); err != nil {
		return nil, fmt.Errorf("%w: metadata: %v", ErrFormat, err)
	}
	if err := json.Unmarshal(js, metaOut); err != nil {
		return nil, fmt.Errorf("model metadata: %w", err)
	}
	var nh uint32
	if err := binary.Read(br, le, &nh); err != nil || nh > 64 {
		return nil, fmt.Errorf("%w: head count", ErrFormat)
	}
	var heads []Head
	for h := uint32(0); h < nh; h++ {
		var nl uint16
		if err := binary.Read(br, le, &nl); err != nil {
			return nil, fmt.Errorf("%w: head %d: %v", ErrFormat, h, err)
		}
		name := make([]byte, nl)
		if _, err := io.ReadFull(br, name); err != nil {
			return nil, fmt.Errorf("%w: head %d: %v", ErrFormat, h, err)
		}
		var k, d uint32
		if err := binary.Read(br, le, &k); err != nil {
			return nil, fmt.Errorf("%w: head %s: %v", ErrFormat, name, err)
		}
		if err := binary.Read(br, le, &d); err != nil || k == 0 || k > 64 || d == 0 || d > 1<<24 {
			return nil, fmt.Errorf("%w: head %s: bad shape %d×%d", ErrFormat, name, k, d)
		}
		m := &Linear{K: int(k), D: int(d), W: make([]float32, int(k)*int(d)), B: make([]float32, k)}
		if err := binary.Read(br, le, m.B); err != nil {
			return nil, fmt.Errorf("%w: head %s: %v", ErrFormat, name, err)
		}
		q := make([]int16, d)
		for c := 0; c < int(k); c++ {
			var scale float32
			if err := binary.Read(br, le, &scale); err != nil {
				return nil, fmt.Errorf("%w: head %s: %v", ErrFormat, name, err)
			}
			if err := binary.Read(br, le, q); err != nil {
				return nil, fmt.Errorf("%w: head %s: %v", ErrFormat, name, err)
			}
			f := scale / 32767
			for i, v := range q {
				m.W[i*int(k)+c] = float32(v) * f
			}
		}
		heads = append(heads, Head{Name: string(name), M: m})
	}
	return heads, nil
}
