package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/ocr"
	"github.com/fanzha/fanzha/picture"
)

// maxLine bounds one input line of `fanzha classify`; a longer line gets an
// error on its own output line and the stream goes on.
const maxLine = 1 << 20

// classifyInput is one line of `fanzha classify` input.
type classifyInput struct {
	ID    json.RawMessage `json:"id,omitempty"`
	Text  *string         `json:"text"`
	Image *string         `json:"image"` // a picture's path: OCR and QR, then judged
}

// classifyOutput is one line of output: the contract in BRIEF.md.
type classifyOutput struct {
	ID         json.RawMessage    `json:"id,omitempty"`
	Label      fanzha.ScamType    `json:"label,omitempty"`
	Risk       *fanzha.Risk       `json:"risk,omitempty"`
	Score      float64            `json:"score"`
	PFraud     float64            `json:"p_fraud"` // the model's calibrated probability of fraud
	Paid       bool               `json:"paid"`
	Unsure     bool               `json:"unsure,omitempty"`    // the type is a guess: the bot would ask its deciding question
	Truncated  bool               `json:"truncated,omitempty"` // part of a very long text was not read
	Lang       fanzha.Lang        `json:"lang,omitempty"`
	Flags      []string           `json:"flags"`
	Matches    []string           `json:"matches"`
	Indicators []fanzha.Indicator `json:"indicators,omitempty"`
	// An {"image": PATH} line also carries what was read: ocr_text,
	// ocr_confidence, qr.
	*picture.Evidence
	Error string `json:"error,omitempty"`
}

// inFlightBytes bounds the input held at once — lines read and not yet
// written, however many cores classify — so memory does not grow with
// GOMAXPROCS: 4 MB is four 1 MB lines, or thousands of short ones.
const inFlightBytes = 4 << 20

// lineOverhead is what a line costs beyond its bytes (job, result), so
// many tiny lines are bounded too.
const lineOverhead = 512

// budget is a counting semaphore of bytes.
type budget struct {
	mu         sync.Mutex
	cond       *sync.Cond
	free, size int64
}

func newBudget(size int64) *budget {
	b := &budget{free: size, size: size}
	b.cond = sync.NewCond(&b.mu)
	return b
}

// take waits until n bytes are free (a cost over the whole budget waits
// for all of it) and returns what was taken.
func (b *budget) take(n int64) int64 {
	n = min(n, b.size)
	b.mu.Lock()
	for b.free < n {
		b.cond.Wait()
	}
	b.free -= n
	b.mu.Unlock()
	return n
}

func (b *budget) give(n int64) {
	b.mu.Lock()
	b.free += n
	b.mu.Unlock()
	b.cond.Broadcast()
}

// runClassify reads JSON lines and writes one verdict per line, in input
// order, classifying on every core. A line that cannot be judged gets an
// error (with its line number) on its output line and on errs; when every
// line failed, runClassify fails too.
func runClassify(ctx context.Context, e *engine, in io.Reader, out, errs io.Writer) error {
	type job struct {
		n    int
		line []byte
		err  string
		res  chan []byte
		bad  bool
		cost int64
	}
	workers := runtime.GOMAXPROCS(0)
	// The channels may hold every job the budget admits; the budget, not
	// their size, bounds memory.
	bud := newBudget(inFlightBytes)
	jobs := make(chan *job, 4096)
	order := make(chan *job, 4096)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				b, msg := classifyLine(ctx, e, j.n, j.line, j.err)
				if msg != "" {
					j.bad = true
					j.err = msg
				}
				j.res <- b
			}
		}()
	}
	// The writer drains results in input order.
	w := bufio.NewWriterSize(out, 64*1024)
	werr := make(chan error, 1)
	var lines, failed int
	go func() {
		var err error
		for j := range order {
			b := <-j.res
			bud.give(j.cost)
			lines++
			if j.bad {
				failed++
				fmt.Fprintf(errs, "fanzha classify: line %d: %s\n", j.n, j.err)
			}
			if err == nil {
				_, err = w.Write(b)
			}
		}
		if err == nil {
			err = w.Flush()
		}
		werr <- err
	}()

	r := bufio.NewReaderSize(in, 64*1024)
	var readErr error
	for n := 1; ; n++ {
		line, tooLong, err := readLine(r)
		// Every input line gets an output line, blank ones included, so
		// outputs stay aligned with inputs; only the empty tail after the
		// last newline is not a line.
		if !(errors.Is(err, io.EOF) && len(line) == 0 && !tooLong) {
			j := &job{n: n, line: line, res: make(chan []byte, 1)}
			j.cost = bud.take(int64(len(line)) + lineOverhead)
			switch {
			case tooLong:
				j.err = fmt.Sprintf("line longer than %d bytes", maxLine)
			case len(bytes.TrimSpace(line)) == 0:
				j.err = "empty line"
			}
			order <- j
			jobs <- j
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				readErr = err
			}
			break
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(jobs)
	close(order)
	wg.Wait()
	if err := <-werr; err != nil {
		return err
	}
	if readErr != nil {
		return readErr
	}
	if lines > 0 && failed == lines {
		return fmt.Errorf("classify: every line failed (%d); want JSON lines {\"text\": \"...\"} or {\"image\": \"PATH\"}", lines)
	}
	return nil
}

// readLine reads one line of at most maxLine bytes; the rest of a longer
// line is discarded and tooLong is set.
func readLine(r *bufio.Reader) (line []byte, tooLong bool, err error) {
	for {
		frag, e := r.ReadSlice('\n')
		if len(line)+len(frag) <= maxLine {
			line = append(line, frag...)
		} else {
			tooLong = true
		}
		if e == bufio.ErrBufferFull {
			continue
		}
		return bytes.TrimRight(line, "\r\n"), tooLong, e
	}
}

// classifyLine judges line n; msg is its error, "" when it was judged.
func classifyLine(ctx context.Context, e *engine, n int, line []byte, lineErr string) (b []byte, msg string) {
	var o classifyOutput
	var in classifyInput
	switch {
	case lineErr != "":
		o.Error = lineErr
	case json.Unmarshal(line, &in) != nil:
		var probe map[string]json.RawMessage
		if json.Unmarshal(line, &probe) == nil {
			o.Error = "\"text\" and \"image\" must be strings"
		} else {
			o.Error = "malformed JSON: expected {\"text\": \"...\"} or {\"image\": \"PATH\"}"
		}
	case in.Text == nil && in.Image == nil:
		o.ID = in.ID
		o.Error = "missing \"text\" (or \"image\") field"
	case in.Text != nil && in.Image != nil:
		o.ID = in.ID
		o.Error = "give \"text\" or \"image\", not both"
	default:
		o.ID = in.ID
		text := ""
		if in.Text != nil {
			text = *in.Text
		} else {
			ev, err := e.readPicture(ctx, *in.Image)
			if err != nil {
				o.Error = picture.ErrorText(err, fanzha.EN) + " (" + ocr.Code(err) + ")"
				break
			}
			o.Evidence, text = &ev, ev.JudgeText()
		}
		a := e.classifier.Classify(ctx, text)
		o.Label, o.Risk, o.Score, o.Paid, o.Lang = a.Label, &a.Risk, a.Score, a.Paid, a.Lang
		o.PFraud, o.Unsure, o.Truncated = a.PFraud, a.Unsure, a.Truncated
		o.Flags = a.FlagIDs()
		o.Matches = make([]string, 0, len(a.Matches))
		for _, m := range a.Matches {
			o.Matches = append(o.Matches, m.ID)
		}
		o.Indicators = a.Indicators
	}
	var v any = o
	if o.Error != "" {
		v = struct {
			ID    json.RawMessage `json:"id,omitempty"`
			Line  int             `json:"line"`
			Error string          `json:"error"`
		}{o.ID, n, o.Error}
	}
	b, err := json.Marshal(v)
	if err != nil {
		b, o.Error = []byte(fmt.Sprintf(`{"line":%d,"error":"internal error"}`, n)), "internal error"
	}
	return append(b, '\n'), o.Error
}

// readPicture reads an {"image": PATH} line's picture, at most as many at
// once as the OCR engine has workers (plus one being read from disk), so
// the pictures waiting hold no bytes.
func (e *engine) readPicture(ctx context.Context, path string) (picture.Evidence, error) {
	if e.pictures == nil {
		return picture.Evidence{}, ocr.ErrUnavailable
	}
	eng, err := e.pictures()
	if err != nil {
		return picture.Evidence{}, err
	}
	e.picOnce.Do(func() { e.picSlots = make(chan struct{}, eng.Options().Workers+1) })
	select {
	case e.picSlots <- struct{}{}:
	case <-ctx.Done():
		return picture.Evidence{}, ctx.Err()
	}
	defer func() { <-e.picSlots }()
	return picture.Read(ctx, eng, path)
}
