package fanzha

import (
	"encoding/json"
	"strings"
	"time"
)

// MessageKind says what a message in a conversation was. Behaviour depends
// on the kind, never on the wording of a text.
type MessageKind string

const (
	// MsgOwn: the citizen's own words.
	MsgOwn MessageKind = "own"
	// MsgForwarded: a message the citizen forwarded or pasted for a
	// verdict; judged on its own, not as their story.
	MsgForwarded MessageKind = "forwarded"
	// MsgPicture: the text read from a picture the citizen sent.
	MsgPicture MessageKind = "picture"
	// MsgAnswer: the citizen's answer to a deciding question (Text is the
	// question and the answer); kept for officers, never judged.
	MsgAnswer MessageKind = "answer"
)

// Own reports whether messages of this kind are the citizen's own account
// of their situation, judged together across a conversation.
func (k MessageKind) Own() bool { return k == MsgOwn || k == "" }

// Message is one entry of a conversation's recent messages.
type Message struct {
	Kind MessageKind `json:"kind"`
	Text string      `json:"text"`
	At   time.Time   `json:"at,omitempty"`
}

// UnmarshalJSON reads a message, and also the plain strings sessions stored
// before messages were typed: "[转发] …" was a forward, "（回答…" and
// "(answered…" were answers to a deciding question, anything else the
// citizen's own words.
func (m *Message) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*m = legacyMessage(s)
		return nil
	}
	type plain Message
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*m = Message(p)
	if m.Kind == "" {
		m.Kind = MsgOwn
	}
	return nil
}

func legacyMessage(s string) Message {
	switch {
	case strings.HasPrefix(s, "[转发] "):
		return Message{Kind: MsgForwarded, Text: strings.TrimPrefix(s, "[转发] ")}
	case strings.HasPrefix(s, "（回答"), strings.HasPrefix(s, "(answered"):
		return Message{Kind: MsgAnswer, Text: s}
	}
	return Message{Kind: MsgOwn, Text: s}
}
