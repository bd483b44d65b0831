package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/advice"
	"github.com/fanzha/fanzha/classifier"
)

// runCheck assesses one text given as arguments (or "-" for stdin).
func runCheck(ctx context.Context, e *engine, args []string, out io.Writer) error {
	asJSON := false
	var words []string
	for _, a := range args {
		switch a {
		case "--json", "-json":
			asJSON = true
		default:
			words = append(words, a)
		}
	}
	if len(words) == 0 {
		return usageError{"check needs a text, e.g. fanzha check \"有人让我把钱转到安全账户\""}
	}
	text := strings.Join(words, " ")
	a := e.assist.Assess(ctx, "cli", text)
	if asJSON {
		enc := json.NewEncoder(out)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(a)
	}
	_, err := io.WriteString(out, e.advisor.Reply(a, "").Text())
	return err
}

// runChat is a multi-turn conversation in the terminal. Evidence adds up
// across messages; risk never drops until the user types /new.
func runChat(ctx context.Context, e *engine, in io.Reader, out io.Writer) error {
	lang := fanzha.Lang("")
	var conv fanzha.Assessment
	var recent []string // the user's earlier messages in this conversation
	say := func(k string) { fmt.Fprintln(out, advice.Text(k, langOr(lang, fanzha.ZH))) }
	say("chat_welcome")
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for {
		fmt.Fprint(out, "> ")
		if !sc.Scan() {
			fmt.Fprintln(out)
			return sc.Err()
		}
		if ctx.Err() != nil {
			return nil
		}
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "":
			continue
		case line == "/quit" || line == "/exit":
			return nil
		case line == "/new":
			conv, recent = fanzha.Assessment{}, nil
			say("chat_new")
			continue
		case line == "/help" || line == "/start":
			say("chat_welcome")
			continue
		case strings.HasPrefix(line, "/lang"):
			switch strings.TrimSpace(strings.TrimPrefix(line, "/lang")) {
			case "en":
				lang = fanzha.EN
			case "zh":
				lang = fanzha.ZH
			default:
				say("lang_usage")
				continue
			}
			say("lang_set")
			continue
		case line == "/paid":
			fmt.Fprintln(out, e.advisor.StopPayment(langOr(lang, conv.Lang)).Text())
			continue
		}
		a := e.assist.Assess(ctx, "cli", line)
		conv = classifier.Accumulate(conv, a)
		// Evidence spread over messages adds up: judge them together too.
		if len(recent) > 0 && conv.Risk < fanzha.RiskHigh {
			conv = classifier.Accumulate(conv, e.classifier.Classify(ctx, strings.Join(append(recent, line), "\n")))
		}
		if recent = append(recent, line); len(recent) > fanzha.MaxRecent {
			recent = recent[1:]
		}
		fmt.Fprintln(out, e.advisor.Reply(conv, langOr(lang, a.Lang)).Text())
	}
}

func langOr(l, def fanzha.Lang) fanzha.Lang {
	if l != "" {
		return l
	}
	if def == "" {
		return fanzha.ZH
	}
	return def
}
