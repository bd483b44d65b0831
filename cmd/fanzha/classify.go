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
)

// maxLine bounds one input line of `fanzha classify`; a longer line gets an
// error on its own output line and the stream goes on.
const maxLine = 1 << 20

// classifyInput is one line of `fanzha classify` input.
type classifyInput struct {
	ID   json.RawMessage `json:"id,omitempty"`
	Text *string         `json:"text"`
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
	Error      string             `json:"error,omitempty"`
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
	}
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan *job, workers*64)
	order := make(chan *job, workers*64)
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
		return fmt.Errorf("classify: every line failed (%d); want JSON lines {\"text\": \"...\"}", lines)
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
			o.Error = "\"text\" must be a string"
		} else {
			o.Error = "malformed JSON: expected {\"text\": \"...\"}"
		}
	case in.Text == nil:
		o.ID = in.ID
		o.Error = "missing \"text\" field"
	default:
		o.ID = in.ID
		a := e.classifier.Classify(ctx, *in.Text)
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
