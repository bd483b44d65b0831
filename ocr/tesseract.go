package ocr

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Word is one word Tesseract read, with its confidence (0–100) and its box
// in the prepared picture.
type Word struct {
	Text       string
	Confidence float64
	Box        image.Rectangle
	Line       int // index of the line it belongs to, from 0
}

// pnm encodes g as binary PGM: Leptonica reads it from stdin without the
// cost of PNG compression.
func pnm(g *image.Gray) []byte {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "P5\n%d %d\n255\n", g.Rect.Dx(), g.Rect.Dy())
	buf.Grow(len(g.Pix))
	for y := 0; y < g.Rect.Dy(); y++ {
		buf.Write(g.Pix[y*g.Stride : y*g.Stride+g.Rect.Dx()])
	}
	return buf.Bytes()
}

// runTesseract runs the tesseract program on a prepared picture and returns
// its words.
func (e *Engine) runTesseract(ctx context.Context, g *image.Gray, lang string, psm int) ([]Word, error) {
	args := []string{"stdin", "stdout", "-l", lang, "--psm", strconv.Itoa(psm),
		"--dpi", "300", "-c", "preserve_interword_spaces=1", "tsv"}
	cmd := exec.CommandContext(ctx, e.opts.Binary, args...)
	cmd.Stdin = bytes.NewReader(pnm(g))
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	// One thread per job: the pool, not OpenMP, decides how many cores OCR uses.
	cmd.Env = append(cmd.Environ(), "OMP_THREAD_LIMIT=1")
	cmd.WaitDelay = time.Second
	err := cmd.Start()
	if err == nil {
		lowerPriority(cmd.Process.Pid, e.opts.Nice)
		err = cmd.Wait()
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var ee *exec.Error
		if errors.As(err, &ee) {
			return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
		}
		return nil, fmt.Errorf("tesseract: %v: %s", err, firstLine(stderr.String()))
	}
	return parseTSV(out.Bytes())
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// parseTSV reads Tesseract's TSV output (level, page, block, par, line, word,
// left, top, width, height, conf, text) and keeps the words (level 5) with
// their confidence and line.
func parseTSV(b []byte) ([]Word, error) {
	var words []Word
	type key struct{ block, par, line int }
	lines := map[key]int{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	first := true
	for sc.Scan() {
		if first {
			first = false
			if strings.HasPrefix(sc.Text(), "level") {
				continue
			}
		}
		f := strings.Split(sc.Text(), "\t")
		if len(f) < 12 || f[0] != "5" {
			continue
		}
		n := make([]int, 10)
		for i := range n {
			n[i], _ = strconv.Atoi(f[i])
		}
		conf, err := strconv.ParseFloat(f[10], 64)
		if err != nil {
			return nil, fmt.Errorf("tesseract tsv: confidence %q", f[10])
		}
		text := strings.TrimSpace(f[11])
		if text == "" || conf < 0 {
			continue
		}
		k := key{n[2], n[3], n[4]}
		li, ok := lines[k]
		if !ok {
			li = len(lines)
			lines[k] = li
		}
		words = append(words, Word{
			Text: text, Confidence: conf, Line: li,
			Box: image.Rect(n[6], n[7], n[6]+n[8], n[7]+n[9]),
		})
	}
	return words, sc.Err()
}

// isCJK reports whether r is a Han character or CJK/full-width punctuation,
// between which Tesseract's spaces are noise.
func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) ||
		(r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef) ||
		r == '“' || r == '”' || r == '‘' || r == '’' || r == '…' || r == '—'
}

// joinWords makes text from words: lines on their own lines; words joined by
// a space, except between Chinese characters.
func joinWords(words []Word) string {
	var sb strings.Builder
	for i, w := range words {
		if i > 0 {
			if words[i-1].Line != w.Line {
				sb.WriteByte('\n')
			} else {
				prev, _ := lastRune(words[i-1].Text)
				next := []rune(w.Text)[0]
				if !(isCJK(prev) || isCJK(next)) {
					sb.WriteByte(' ')
				}
			}
		}
		sb.WriteString(w.Text)
	}
	return sb.String()
}

func lastRune(s string) (rune, bool) {
	r := []rune(s)
	if len(r) == 0 {
		return 0, false
	}
	return r[len(r)-1], true
}

// latinLine: a line without Chinese characters, mostly letters — English
// words, a URL — which the Latin model reads better than the Chinese one.
func latinLine(words []Word) bool {
	letters, all := 0, 0
	for _, w := range words {
		for _, r := range w.Text {
			if unicode.Is(unicode.Han, r) {
				return false
			}
			all++
			if r < unicode.MaxASCII && unicode.IsLetter(r) {
				letters++
			}
		}
	}
	return all > 0 && letters*2 >= all
}

// rereadLatin reads the Latin lines of words again with the Latin model, in
// one tesseract run: the lines are cut out, stacked on one page, and each
// word read is given back to the line whose strip it falls in. A line the
// second pass finds nothing in keeps its first reading.
func (e *Engine) rereadLatin(ctx context.Context, g *image.Gray, words []Word) ([]Word, error) {
	boxes := map[int]image.Rectangle{}
	byLine := map[int][]Word{}
	for _, w := range words {
		byLine[w.Line] = append(byLine[w.Line], w)
		boxes[w.Line] = boxes[w.Line].Union(w.Box)
	}
	type strip struct {
		line   int
		src    image.Rectangle
		offset image.Point // strip position on the page minus source position
	}
	var strips []strip
	const pad, gap = 6, 24
	width, y := 0, gap
	for line := 0; line < len(boxes); line++ {
		ws, ok := byLine[line]
		if !ok || !latinLine(ws) {
			continue
		}
		src := boxes[line].Inset(-pad).Intersect(g.Rect)
		strips = append(strips, strip{line, src, image.Pt(gap-src.Min.X, y-src.Min.Y)})
		width = max(width, src.Dx()+2*gap)
		y += src.Dy() + gap
	}
	if len(strips) == 0 {
		return words, nil
	}
	page := image.NewGray(image.Rect(0, 0, width, y))
	for i := range page.Pix {
		page.Pix[i] = 255
	}
	for _, s := range strips {
		for sy := s.src.Min.Y; sy < s.src.Max.Y; sy++ {
			dy := sy + s.offset.Y
			copy(page.Pix[dy*page.Stride+s.src.Min.X+s.offset.X:], g.Pix[sy*g.Stride+s.src.Min.X:sy*g.Stride+s.src.Max.X])
		}
	}
	latin, err := e.runTesseract(ctx, page, e.opts.LatinLanguages, 6)
	if err != nil {
		return nil, err
	}
	reread := map[int][]Word{}
	for _, w := range latin {
		cy := (w.Box.Min.Y + w.Box.Max.Y) / 2
		for _, s := range strips {
			top := s.src.Min.Y + s.offset.Y
			if cy >= top && cy < top+s.src.Dy() {
				w.Line = s.line
				w.Box = w.Box.Sub(s.offset)
				if w.Text == "|" {
					w.Text = "I" // Noto's capital I is a bare stroke
				}
				reread[s.line] = append(reread[s.line], w)
				break
			}
		}
	}
	var out []Word
	for line := 0; line < len(boxes); line++ {
		if ws, ok := reread[line]; ok {
			out = append(out, ws...)
		} else {
			out = append(out, byLine[line]...)
		}
	}
	return out, nil
}

var (
	// urlTail: a line that ends inside a link (scheme or www. on this line,
	// no space after it).
	urlTail = regexp.MustCompile(`(?i)(?:https?://|itms-services://|www\.)[^\s]*$`)
	// urlHead: the next line's first word could continue it.
	urlHead = regexp.MustCompile(`^[A-Za-z0-9/?=&%._~:#+-]+`)
)

// joinWrappedLinks puts back together a link a chat bubble broke over two
// lines ("http://icbc-verify.top/lo" + "gin.apk"), so it is judged whole.
// Only when the continuation looks like part of a link: it has one of
// / ? = & . % or the first line ends with one of / . - ? = &.
func joinWrappedLinks(text string) string {
	lines := strings.Split(text, "\n")
	out := lines[:1]
	for _, l := range lines[1:] {
		prev := out[len(out)-1]
		tail := urlTail.FindString(prev)
		head := urlHead.FindString(l)
		if tail != "" && head != "" && (strings.ContainsAny(head, "/?=&.%") || strings.ContainsAny(tail[len(tail)-1:], "/.-?=&")) {
			out[len(out)-1] = prev + l
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}
