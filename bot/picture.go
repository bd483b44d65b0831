package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/advice"
	"github.com/fanzha/fanzha/conversation"
	"github.com/fanzha/fanzha/ocr"
	"github.com/fanzha/fanzha/picture"
)

// Pictures: photos, images sent as documents, albums, forwarded photos and
// /check in reply to a photo. A picture is downloaded through the Bot API
// (getFile, then BASE/file/bot<token>/<file_path>) with its size checked
// before and while downloading, read by the OCR engine (its own small
// pool of tesseract processes), and judged as a picture's text. While it
// is read, the chat sees "正在识别图片…", edited into the verdict.
//
// A picture holds its chat's queue (per-chat order), but not a dispatcher
// worker: the worker is given back while the picture is downloaded and
// read, so a burst of photos never delays other chats' text replies. The
// bytes are dropped once read; only the text and QR payloads are kept.

// albumQuiet is how long an album waits after its latest photo before it
// is read: Telegram delivers an album's photos as separate updates, close
// together. albumMax bounds the wait, and albumSize the photos read.
const (
	albumQuiet = 800 * time.Millisecond
	albumMax   = 5 * time.Second
	albumSize  = 10
)

// picRef is one picture of a message: its file and what Telegram says of
// its size before it is downloaded.
type picRef struct {
	fileID string
	size   int64 // bytes, 0 when unknown
	// bad: refused without downloading (too large, not a picture format).
	bad error
}

// pictureOf finds the picture in m: the largest photo size, or a document that says it is an image. ok is false when m
// carries no picture (a voice message, a video…: those get "can't read
// this yet").
func (b *Bot) pictureOf(m *tgbotapi.Message) (picRef, bool) {
	lim := b.picLimits()
	switch {
	case len(m.Photo) > 0:
		// The largest size: a smaller one is too blurred to read.
		p := m.Photo[0]
		for _, x := range m.Photo[1:] {
			if x.Width*x.Height > p.Width*p.Height {
				p = x
			}
		}
		if int64(p.FileSize) > lim.MaxBytes || int64(p.Width)*int64(p.Height) > lim.MaxPixels {
			return picRef{bad: fmt.Errorf("%w: photo of %d bytes, %d×%d", ocr.ErrTooLarge, p.FileSize, p.Width, p.Height)}, true
		}
		return picRef{fileID: p.FileID, size: int64(p.FileSize)}, true
	case m.Document != nil:
		d := m.Document
		mt := strings.ToLower(d.MimeType)
		ext := strings.ToLower(path.Ext(d.FileName))
		image := strings.HasPrefix(mt, "image/") || ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".webp"
		switch {
		case !image:
			return picRef{bad: fmt.Errorf("%w: a document of type %q", ocr.ErrUnsupported, mt)}, true
		case int64(d.FileSize) > lim.MaxBytes:
			return picRef{bad: fmt.Errorf("%w: document of %d bytes", ocr.ErrTooLarge, d.FileSize)}, true
		}
		return picRef{fileID: d.FileID, size: int64(d.FileSize)}, true
	}
	return picRef{}, false
}

func (b *Bot) picLimits() ocr.Limits {
	if b.opts.Pictures != nil {
		return b.opts.Pictures.Options().Limits
	}
	return ocr.Limits{MaxBytes: ocr.DefaultMaxBytes, MaxPixels: ocr.DefaultMaxPixels}
}

// errFileTooBig is the Bot API's refusal to hand a bot a file over 20 MB.
const errFileTooBig = "file is too big"

// download fetches a file through the Bot API: getFile, then the file
// itself from API/file/bot<token>/<file_path>. The size is checked against
// the limit before asking (what the message said), after getFile
// (file_size), from Content-Length, and while reading. Errors are
// redacted; an oversized file is ocr.ErrTooLarge.
func (b *Bot) download(ctx context.Context, ref picRef) ([]byte, error) {
	max := b.picLimits().MaxBytes
	if ref.size > max {
		return nil, fmt.Errorf("%w: %d bytes", ocr.ErrTooLarge, ref.size)
	}
	resp, err := b.request(ctx, tgbotapi.FileConfig{FileID: ref.fileID})
	if err != nil {
		if te, ok := apiError(err); ok && strings.Contains(strings.ToLower(te.Message), errFileTooBig) {
			return nil, fmt.Errorf("%w: getFile: %s", ocr.ErrTooLarge, te.Message)
		}
		return nil, fmt.Errorf("getFile: %w", err)
	}
	var f tgbotapi.File
	if err := json.Unmarshal(resp.Result, &f); err != nil {
		return nil, fmt.Errorf("getFile: %w", err)
	}
	if int64(f.FileSize) > max {
		return nil, fmt.Errorf("%w: file_size %d", ocr.ErrTooLarge, f.FileSize)
	}
	if f.FilePath == "" {
		return nil, errors.New("getFile: no file_path")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.opts.API+"/file/bot"+b.opts.Token+"/"+strings.TrimLeft(f.FilePath, "/"), nil)
	if err != nil {
		return nil, b.redact.Error(err)
	}
	hr, err := b.sendClient.Do(req)
	if err != nil {
		return nil, b.redact.Error(fmt.Errorf("download: %w", err))
	}
	defer hr.Body.Close()
	if hr.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download: HTTP %d", hr.StatusCode)
	}
	if hr.ContentLength > max {
		return nil, fmt.Errorf("%w: Content-Length %d", ocr.ErrTooLarge, hr.ContentLength)
	}
	data, err := picture.ReadLimited(hr.Body, max)
	if err != nil {
		return nil, b.redact.Error(fmt.Errorf("download: %w", err))
	}
	return data, nil
}

// readPictures downloads and reads refs one after another, outside the
// dispatcher's workers. It returns the merged evidence of those read, how
// many could not be, and the first error.
func (b *Bot) readPictures(ctx context.Context, refs []picRef) (ev picture.Evidence, failed int, first error) {
	var evs []picture.Evidence
	b.disp.outside(func() {
		for _, r := range refs {
			e, err := b.readOne(ctx, r)
			if err != nil {
				failed++
				if first == nil {
					first = err
				}
				if ocr.Code(err) == "internal" {
					b.log.Warn("cannot read a picture", "err", b.redact.Error(err))
				}
				continue
			}
			evs = append(evs, e)
		}
	})
	if len(evs) == 0 {
		return picture.Evidence{}, failed, first
	}
	return picture.Merge(evs...), failed, nil
}

func (b *Bot) readOne(ctx context.Context, r picRef) (picture.Evidence, error) {
	if r.bad != nil {
		return picture.Evidence{}, r.bad
	}
	if b.opts.Pictures == nil {
		return picture.Evidence{}, ocr.ErrUnavailable
	}
	data, err := b.download(ctx, r)
	if err != nil {
		return picture.Evidence{}, err
	}
	return picture.Of(ctx, b.opts.Pictures, data)
}

// placeholder sends "正在识别图片…" and returns its message id (0 when it
// could not be sent: the verdict is then sent as a new message).
func (b *Bot) placeholder(ctx context.Context, chatID int64, replyTo int, lang fanzha.Lang) int {
	msg := tgbotapi.NewMessage(chatID, picture.Reading.In(lang))
	if replyTo != 0 {
		msg.ReplyToMessageID = replyTo
		msg.AllowSendingWithoutReply = true
	}
	resp, err := b.request(ctx, msg)
	if err != nil {
		b.sendFailed(chatID, err)
		return 0
	}
	var sent tgbotapi.Message
	if json.Unmarshal(resp.Result, &sent) != nil {
		return 0
	}
	return sent.MessageID
}

// deliver sends a reply, or edits it into the placeholder s.edit. A long
// reply fills the placeholder with its first part and sends the rest; an
// edit Telegram refuses is sent as a new message.
func (b *Bot) deliver(ctx context.Context, s saying, text string, kb *tgbotapi.InlineKeyboardMarkup) error {
	if s.edit == 0 {
		return b.sendHTML(ctx, s.chatID, s.replyTo, text, kb)
	}
	parts := Split(text, MaxMessageLen)
	e := tgbotapi.NewEditMessageText(s.chatID, s.edit, parts[0])
	e.ParseMode = tgbotapi.ModeHTML
	e.DisableWebPagePreview = true
	if len(parts) == 1 {
		e.ReplyMarkup = kb
	}
	if _, err := b.request(ctx, e); err != nil {
		b.log.Debug("cannot edit the placeholder; sending the reply", "chat_id", s.chatID, "err", err)
		return b.sendHTML(ctx, s.chatID, s.replyTo, text, kb)
	}
	if len(parts) > 1 {
		return b.sendHTML(ctx, s.chatID, 0, strings.Join(parts[1:], "\n"), kb)
	}
	return nil
}

// withQuote puts what was read at the top of a verdict: the recognised
// text it judged (short, masked), the QR payloads, low confidence; and
// how many pictures of an album could not be read.
func withQuote(out conversation.Outcome, ev picture.Evidence, failed int) conversation.Outcome {
	if out.Reply == nil {
		return out
	}
	r := *out.Reply
	lines := ev.Quote(out.Lang)
	if failed > 0 {
		lines = append(lines, fmt.Sprintf(advice.Text("bot_pictures_failed", out.Lang), failed))
	}
	r.Sections = append([]advice.Section{{Title: picture.QuoteTitle(out.Lang), Lines: lines}}, r.Sections...)
	out.Reply = &r
	return out
}

// pictureText is what a picture is judged on: what was read in it, and
// the caption of a forwarded picture (the other side's words). A
// citizen's own caption ("这是对方发来的截图") is not evidence.
func pictureText(ev picture.Evidence, caption string, forwarded bool) string {
	t := ev.JudgeText()
	if forwarded && strings.TrimSpace(caption) != "" {
		t = strings.TrimSpace(caption) + "\n" + t
	}
	return t
}

// privatePicture answers a picture in a private chat. An album's photos
// are gathered and read together, later, as one job of the chat.
func (b *Bot) privatePicture(ctx context.Context, pc *privateChat, ref picRef, lang fanzha.Lang) {
	m := pc.in.u.Message
	if m.MediaGroupID != "" {
		b.albums.add(b, albumKey{pc.chatID, m.MediaGroupID}, albumItem{ref: ref, msgID: m.MessageID, caption: m.Caption, fwd: pc.in.fwd != nil, in: pc.in})
		return
	}
	b.answerPictures(ctx, pc, []picRef{ref}, m.MessageID, m.Caption, pc.in.fwd != nil, lang)
}

// answerPictures reads pictures sent in a private chat and answers them as
// one message of the conversation.
func (b *Bot) answerPictures(ctx context.Context, pc *privateChat, refs []picRef, msgID int, caption string, forwarded bool, lang fanzha.Lang) {
	edit := b.placeholder(ctx, pc.chatID, msgID, lang)
	ev, failed, err := b.readPictures(ctx, refs)
	if err != nil && strings.TrimSpace(caption) != "" {
		// The picture cannot be read, its caption can: judge that, and say
		// the picture was not read.
		pc.input.Kind, pc.input.Text = kindOf(pc.in.fwd), caption
		sess, out := b.conv.Message(ctx, pc.sess, pc.input)
		if out.Reply != nil {
			r := *out.Reply
			r.Notes = append(r.Notes, picture.ErrorText(err, out.Lang))
			out.Reply = &r
		}
		pc.edit = edit
		b.finish(ctx, pc, sess, out, msgID)
		return
	}
	if err != nil {
		b.metrics.Error("picture_" + ocr.Code(err))
		b.deliver(ctx, saying{chatID: pc.chatID, replyTo: msgID, edit: edit}, esc(picture.ErrorText(err, lang)), nil)
		b.log.Debug("picture not read", "update_id", pc.in.id, "chat_id", pc.chatID, "code", ocr.Code(err))
		return
	}
	pc.input.Kind, pc.input.Text = fanzha.MsgPicture, pictureText(ev, caption, forwarded)
	sess, out := b.conv.Message(ctx, pc.sess, pc.input)
	pc.edit = edit
	b.finish(ctx, pc, sess, withQuote(out, ev, failed), msgID)
	if out.View != nil {
		b.log.Debug("assessed a picture", "update_id", pc.in.id, "chat_id", pc.chatID, "verdict", out.View.Assessment.String(),
			"pictures", len(refs), "qr", len(ev.QR), "low_confidence", ev.LowConfidence, "forwarded", forwarded)
	}
}

// groupPicture answers /check (or a mention) in reply to a picture in a
// group: the picture is judged on its own, like any message there.
func (b *Bot) groupPicture(ctx context.Context, in *incoming, r *tgbotapi.Message, ref picRef, words string, lang fanzha.Lang) {
	m := in.u.Message
	chatID, user := m.Chat.ID, senderID(m)
	edit := b.placeholder(ctx, chatID, r.MessageID, lang)
	ev, _, err := b.readPictures(ctx, []picRef{ref})
	if err != nil {
		b.deliver(ctx, saying{chatID: chatID, replyTo: r.MessageID, edit: edit}, esc(picture.ErrorText(err, lang)), nil)
		return
	}
	_, out := b.conv.Message(ctx, fanzha.Session{}, conversation.Input{
		Kind: fanzha.MsgPicture, Text: pictureText(ev, r.Caption, in.replyFwd != nil), Place: conversation.Group,
		UserKey: userKey(user), UserLang: userLang(m.From), Asker: words,
	})
	b.noteBlocklist(out)
	b.say(ctx, saying{chatID: chatID, replyTo: r.MessageID, asker: user, edit: edit}, withQuote(out, ev, 0))
}

// --- albums ---

type albumKey struct {
	chat  int64
	group string
}

type albumItem struct {
	ref     picRef
	msgID   int
	caption string
	fwd     bool
	in      *incoming
}

// albums gathers the photos of media groups until they stop arriving.
type albums struct {
	mu     sync.Mutex
	groups map[albumKey]*album
}

type album struct {
	items []albumItem
	last  time.Time
	first time.Time
}

// add records an album's photo; the first starts the wait.
func (a *albums) add(b *Bot, k albumKey, it albumItem) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.groups == nil {
		a.groups = map[albumKey]*album{}
	}
	g, ok := a.groups[k]
	now := time.Now()
	if !ok {
		g = &album{first: now}
		a.groups[k] = g
		time.AfterFunc(albumQuiet, func() { a.ripe(b, k) })
	}
	g.last = now
	if len(g.items) < albumSize {
		g.items = append(g.items, it)
	}
}

// ripe reads an album once no photo arrived for albumQuiet (or albumMax
// passed), as one job of its chat.
func (a *albums) ripe(b *Bot, k albumKey) {
	a.mu.Lock()
	g := a.groups[k]
	if wait := albumQuiet - time.Since(g.last); wait > 0 && time.Since(g.first) < albumMax {
		a.mu.Unlock()
		time.AfterFunc(wait, func() { a.ripe(b, k) })
		return
	}
	delete(a.groups, k)
	a.mu.Unlock()
	ok := b.disp.submit(k.chat, func() {
		defer func() {
			if v := recover(); v != nil {
				b.metrics.Error("panic")
				b.log.Error("panic while reading an album", "chat_id", k.chat, "panic", fmt.Sprint(v))
			}
		}()
		b.answerAlbum(b.hardCtx, k, g.items)
	})
	if !ok {
		b.log.Warn("album not read: shutting down", "chat_id", k.chat, "pictures", len(g.items))
	}
}

// answerAlbum judges an album's pictures together, as one message.
func (b *Bot) answerAlbum(ctx context.Context, k albumKey, items []albumItem) {
	first := items[0]
	m := first.in.u.Message
	pc := &privateChat{in: first.in, chatID: k.chat, user: senderID(m), key: sessionKey(k.chat)}
	pc.sess, pc.remembered = b.loadSession(ctx, pc.key)
	pc.input = conversation.Input{Place: conversation.Private, UserKey: userKey(pc.user), UserLang: userLang(m.From)}
	lang := b.conv.SessionLang(pc.sess, pc.input.UserLang)
	refs := make([]picRef, len(items))
	var captions []string
	fwd := false
	for i, it := range items {
		refs[i] = it.ref
		fwd = fwd || it.fwd
		if c := strings.TrimSpace(it.caption); c != "" {
			captions = append(captions, c)
		}
	}
	b.answerPictures(ctx, pc, refs, first.msgID, strings.Join(captions, "\n"), fwd, lang)
}

// groupPictureOf answers a question in a group about r when r is a
// picture, and reports whether it was one.
func (b *Bot) groupPictureOf(ctx context.Context, in *incoming, r *tgbotapi.Message, words string, lang fanzha.Lang) bool {
	if r.Animation != nil || b.opts.Pictures == nil {
		return false
	}
	ref, ok := b.pictureOf(r)
	if !ok {
		return false
	}
	b.groupPicture(ctx, in, r, ref, words, lang)
	return true
}

// unsupported is the answer to what the bot cannot read: pictures are
// read (when they can be), voice messages, videos, stickers… are not yet.
func (b *Bot) unsupported(m *tgbotapi.Message, lang fanzha.Lang) string {
	if m.Animation != nil {
		return picture.ErrorText(ocr.ErrAnimated, lang)
	}
	if b.opts.Pictures == nil {
		return b.text("bot_unsupported", lang)
	}
	return b.text("bot_unsupported_media", lang)
}
