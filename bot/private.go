package bot

import (
	"context"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/conversation"
)

// privateChat is one update in a private chat: its conversation as loaded.
type privateChat struct {
	in     *incoming
	chatID int64
	user   int64
	key    string
	sess   fanzha.Session
	// remembered is false when the session could not be read: the reply
	// is then about this message alone, says so, and nothing is written
	// over the stored conversation.
	remembered bool
	input      conversation.Input
	// edit is the placeholder a picture's verdict is edited into.
	edit int
}

func (b *Bot) onPrivate(ctx context.Context, in *incoming) {
	m := in.u.Message
	pc := &privateChat{in: in, chatID: m.Chat.ID, user: senderID(m), key: sessionKey(m.Chat.ID)}
	pc.sess, pc.remembered = b.loadSession(ctx, pc.key)
	pc.input = conversation.Input{Place: conversation.Private, UserKey: userKey(pc.user), UserLang: userLang(m.From)}
	lang := b.conv.SessionLang(pc.sess, pc.input.UserLang)

	// The per-user rate limit was applied at intake.
	if p, ok := b.command(in); ok && b.forMe(p.Target) {
		b.privateCommand(ctx, pc, p)
		return
	}
	if ref, ok := b.pictureOf(m); ok && m.Animation == nil && b.opts.Pictures != nil {
		b.privatePicture(ctx, pc, ref, lang)
		return
	}
	text := messageText(m)
	if isSpaceOnly(text) {
		// A voice message, a video, a sticker…
		if hasMedia(m) {
			b.sendPlain(ctx, pc.chatID, 0, b.unsupported(m, lang), nil)
		}
		return
	}
	pc.input.Kind, pc.input.Text = kindOf(in.fwd), text
	b.converse(ctx, pc, m.MessageID)
}

// converse hands pc's message to the conversation and answers. A forward
// is answered in reply to it; the user's own words are not quoted back.
func (b *Bot) converse(ctx context.Context, pc *privateChat, msgID int) {
	sess, out := b.conv.Message(ctx, pc.sess, pc.input)
	replyTo := 0
	if pc.input.Kind != fanzha.MsgOwn {
		replyTo = msgID
	}
	b.finish(ctx, pc, sess, out, replyTo)
	if out.View != nil {
		b.log.Debug("assessed", "update_id", pc.in.id, "chat_id", pc.chatID, "verdict", out.View.Assessment.String(),
			"forwarded", pc.input.Kind == fanzha.MsgForwarded, "origin", originOf(pc.in.fwd))
	}
}

func (b *Bot) privateCommand(ctx context.Context, pc *privateChat, p conversation.Parsed) {
	m := pc.in.u.Message
	if b.isOfficerCommand(p, pc.chatID, pc.user, true) {
		b.officerCommand(ctx, m, p.Name, p.Args)
		return
	}
	info, ok := p.Info()
	if !ok || info.Where&conversation.InPrivate == 0 {
		b.sendPlain(ctx, pc.chatID, 0, b.text("bot_unknown_command", b.conv.SessionLang(pc.sess, pc.input.UserLang)), nil)
		return
	}
	if info.Name == conversation.CmdCheck {
		if r := m.ReplyToMessage; r != nil && r.Animation == nil && b.opts.Pictures != nil {
			if ref, ok := b.pictureOf(r); ok {
				b.answerPictures(ctx, pc, []picRef{ref}, r.MessageID, r.Caption, pc.in.replyFwd != nil, b.conv.SessionLang(pc.sess, pc.input.UserLang))
				return
			}
		}
		if r := m.ReplyToMessage; r != nil && !isSpaceOnly(messageText(r)) {
			pc.input.Kind, pc.input.Text = kindOf(pc.in.replyFwd), messageText(r)
			b.converse(ctx, pc, 0)
			return
		}
	}
	sess, out := b.conv.Command(ctx, pc.sess, pc.input, info.Name, p.Args)
	b.finish(ctx, pc, sess, out, 0)
}

// finish keeps what the conversation says to keep, then says it.
func (b *Bot) finish(ctx context.Context, pc *privateChat, sess fanzha.Session, out conversation.Outcome, replyTo int) {
	b.noteBlocklist(out)
	if out.Forget {
		if err := b.opts.Sessions.Delete(ctx, pc.key); err != nil {
			b.storeFailed("cannot delete a session", pc.key, err)
			b.sendPlain(ctx, pc.chatID, 0, b.textf("bot_error", out.Lang, b.hotline), nil)
			return
		}
		b.blocked.Delete(pc.chatID)
	}
	forgetful := false
	if out.Store {
		forgetful = !pc.remembered || !b.saveSession(ctx, pc.key, sess)
	}
	b.say(ctx, saying{chatID: pc.chatID, replyTo: replyTo, private: true, forgetful: forgetful, asker: pc.user, edit: pc.edit}, out)
	if out.AskDistrict {
		b.askDistrict(ctx, pc.chatID, out.Lang)
	}
}

// noteBlocklist counts what the blocklist check found.
func (b *Bot) noteBlocklist(out conversation.Outcome) {
	if out.BlocklistErr != nil {
		b.metrics.Error("store")
	}
	if out.BlockHits > 0 {
		b.metrics.event(famBlockHits, "")
	}
}
