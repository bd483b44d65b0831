package ocr

import (
	"context"
	"fmt"
	"image"
	"os/exec"
	"runtime"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Options configure an Engine. Zero fields take the defaults.
type Options struct {
	Binary string // tesseract program; default "tesseract" on PATH
	// Languages is the first pass's model: by default "chi_sim+HanS" when
	// the Han (Simplified) script model is installed (Debian's
	// tesseract-ocr-script-hans), else "chi_sim"; both read Latin letters and
	// digits too. LatinLanguages reads again the lines without Chinese
	// characters (default "eng"; "-" for no second pass). One model per line
	// beats "chi_sim+eng", which reads short Chinese lines as English
	// gibberish.
	Languages, LatinLanguages string
	// PSM is Tesseract's page segmentation mode: default 4 (one column of
	// lines of different sizes), which reads the imageset screenshots best
	// (0.964 of characters right against 0.962 for 3, automatic).
	PSM     int
	Timeout time.Duration // per picture, both tesseract passes; default 15 s
	Limits  Limits        // bytes and pixels; default 10 MB, 40 megapixels
	// Workers is how many pictures are read at once (default: 1 on one core,
	// else 2); Queue how many more may wait for a worker (default 8). Past
	// that, Read fails at once with ErrBusy.
	Workers, Queue int
	// Nice is the scheduling niceness of the tesseract processes (default
	// 10; negative: leave it as the bot's), so a burst of pictures cannot
	// starve the replies to text messages.
	Nice int
	// MinConfidence: a mean word confidence (0–100) below it makes the result
	// LowConfidence. Default 70.
	MinConfidence float64
	// MinWordConfidence: words below it are dropped as noise (default 25).
	MinWordConfidence float64
}

// DefaultOptions returns the defaults.
func DefaultOptions() Options {
	w := 2
	if runtime.NumCPU() < 2 {
		w = 1
	}
	return Options{
		Binary: "tesseract", LatinLanguages: "eng", PSM: 4,
		Timeout: 15 * time.Second, Workers: w, Queue: 8,
		MinConfidence: 70, MinWordConfidence: 25, Nice: 10,
	}
}

func (o Options) withDefaults() Options {
	d := DefaultOptions()
	if o.Binary == "" {
		o.Binary = d.Binary
	}
	if o.LatinLanguages == "" {
		o.LatinLanguages = d.LatinLanguages
	}
	if o.PSM == 0 {
		o.PSM = d.PSM
	}
	if o.Timeout <= 0 {
		o.Timeout = d.Timeout
	}
	if o.Workers <= 0 {
		o.Workers = d.Workers
	}
	if o.Queue < 0 {
		o.Queue = 0
	} else if o.Queue == 0 {
		o.Queue = d.Queue
	}
	if o.Nice == 0 {
		o.Nice = d.Nice
	}
	if o.MinConfidence <= 0 {
		o.MinConfidence = d.MinConfidence
	}
	if o.MinWordConfidence <= 0 {
		o.MinWordConfidence = d.MinWordConfidence
	}
	o.Limits = o.Limits.withDefaults()
	return o
}

// Result is what was read in one picture.
type Result struct {
	Text string // lines separated by "\n"; no spaces between Chinese characters
	// Confidence is the mean word confidence, 0–100, weighted by characters.
	Confidence float64
	// LowConfidence: the picture is blurry, tiny or not text; the text is a
	// guess and a reply should say so instead of judging it firmly.
	LowConfidence bool
	Words         []Word
	Format        Format
	Width, Height int     // the original picture
	Scale         float64 // applied before OCR
	Dark          bool    // dark mode detected and inverted
	Elapsed       time.Duration
}

// Engine reads pictures with a bounded number of tesseract processes.
type Engine struct {
	opts     Options
	slots    chan struct{} // one per running job
	admitted chan struct{} // running + waiting
}

// New checks that tesseract and the languages are installed and returns an
// Engine. A missing program or language is ErrUnavailable.
func New(opts Options) (*Engine, error) {
	opts = opts.withDefaults()
	out, err := exec.Command(opts.Binary, "--list-langs").CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("%w: %s --list-langs: %v", ErrUnavailable, opts.Binary, err)
	}
	have := map[string]bool{}
	for _, l := range strings.Fields(string(out)) {
		have[l] = true
	}
	if opts.Languages == "" {
		// The script model adds ~1 point of character accuracy on chat
		// screenshots (0.973 against 0.964) for ~20 % more time.
		opts.Languages = "chi_sim"
		if have["HanS"] {
			opts.Languages = "chi_sim+HanS"
		}
	}
	langs := strings.Split(opts.Languages, "+")
	if opts.LatinLanguages != "-" {
		langs = append(langs, strings.Split(opts.LatinLanguages, "+")...)
	}
	for _, l := range langs {
		if !have[l] {
			return nil, fmt.Errorf("%w: tesseract language %q is not installed (apt-get install tesseract-ocr-%s)",
				ErrUnavailable, l, strings.ReplaceAll(l, "_", "-"))
		}
	}
	return &Engine{
		opts:     opts,
		slots:    make(chan struct{}, opts.Workers),
		admitted: make(chan struct{}, opts.Workers+opts.Queue),
	}, nil
}

// Options returns the engine's options, defaults filled in.
func (e *Engine) Options() Options { return e.opts }

// acquire takes a worker slot, waiting in the bounded queue; a full queue is
// ErrBusy at once.
func (e *Engine) acquire(ctx context.Context) (func(), error) {
	select {
	case e.admitted <- struct{}{}:
	default:
		return nil, fmt.Errorf("%w: %d pictures running or waiting", ErrBusy, cap(e.admitted))
	}
	select {
	case e.slots <- struct{}{}:
		return func() { <-e.slots; <-e.admitted }, nil
	case <-ctx.Done():
		<-e.admitted
		return nil, ctx.Err()
	}
}

// Read checks, decodes, prepares and reads one picture. Cheap checks (size,
// format, dimensions) run before queueing, so bad input is refused at once
// even when the workers are busy. Errors are the package's typed errors
// (UserMessage gives the text for the user) or ctx's.
//
// Each of also runs on the decoded picture first, in the same worker slot
// (a QR decoder, say): the pool bounds all the CPU a picture costs, and the
// picture is decoded once. They run even when no text is found after.
func (e *Engine) Read(ctx context.Context, data []byte, also ...func(context.Context, image.Image)) (*Result, error) {
	if _, _, err := Config(data, e.opts.Limits); err != nil {
		return nil, err
	}
	release, err := e.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	start := time.Now()
	img, f, err := Decode(data, e.opts.Limits)
	if err != nil {
		return nil, err
	}
	for _, fn := range also {
		fn(ctx, img)
	}
	res, err := e.ReadImage(ctx, img)
	if err != nil {
		return nil, err
	}
	res.Format = f
	res.Elapsed = time.Since(start)
	return res, nil
}

// ReadImage prepares and reads an already decoded picture, in the calling
// goroutine (Read is the pooled entry point).
func (e *Engine) ReadImage(ctx context.Context, img image.Image) (*Result, error) {
	start := time.Now()
	b := img.Bounds()
	if int64(b.Dx())*int64(b.Dy()) > e.opts.Limits.MaxPixels {
		return nil, fmt.Errorf("%w: %d×%d pixels", ErrTooLarge, b.Dx(), b.Dy())
	}
	p := Prepare(img)
	if p.Ink > maxInk {
		return nil, fmt.Errorf("%w: %.0f%% of the picture is ink after preprocessing: a photo, not text", ErrNoText, 100*p.Ink)
	}
	ctx, cancel := context.WithTimeout(ctx, e.opts.Timeout)
	defer cancel()
	words, err := e.runTesseract(ctx, p.Gray, e.opts.Languages, e.opts.PSM)
	if err == nil && e.opts.LatinLanguages != "-" {
		words, err = e.rereadLatin(ctx, p.Gray, words)
	}
	if err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			return nil, fmt.Errorf("%w: tesseract ran over %s", ErrTimeout, e.opts.Timeout)
		}
		return nil, err
	}
	res := &Result{Width: b.Dx(), Height: b.Dy(), Scale: p.Scale, Dark: p.Dark}
	var sum, n float64
	for _, w := range words {
		if w.Confidence < e.opts.MinWordConfidence || !meaningful(w.Text) && w.Confidence < punctConfidence {
			continue
		}
		res.Words = append(res.Words, w)
		c := float64(utf8.RuneCountInString(w.Text))
		sum += w.Confidence * c
		n += c
	}
	if n == 0 {
		return nil, fmt.Errorf("%w: %d words, none confident", ErrNoText, len(words))
	}
	res.Text = joinWrappedLinks(joinWords(res.Words))
	res.Confidence = sum / n
	res.LowConfidence = res.Confidence < e.opts.MinConfidence
	res.Elapsed = time.Since(start)
	return res, nil
}

// punctConfidence: a word of punctuation only ("，", "。") is kept when
// Tesseract is at least this sure; below it, it is usually a bubble's edge
// or an icon read as "|", "—" or "@".
const punctConfidence = 70

// meaningful: at least one letter, digit or Han character (not a stray
// "|" or "—" from a bubble's edge).
func meaningful(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}
