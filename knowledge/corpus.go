// Package knowledge holds what Fanzha knows about scams: the taxonomy's
// descriptions and the scam-script corpus (embedded YAML, one file per type),
// and a bleve index that finds the scripts closest to a user's text.
package knowledge

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/fanzha/fanzha"
)

//go:embed corpus/*.yaml
var embedded embed.FS

// Script is one example text of a scam (or of a legitimate look-alike).
type Script struct {
	ID      string          `yaml:"id"`
	Lang    fanzha.Lang     `yaml:"lang"`
	Channel string          `yaml:"channel"`
	Text    string          `yaml:"text"`
	Type    fanzha.ScamType `yaml:"-"`
}

// TypeInfo describes one scam type: names, how the script unfolds, its red
// flags, what comes next, what to do, and the question that decides it.
type TypeInfo struct {
	Type      fanzha.ScamType `yaml:"type"`
	Name      fanzha.Text     `yaml:"name"`
	Summary   fanzha.Text     `yaml:"summary"`
	Stages    []fanzha.Text   `yaml:"stages"`
	RedFlags  []fanzha.Text   `yaml:"red_flags"`
	NextSteps []fanzha.Text   `yaml:"next_steps"`
	Advice    []fanzha.Text   `yaml:"advice"`
	Question  fanzha.Text     `yaml:"question"`
	Scripts   []Script        `yaml:"scripts"`
}

// Channels a script may come from.
var channels = map[string]bool{
	"sms": true, "call": true, "chat": true, "app": true,
	"social": true, "email": true, "victim": true,
}

// Corpus is the loaded, validated knowledge base.
type Corpus struct {
	types   map[fanzha.ScamType]*TypeInfo
	scripts []Script
	byID    map[string]int
}

// Embedded loads the corpus compiled into the binary and checks that every
// taxonomy id has its file.
func Embedded() (*Corpus, error) {
	sub, err := fs.Sub(embedded, "corpus")
	if err != nil {
		return nil, err
	}
	c, err := Load(sub)
	if err != nil {
		return nil, err
	}
	for _, t := range fanzha.ScamTypes {
		if c.types[t] == nil {
			return nil, fmt.Errorf("corpus: no file for type %q (%s.yaml)", t, t)
		}
	}
	return c, nil
}

// Load reads every *.yaml file at the top of fsys and validates each entry:
// an unknown type, an empty text, a bad language or channel, or an id used
// twice is an error naming the file and the entry.
func Load(fsys fs.FS) (*Corpus, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, errors.New("corpus: no .yaml files")
	}
	sort.Strings(names)
	c := &Corpus{types: map[fanzha.ScamType]*TypeInfo{}, byID: map[string]int{}}
	where := map[string]string{} // script id → file, for duplicate errors
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("corpus %s: %w", name, err)
		}
		var info TypeInfo
		if err := yaml.Unmarshal(b, &info); err != nil {
			return nil, fmt.Errorf("corpus %s: %w", name, err)
		}
		if err := c.add(name, &info, where); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (c *Corpus) add(file string, info *TypeInfo, where map[string]string) error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("corpus %s: "+format, append([]any{file}, args...)...)
	}
	if !info.Type.Valid() {
		return fail("unknown type %q", info.Type)
	}
	if want := strings.TrimSuffix(path.Base(file), ".yaml"); string(info.Type) != want {
		return fail("type %q does not match the file name (want %q)", info.Type, want)
	}
	if c.types[info.Type] != nil {
		return fail("type %q defined twice", info.Type)
	}
	if info.Name.ZH == "" || info.Name.EN == "" {
		return fail("name needs zh and en")
	}
	if len(info.Scripts) == 0 {
		return fail("no scripts")
	}
	for i := range info.Scripts {
		s := &info.Scripts[i]
		s.Type = info.Type
		s.Text = strings.TrimSpace(s.Text)
		id := s.ID
		if id == "" {
			return fail("script #%d: empty id", i+1)
		}
		if prev, dup := where[id]; dup {
			return fail("entry %s: duplicate id (also in %s)", id, prev)
		}
		where[id] = file
		if s.Text == "" {
			return fail("entry %s: empty text", id)
		}
		if s.Lang != fanzha.ZH && s.Lang != fanzha.EN {
			return fail("entry %s: lang %q must be zh or en", id, s.Lang)
		}
		if !channels[s.Channel] {
			return fail("entry %s: unknown channel %q", id, s.Channel)
		}
		c.byID[id] = len(c.scripts)
		c.scripts = append(c.scripts, *s)
	}
	c.types[info.Type] = info
	return nil
}

// Info returns the description of type t, or nil when the corpus lacks it.
func (c *Corpus) Info(t fanzha.ScamType) *TypeInfo { return c.types[t] }

// Scripts returns every script, in file order.
func (c *Corpus) Scripts() []Script { return c.scripts }

// Script returns the script with the given id.
func (c *Corpus) Script(id string) (Script, bool) {
	i, ok := c.byID[id]
	if !ok {
		return Script{}, false
	}
	return c.scripts[i], true
}

// Name returns the official name of t in lang ("无诈骗迹象" for none).
func (c *Corpus) Name(t fanzha.ScamType, lang fanzha.Lang) string {
	if info := c.types[t]; info != nil {
		return info.Name.In(lang)
	}
	return string(t)
}
