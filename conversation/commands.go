package conversation

import (
	"strings"
	"unicode"
)

// Command is a slash command, by its canonical name.
type Command string

// The commands. Commands lists each once, with where it works.
const (
	CmdStart   Command = "start"
	CmdHelp    Command = "help"
	CmdNew     Command = "new"
	CmdForget  Command = "forget"
	CmdLang    Command = "lang"
	CmdHotline Command = "hotline"
	CmdPaid    Command = "paid"
	CmdCheck   Command = "check"
	CmdQuit    Command = "quit"
	CmdQueue   Command = "queue"
	CmdCase    Command = "case"
	CmdStats   Command = "stats"
	CmdReport  Command = "report"
	CmdConsole Command = "console"
	CmdBlocked Command = "blocked"
	CmdUnblock Command = "unblock"
)

// Where is a set of places a command works in.
type Where uint8

const (
	InPrivate  Where = 1 << iota // a private chat with the bot
	InGroup                      // a group (addressed to the bot)
	InTerminal                   // `fanzha chat`
	InReview                     // officers only: the review chat, or an officer's private chat
)

// CommandInfo documents one command.
type CommandInfo struct {
	Name    Command
	Aliases []string
	Where   Where
	// Doc is what the command does (for readers of the code; the users'
	// help texts are in advice).
	Doc string
}

// Commands is the one table of commands: the bot and the terminal chat
// both route through it.
var Commands = []CommandInfo{
	{Name: CmdStart, Where: InPrivate | InGroup | InTerminal, Doc: "greeting: what Fanzha does, what it keeps, the numbers"},
	{Name: CmdHelp, Where: InPrivate | InGroup | InTerminal, Doc: "the list of commands"},
	{Name: CmdNew, Where: InPrivate | InTerminal, Doc: "start a new conversation: evidence, messages and answers go; the language stays"},
	{Name: CmdForget, Where: InPrivate | InTerminal, Doc: "delete everything kept about this conversation"},
	{Name: CmdLang, Aliases: []string{"language"}, Where: InPrivate | InTerminal, Doc: "/lang zh or /lang en: choose the reply language"},
	{Name: CmdHotline, Where: InPrivate | InGroup | InTerminal, Doc: "the anti-fraud hotline and the police number"},
	{Name: CmdPaid, Where: InPrivate | InTerminal, Doc: "money has left: stop-payment steps now, and first in every later reply"},
	{Name: CmdCheck, Where: InPrivate | InGroup | InTerminal, Doc: "judge one message: the one replied to, or the text after the command"},
	{Name: CmdQuit, Aliases: []string{"exit"}, Where: InTerminal, Doc: "leave the terminal chat"},
	{Name: CmdQueue, Where: InReview, Doc: "officers: the open cases, oldest first"},
	{Name: CmdCase, Where: InReview, Doc: "officers: one case, with its buttons and audit log"},
	{Name: CmdStats, Where: InReview, Doc: "officers: this week's cases by scam type"},
	{Name: CmdReport, Where: InReview, Doc: "officers: this week's report so far (/report last: last week), a chart and the text"},
	{Name: CmdConsole, Where: InReview, Doc: "officers, in a private chat: a one-time sign-in link to the web console"},
	{Name: CmdBlocked, Where: InReview, Doc: "officers: /blocked [text]: the blocklist's live entries (containing text), newest first, with case, officer and expiry"},
	{Name: CmdUnblock, Where: InReview, Doc: "officers: /unblock VALUE: take a phone, account, QQ/WeChat id or domain off the blocklist (audited)"},
}

// Lookup finds a command by name or alias (case-insensitive).
func Lookup(name string) (CommandInfo, bool) {
	name = strings.ToLower(name)
	for _, c := range Commands {
		if string(c.Name) == name {
			return c, true
		}
		for _, a := range c.Aliases {
			if a == name {
				return c, true
			}
		}
	}
	return CommandInfo{}, false
}

// Parsed is a command line as typed: "/name@target args".
type Parsed struct {
	Name   string // lower-cased, as typed (may be unknown)
	Target string // the bot it is addressed to, empty for anyone
	Args   string
}

// Info returns the command's table entry, false when unknown.
func (p Parsed) Info() (CommandInfo, bool) { return Lookup(p.Name) }

// ParseCommand reads "/cmd@target args". It does not trust Telegram's
// entities (their offsets are UTF-16 and may be wrong in a malformed
// update).
func ParseCommand(text string) (Parsed, bool) {
	if !strings.HasPrefix(text, "/") {
		return Parsed{}, false
	}
	first, rest := text, ""
	if i := strings.IndexFunc(text, unicode.IsSpace); i >= 0 {
		first, rest = text[:i], text[i:]
	}
	name, target, _ := strings.Cut(first[1:], "@")
	if name == "" || len(name) > 32 {
		return Parsed{}, false
	}
	for _, c := range name {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return Parsed{}, false
		}
	}
	return Parsed{Name: strings.ToLower(name), Target: target, Args: strings.TrimSpace(rest)}, true
}
