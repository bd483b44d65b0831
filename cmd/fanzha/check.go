package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/advice"
	"github.com/fanzha/fanzha/conversation"
	"github.com/fanzha/fanzha/ocr"
)

// runCheck assesses one text given as arguments, or read from stdin when
// the text is "-". It goes through the conversation engine as one message,
// so it says what the bot would say to it.
func runCheck(ctx context.Context, conv *conversation.Service, args []string, stdin io.Reader, out io.Writer) error {
	return runCheckWith(ctx, conv, nil, args, stdin, out)
}

// runCheckWith is runCheck with pictures: `check --image FILE` reads the
// picture with the engine pics gives (nil: pictures cannot be read).
func runCheckWith(ctx context.Context, conv *conversation.Service, pics func() (*ocr.Engine, error), args []string, stdin io.Reader, out io.Writer) error {
	asJSON := false
	var words []string
	image := ""
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--image" || a == "-image":
			if i+1 >= len(args) {
				return usageError{"check: --image needs a FILE"}
			}
			i++
			image = args[i]
		case strings.HasPrefix(a, "--image="):
			image = strings.TrimPrefix(a, "--image=")
		case a == "--":
			words = append(words, args[i+1:]...)
			i = len(args)
		case a == "--json" || a == "-json":
			asJSON = true
		case a != "-" && strings.HasPrefix(a, "-"):
			return usageError{fmt.Sprintf("check: unknown flag %s", a)}
		default:
			words = append(words, a)
		}
	}
	text := strings.Join(words, " ")
	if image != "" {
		if text != "" {
			return usageError{"check: give a TEXT or --image FILE, not both"}
		}
		return checkImage(ctx, conv, pics, image, asJSON, out)
	}
	if text == "-" {
		b, err := io.ReadAll(io.LimitReader(stdin, maxLine+1))
		if err != nil {
			return fmt.Errorf("check: read stdin: %w", err)
		}
		if len(b) > maxLine {
			return fmt.Errorf("check: the text on stdin is longer than %d bytes", maxLine)
		}
		text = string(b)
	}
	if strings.TrimSpace(text) == "" {
		return usageError{"check needs a text, e.g. fanzha check \"有人让我把钱转到安全账户\" (or - to read it from stdin)"}
	}
	_, o := conv.Message(ctx, fanzha.Session{}, conversation.Input{Kind: fanzha.MsgOwn, Text: text, Place: conversation.OneShot, UserKey: "cli"})
	if asJSON {
		enc := json.NewEncoder(out)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(o.View.Assessment)
	}
	_, err := io.WriteString(out, o.Reply.Text())
	return err
}

// runChat is a multi-turn conversation in the terminal, through the same
// engine and the same command table as the bot: evidence adds up across
// messages, risk never drops until /new, /paid sticks.
func runChat(ctx context.Context, conv *conversation.Service, in io.Reader, out io.Writer) error {
	var sess fanzha.Session
	base := conversation.Input{Place: conversation.Terminal, UserKey: "cli"}
	show := func(o conversation.Outcome) {
		switch {
		case o.Reply != nil:
			fmt.Fprintln(out, o.Reply.Text())
		case o.Text != "":
			fmt.Fprintln(out, o.Text)
		}
	}
	_, welcome := conv.Command(ctx, sess, base, conversation.CmdStart, "")
	show(welcome)
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
		line := strings.TrimSpace(cleanLine(sc.Text()))
		if line == "" {
			continue
		}
		var o conversation.Outcome
		if p, ok := conversation.ParseCommand(line); ok {
			info, known := p.Info()
			if !known || info.Where&conversation.InTerminal == 0 {
				fmt.Fprintln(out, advice.Text("chat_unknown_command", conv.SessionLang(sess, "")))
				continue
			}
			sess, o = conv.Command(ctx, sess, base, info.Name, p.Args)
			if o.Quit {
				return nil
			}
		} else {
			input := base
			input.Kind, input.Text = fanzha.MsgOwn, line
			sess, o = conv.Message(ctx, sess, input)
		}
		show(o)
	}
}

// cleanLine applies the editing a terminal left in a line and drops what
// is not text: a backspace or DEL removes the character before it; escape
// sequences (arrow keys, Home, function keys) and other control
// characters are removed; tabs become spaces.
func cleanLine(s string) string {
	if !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	out := make([]rune, 0, len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == '\b' || r == 0x7f:
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		case r == 0x1b:
			i += escapeLen(s[i:])
		case r == '\t':
			out = append(out, ' ')
		case unicode.IsControl(r):
		default:
			out = append(out, r)
		}
	}
	return string(out)
}

// escapeLen is the length of the rest of an escape sequence after ESC:
// CSI ("[" parameters, final byte 0x40–0x7e), SS3 ("O" and one byte), or
// one byte.
func escapeLen(s string) int {
	switch {
	case s == "":
		return 0
	case s[0] == '[':
		for j := 1; j < len(s); j++ {
			if s[j] >= 0x40 && s[j] <= 0x7e {
				return j + 1
			}
		}
		return len(s)
	case s[0] == 'O' && len(s) > 1:
		return 2
	}
	return 1
}
