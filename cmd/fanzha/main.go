// Command fanzha is the Fanzha anti-fraud assistant: a terminal chat, a
// one-shot checker, a JSON-lines classifier, an evaluator and the Telegram
// bot. main only turns signals into a cancelled context; Main wires the
// components from the configuration.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"
	_ "time/tzdata" // FANZHA_TIMEZONE works on an image without a zone database

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/advice"
	"github.com/fanzha/fanzha/assist"
	"github.com/fanzha/fanzha/classifier"
	"github.com/fanzha/fanzha/config"
	"github.com/fanzha/fanzha/conversation"
	"github.com/fanzha/fanzha/knowledge"
	"github.com/fanzha/fanzha/ocr"
)

const usage = `fanzha — 反诈助手 / anti-fraud assistant

usage:
  fanzha chat                     talk in the terminal (same replies as Telegram)
  fanzha check [--json] TEXT      assess one text ("-": read it from stdin)
  fanzha check [--json] --image FILE
                                  read a screenshot (PNG, JPEG, WebP: text and QR codes) and assess it
  fanzha classify [FILE]          JSON lines {"text": ...} or {"image": PATH} (stdin or FILE) → one verdict per line
  fanzha train --out DIR          train the model from training/ and the corpus (deterministic)
  fanzha eval --cv register|author  leave-one-register (author)-out cross-validation
  fanzha eval --data FILE         precision / recall / F1 and confusion matrix on a labelled set
  fanzha eval --images DIR        OCR char accuracy, QR rate and verdict agreement on a rendered image set
  fanzha serve                    run the Telegram bot (FANZHA_TELEGRAM_TOKEN)
  fanzha healthcheck [--addr HOST:PORT]
                                  exit 0 when the bot at FANZHA_LISTEN (or HOST:PORT) is ready

settings: FANZHA_* environment variables or a YAML file (--config FILE or FANZHA_CONFIG).
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := NewMain()
	err := m.Run(ctx, os.Args[1:])
	m.Close()
	if err != nil && !errors.Is(err, context.Canceled) {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(os.Stderr, "fanzha: %v\n\n%s", err, usage)
			os.Exit(2)
		}
		fmt.Fprintf(os.Stderr, "fanzha: %v\n", err)
		os.Exit(1)
	}
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// Main is the program: its streams, environment and the components it wires.
type Main struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// Config, when set, is used instead of loading one (tests set it).
	Config *config.Config
	// Now, when set, is the clock of the officers' counts, report and
	// console (tests script a week with it); time.Now otherwise.
	Now func() time.Time

	closers []func() error
	pics    pictureSource
}

// NewMain returns a Main on the process's streams and environment.
func NewMain() *Main {
	return &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
}

// Close releases what Run opened.
func (m *Main) Close() error {
	var errs []error
	for i := len(m.closers) - 1; i >= 0; i-- {
		errs = append(errs, m.closers[i]())
	}
	m.closers = nil
	return errors.Join(errs...)
}

// Run executes one subcommand.
func (m *Main) Run(ctx context.Context, args []string) error {
	configPath := ""
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		switch {
		case args[0] == "--config" && len(args) > 1:
			configPath, args = args[1], args[2:]
		case strings.HasPrefix(args[0], "--config="):
			configPath, args = strings.TrimPrefix(args[0], "--config="), args[1:]
		case args[0] == "-h" || args[0] == "--help":
			fmt.Fprint(m.Stdout, usage)
			return nil
		default:
			return usageError{fmt.Sprintf("unknown option %s", args[0])}
		}
	}
	if len(args) == 0 {
		return usageError{"no command given"}
	}
	if m.Config == nil {
		c, err := config.Load(configPath, m.Getenv)
		if err != nil {
			return err
		}
		m.Config = &c
	}
	cmd, rest := args[0], args[1:]
	var run func(*engine) error
	var mods []func(*assist.Options)
	switch cmd {
	case "healthcheck":
		// No engine: a probe must be quick.
		return runHealthcheck(ctx, m.Config.Listen, rest, m.Stdout)
	case "chat":
		if len(rest) > 0 {
			return usageError{fmt.Sprintf("chat: unexpected argument %s", rest[0])}
		}
		run = func(e *engine) error {
			conv, err := m.frontConversation(ctx, e)
			if err != nil {
				return err
			}
			return runChat(ctx, conv, m.Stdin, m.Stdout)
		}
	case "check":
		run = func(e *engine) error {
			conv, err := m.frontConversation(ctx, e)
			if err != nil {
				return err
			}
			return runCheckWith(ctx, conv, m.pictureEngine, rest, m.Stdin, m.Stdout)
		}
	case "classify":
		in, err := m.classifyInput(rest)
		if err != nil {
			return err
		}
		run = func(e *engine) error {
			e.pictures = m.pictureEngine
			return runClassify(ctx, e, in, m.Stdout, m.Stderr)
		}
	case "eval":
		run = func(e *engine) error { return runEval(ctx, e, rest, m.Stdout) }
		// One caller measuring a whole set: the per-user limits do not apply.
		mods = append(mods, noLimits)
	case "train":
		run = func(e *engine) error { return runTrain(ctx, e, rest, m.Stdout) }
	case "serve":
		if len(rest) > 0 {
			return usageError{fmt.Sprintf("serve: unexpected argument %s (settings come from FANZHA_* or --config)", rest[0])}
		}
		if _, err := classifier.Embedded(); err != nil {
			return fmt.Errorf("classifier: %w", err)
		}
		return m.serve(ctx)
	case "help":
		fmt.Fprint(m.Stdout, usage)
		return nil
	}
	if run != nil {
		// Only training may run without a usable embedded model.
		if _, err := classifier.Embedded(); err != nil && cmd != "train" {
			return fmt.Errorf("classifier: %w", err)
		}
		e, err := m.engine(mods...)
		if err != nil {
			return err
		}
		return run(e)
	}
	return usageError{fmt.Sprintf("unknown command %q", cmd)}
}

// classifyInput is what `classify [FILE]` reads: FILE, or stdin ("-" or
// nothing).
func (m *Main) classifyInput(args []string) (io.Reader, error) {
	switch {
	case len(args) == 0 || len(args) == 1 && args[0] == "-":
		return m.Stdin, nil
	case len(args) > 1:
		return nil, usageError{"classify takes at most one FILE"}
	case strings.HasPrefix(args[0], "-"):
		return nil, usageError{fmt.Sprintf("classify: unknown flag %s", args[0])}
	}
	f, err := os.Open(args[0])
	if err != nil {
		return nil, fmt.Errorf("classify: %w", err)
	}
	m.closers = append(m.closers, f.Close)
	return f, nil
}

// engine is what every front end shares: the corpus, its index, the
// classifier and the reply writer.
type engine struct {
	corpus     *knowledge.Corpus
	classifier *classifier.Classifier
	advisor    *advice.Advisor
	assist     *assist.Engine
	// pictures gives the OCR engine for {"image": PATH} lines (nil: none).
	pictures func() (*ocr.Engine, error)
	picOnce  sync.Once
	picSlots chan struct{}
}

func (m *Main) engine(mods ...func(*assist.Options)) (*engine, error) {
	return m.engineWith(m.logger(), mods...)
}

// engineWith is engine with the logger the assistant writes to.
func (m *Main) engineWith(log *slog.Logger, mods ...func(*assist.Options)) (*engine, error) {
	corpus, err := knowledge.Embedded()
	if err != nil {
		return nil, fmt.Errorf("load corpus: %w", err)
	}
	idx, err := knowledge.NewIndex(corpus)
	if err != nil {
		return nil, err
	}
	m.closers = append(m.closers, idx.Close)
	cls := classifier.New(idx)
	as, err := newAssist(m.Config, cpuBound(cls.Classify), log, mods...)
	if err != nil {
		return nil, err
	}
	adv, err := advice.New(corpus, advice.Options{Hotline: m.Config.Hotline, Police: m.Config.Police})
	if err != nil {
		return nil, err
	}
	return &engine{corpus: corpus, classifier: cls, advisor: adv, assist: as}, nil
}

// frontConversation is the conversation engine of the terminal front
// ends, with the blocklist in Redis when one is configured.
func (m *Main) frontConversation(ctx context.Context, e *engine) (*conversation.Service, error) {
	log := m.logger()
	st, err := m.openStores(ctx, log)
	if err != nil {
		return nil, err
	}
	return e.conversation(st.review, m.Config.Session.TTL, log)
}

// conversation is the one conversation engine on e: the rules, the
// optional assistant for what users ask about, and the blocklist when
// there is one (nil: none).
func (e *engine) conversation(bl fanzha.Blocklist, ttl time.Duration, log *slog.Logger, mods ...func(*conversation.Options)) (*conversation.Service, error) {
	o := conversation.Options{
		Classify:   cpuBound(e.classifier.Classify),
		Assess:     e.assist.Assess,
		Advisor:    e.advisor,
		Blocklist:  bl,
		SessionTTL: ttl,
		Logger:     log,
	}
	for _, mod := range mods {
		mod(&o)
	}
	return conversation.New(o)
}

func (m *Main) logger() *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(m.Config.LogLevel))
	return slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: lvl}))
}

// cpuSlots bounds the judgements computed at once to the processors Go
// runs on. A judgement is pure computation; with more of them runnable
// than processors, a reply that has just been sent waits behind them (Go's
// time slices) before its update is removed from the inbox — the window in
// which a kill -9 makes a reply go out twice — and every reply's latency
// grows with the crowd.
var cpuSlots = make(chan struct{}, runtime.GOMAXPROCS(0))

// cpuBound runs classify in a processor slot.
func cpuBound(classify func(context.Context, string) fanzha.Assessment) func(context.Context, string) fanzha.Assessment {
	return func(ctx context.Context, text string) fanzha.Assessment {
		cpuSlots <- struct{}{}
		defer func() { <-cpuSlots }()
		return classify(ctx, text)
	}
}
