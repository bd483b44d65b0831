package ocr

import (
	"errors"

	"github.com/fanzha/fanzha"
)

// Error is a failure a user can be told about: a stable code for callers and
// logs, and a message written for the person who sent the picture.
// Sentinels below are *Error values; wrapped errors keep them for errors.Is.
type Error struct {
	Code string
	Msg  fanzha.Text
}

func (e *Error) Error() string { return "ocr: " + e.Code }

// The sentinels callers branch on. Wrap them with fmt.Errorf("%w: …") to add
// detail; UserMessage finds them again.
var (
	ErrTooLarge = &Error{"too_large", fanzha.Text{
		ZH: "图片太大了，无法识别。请截取有文字的部分后再发（不超过 10 MB、4000 万像素）。",
		EN: "This picture is too large to read. Please crop it to the part with text and send it again (at most 10 MB and 40 megapixels).",
	}}
	ErrUnsupported = &Error{"unsupported", fanzha.Text{
		ZH: "这个文件不是我能识别的图片格式。请发送 PNG、JPEG 或 WebP 截图，或直接把文字粘贴过来。",
		EN: "This file is not a picture format I can read. Please send a PNG, JPEG or WebP screenshot, or paste the text.",
	}}
	ErrAnimated = &Error{"animated", fanzha.Text{
		ZH: "这是动图，我只能识别静态图片。请截一张静态截图再发。",
		EN: "This is an animated picture; I can only read still images. Please send a still screenshot.",
	}}
	ErrCorrupt = &Error{"corrupt", fanzha.Text{
		ZH: "这张图片已损坏，无法打开。请重新截图或把文字粘贴过来。",
		EN: "This picture is damaged and cannot be opened. Please take the screenshot again or paste the text.",
	}}
	ErrNoText = &Error{"no_text", fanzha.Text{
		ZH: "图片里没有识别出文字。如果是聊天截图，请发清晰的原图，或把文字粘贴过来。",
		EN: "I found no text in this picture. If it is a chat screenshot, please send the original, sharp image, or paste the text.",
	}}
	ErrBusy = &Error{"busy", fanzha.Text{
		ZH: "现在要识别的图片太多了，请稍后再发一次；文字消息不受影响，可以直接把文字粘贴过来。",
		EN: "Too many pictures are being read right now. Please send it again in a moment, or paste the text — text messages are answered at once.",
	}}
	ErrTimeout = &Error{"timeout", fanzha.Text{
		ZH: "识别这张图片用时太长，已停止。请截取有文字的部分再发，或把文字粘贴过来。",
		EN: "Reading this picture took too long and was stopped. Please crop it to the text, or paste the text.",
	}}
	ErrUnavailable = &Error{"unavailable", fanzha.Text{
		ZH: "图片识别暂时不可用。请把文字粘贴过来。",
		EN: "Picture reading is not available right now. Please paste the text instead.",
	}}
)

// internalMsg is what a user sees for an error that is not one of ours.
var internalMsg = fanzha.Text{
	ZH: "识别图片时出了问题。请把文字粘贴过来。",
	EN: "Something went wrong while reading the picture. Please paste the text instead.",
}

// UserMessage is the message for the person who sent the picture: the
// sentinel's text, or a generic one for internal failures (which are logged,
// never shown).
func UserMessage(err error) fanzha.Text {
	var e *Error
	if errors.As(err, &e) {
		return e.Msg
	}
	return internalMsg
}

// Code is the sentinel's code ("too_large", …), or "internal".
func Code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return "internal"
}
