package review

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/fanzha/fanzha"
)

// scanMeta reads the fields Query filters on (label, risk, status,
// created, district) from a stored case's JSON without decoding the rest: it walks
// the top-level object and skips other values, several times faster than
// encoding/json for the queue's ten thousand cases. Anything unexpected
// falls back to encoding/json.
func scanMeta(b []byte) (fanzha.Case, error) {
	var c fanzha.Case
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return metaFallback(b)
	}
	i++
	for {
		i = skipSpace(b, i)
		if i < len(b) && b[i] == '}' {
			return c, nil
		}
		if i >= len(b) || b[i] != '"' {
			return metaFallback(b)
		}
		kEnd := skipString(b, i)
		if kEnd < 0 {
			return metaFallback(b)
		}
		key := b[i+1 : kEnd-1]
		i = skipSpace(b, kEnd)
		if i >= len(b) || b[i] != ':' {
			return metaFallback(b)
		}
		i = skipSpace(b, i+1)
		vEnd := skipValue(b, i)
		if vEnd < 0 {
			return metaFallback(b)
		}
		val := b[i:vEnd]
		switch string(key) {
		case "label", "risk", "status", "created", "district":
			if len(val) < 2 || val[0] != '"' || bytes.IndexByte(val, '\\') >= 0 {
				return metaFallback(b)
			}
			s := string(val[1 : len(val)-1])
			switch string(key) {
			case "label":
				c.Label = fanzha.ScamType(s)
			case "status":
				c.Status = fanzha.CaseStatus(s)
			case "district":
				c.District = s
			case "risk":
				r, err := fanzha.ParseRisk(s)
				if err != nil {
					return metaFallback(b)
				}
				c.Risk = r
			case "created":
				t, err := time.Parse(time.RFC3339Nano, s)
				if err != nil {
					return metaFallback(b)
				}
				c.Created = t
			}
		}
		i = skipSpace(b, vEnd)
		if i < len(b) && b[i] == ',' {
			i++
		}
	}
}

func metaFallback(b []byte) (fanzha.Case, error) {
	var m struct {
		Label    fanzha.ScamType   `json:"label"`
		Risk     fanzha.Risk       `json:"risk"`
		Status   fanzha.CaseStatus `json:"status"`
		Created  time.Time         `json:"created"`
		District string            `json:"district"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return fanzha.Case{}, err
	}
	return fanzha.Case{Label: m.Label, Risk: m.Risk, Status: m.Status, Created: m.Created, District: m.District}, nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at b[i] ('"'),
// or -1.
func skipString(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// skipValue returns the index after the value starting at b[i], or -1.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				j = skipString(b, j)
				if j < 0 {
					return -1
				}
				j--
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\n' {
		j++
	}
	if j == i {
		return -1
	}
	return j
}
