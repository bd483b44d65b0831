package bot

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// errNoUpdateID marks a body that is not an update at all.
var errNoUpdateID = errors.New("no update_id")

// incoming is one update, decoded twice: by the library, and into our own
// structs for what the library does not know (forward_origin).
type incoming struct {
	id       int64
	received time.Time
	u        tgbotapi.Update
	// fwd is the origin of u.Message when it was forwarded, replyFwd that
	// of the message it replies to, cbReplyFwd that of the message a
	// pressed button's message replies to; nil when not forwarded.
	fwd, replyFwd, cbReplyFwd *forward
	// notice: the sender is over the rate limit; the update gets the one
	// "slow down" notice instead of an answer.
	notice bool
}

// forward says where a forwarded message came from. It holds no name: the
// bot does not need one, and logs must not carry one.
type forward struct {
	// Origin is the forward_origin type: user, hidden_user, chat or
	// channel ("unknown" for a form we do not recognise).
	Origin string
}

type rawUpdate struct {
	Message       *rawMessage `json:"message"`
	CallbackQuery *struct {
		Message *rawMessage `json:"message"`
	} `json:"callback_query"`
}

type rawMessage struct {
	ForwardOrigin      json.RawMessage `json:"forward_origin"`
	ForwardFrom        json.RawMessage `json:"forward_from"`
	ForwardFromChat    *rawChat        `json:"forward_from_chat"`
	ForwardSenderName  string          `json:"forward_sender_name"`
	ForwardDate        int64           `json:"forward_date"`
	IsAutomaticForward bool            `json:"is_automatic_forward"`
	ReplyToMessage     *rawMessage     `json:"reply_to_message"`
}

type rawChat struct {
	Type string `json:"type"`
}

type rawOrigin struct {
	Type string `json:"type"`
}

// decodeUpdate decodes one update. It returns the update id whenever the
// body has one, even when the rest is malformed, so the caller can still
// acknowledge it; err is errNoUpdateID when there is none.
func decodeUpdate(raw []byte, received time.Time) (*incoming, int64, error) {
	var ids struct {
		UpdateID *int64 `json:"update_id"`
	}
	if err := json.Unmarshal(raw, &ids); err != nil {
		return nil, 0, fmt.Errorf("%w: %v", errNoUpdateID, err)
	}
	if ids.UpdateID == nil {
		return nil, 0, errNoUpdateID
	}
	id := *ids.UpdateID
	in := &incoming{id: id, received: received}
	if err := json.Unmarshal(raw, &in.u); err != nil {
		return nil, id, fmt.Errorf("malformed update %d: %w", id, err)
	}
	// The second decode: the library has no forward_origin.
	var ru rawUpdate
	if err := json.Unmarshal(raw, &ru); err != nil {
		return nil, id, fmt.Errorf("malformed update %d: %w", id, err)
	}
	if ru.Message != nil {
		in.fwd = forwardOf(ru.Message)
		if ru.Message.ReplyToMessage != nil {
			in.replyFwd = forwardOf(ru.Message.ReplyToMessage)
		}
	}
	if q := ru.CallbackQuery; q != nil && q.Message != nil && q.Message.ReplyToMessage != nil {
		in.cbReplyFwd = forwardOf(q.Message.ReplyToMessage)
	}
	return in, id, nil
}

// forwardOf reads where m was forwarded from: forward_origin (Bot API 7+),
// else the legacy forward_* fields. Automatic forwards (a channel's posts
// copied into its discussion group) are not forwards by a person.
func forwardOf(m *rawMessage) *forward {
	if m.IsAutomaticForward {
		return nil
	}
	if len(m.ForwardOrigin) > 0 && string(m.ForwardOrigin) != "null" {
		var o rawOrigin
		if err := json.Unmarshal(m.ForwardOrigin, &o); err == nil {
			switch o.Type {
			case "user", "hidden_user", "chat", "channel":
				return &forward{Origin: o.Type}
			}
		}
		return &forward{Origin: "unknown"}
	}
	switch {
	case len(m.ForwardFrom) > 0 && string(m.ForwardFrom) != "null":
		return &forward{Origin: "user"}
	case m.ForwardSenderName != "":
		return &forward{Origin: "hidden_user"}
	case m.ForwardFromChat != nil && m.ForwardFromChat.Type == "channel":
		return &forward{Origin: "channel"}
	case m.ForwardFromChat != nil:
		return &forward{Origin: "chat"}
	case m.ForwardDate > 0:
		return &forward{Origin: "unknown"}
	}
	return nil
}

// kind names the update for metrics.
func (in *incoming) kind() string {
	u := &in.u
	switch {
	case u.Message != nil:
		return "message"
	case u.CallbackQuery != nil:
		return "callback_query"
	case u.EditedMessage != nil:
		return "edited_message"
	case u.ChannelPost != nil, u.EditedChannelPost != nil:
		return "channel_post"
	case u.MyChatMember != nil:
		return "my_chat_member"
	}
	return "other"
}

// key is what orders the update: its chat, else its sender. Updates with
// the same key are handled one at a time, in order.
func (in *incoming) key() int64 {
	u := &in.u
	switch {
	case u.Message != nil && u.Message.Chat != nil:
		return u.Message.Chat.ID
	case u.CallbackQuery != nil && u.CallbackQuery.Message != nil && u.CallbackQuery.Message.Chat != nil:
		return u.CallbackQuery.Message.Chat.ID
	case u.CallbackQuery != nil && u.CallbackQuery.From != nil:
		return u.CallbackQuery.From.ID
	case u.EditedMessage != nil && u.EditedMessage.Chat != nil:
		return u.EditedMessage.Chat.ID
	}
	return 0
}
