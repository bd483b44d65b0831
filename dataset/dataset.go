// Package dataset reads Fanzha's labelled texts: the training set
// (training/<author>/<register>.jsonl, what the model learns from) and the
// measuring sets (testdata/*.jsonl, never trained on). One JSON object per
// line: text, label, paid, lang, and for training texts register and author.
package dataset

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/fanzha/fanzha"
)

// Record is one labelled text.
type Record struct {
	Text     string          `json:"text"`
	Label    fanzha.ScamType `json:"label"`
	Paid     *bool           `json:"paid"`
	Lang     string          `json:"lang"`
	Kind     string          `json:"kind,omitempty"`
	Register string          `json:"register,omitempty"`
	Author   string          `json:"author,omitempty"`
	// Where is file:line, for error messages.
	Where string `json:"-"`
}

// IsPaid reports whether the record says money already left.
func (r Record) IsPaid() bool { return r.Paid != nil && *r.Paid }

// maxLine bounds one line: a transcript of a long call is well under it.
const maxLine = 1 << 20

// ReadFile reads one JSONL file, checking every line.
func ReadFile(path string) ([]Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("labelled data: %w", err)
	}
	defer f.Close()
	var out []Record
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), maxLine)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var r Record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		r.Where = fmt.Sprintf("%s:%d", path, n)
		if !r.Label.Valid() {
			return nil, fmt.Errorf("%s: unknown label %q", r.Where, r.Label)
		}
		if strings.TrimSpace(r.Text) == "" {
			return nil, fmt.Errorf("%s: empty text", r.Where)
		}
		if r.IsPaid() && !r.Label.IsFraud() {
			return nil, fmt.Errorf("%s: paid is true but the label is %q", r.Where, r.Label)
		}
		out = append(out, r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

// ReadTraining reads every dir/<author>/<register>.jsonl in a fixed order
// (sorted paths), so training sees the same sequence on every machine. A
// line's author and register must agree with its path; missing ones are
// taken from it. A text that appears again (two authors may both write
// "好的") is kept once; dups counts the copies left out.
func ReadTraining(dir string) (recs []Record, dups int, err error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*", "*.jsonl"))
	if err != nil {
		return nil, 0, err
	}
	if len(paths) == 0 {
		return nil, 0, fmt.Errorf("training data: no %s/<author>/<register>.jsonl files", dir)
	}
	slices.Sort(paths)
	var out []Record
	seen := map[string]bool{}
	for _, p := range paths {
		author := filepath.Base(filepath.Dir(p))
		register := strings.TrimSuffix(filepath.Base(p), ".jsonl")
		rs, err := ReadFile(p)
		if err != nil {
			return nil, 0, err
		}
		for _, r := range rs {
			if r.Author == "" {
				r.Author = author
			}
			if r.Register == "" {
				r.Register = register
			}
			if r.Author != author || r.Register != register {
				return nil, 0, fmt.Errorf("%s: author/register %s/%s does not match the file's %s/%s", r.Where, r.Author, r.Register, author, register)
			}
			key := strings.TrimSpace(r.Text)
			if seen[key] {
				dups++
				continue
			}
			seen[key] = true
			out = append(out, r)
		}
	}
	return out, dups, nil
}
