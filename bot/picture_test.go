package bot_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fanzha/fanzha/bot"
	"github.com/fanzha/fanzha/bot/bottest"
	"github.com/fanzha/fanzha/imageset"
	"github.com/fanzha/fanzha/ocr"
)

var (
	ocrOnce sync.Once
	ocrEng  *ocr.Engine
	ocrErr  error
)

// pictures is the real OCR engine (tesseract); tests that need it skip
// without it, and fail in CI.
func pictures(t testing.TB) *ocr.Engine {
	t.Helper()
	ocrOnce.Do(func() { ocrEng, ocrErr = ocr.New(ocr.Options{Queue: 64}) })
	if ocrErr != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(ocrErr)
		}
		t.Skip(ocrErr)
	}
	return ocrEng
}

func withPictures(t testing.TB) func(*bot.Options) {
	eng := pictures(t)
	return func(o *bot.Options) { o.Pictures = eng }
}

// screenshot renders a chat screenshot of msgs as PNG bytes.
func screenshot(t testing.TB, title string, msgs ...string) []byte {
	t.Helper()
	c := imageset.Chat{Title: title}
	for _, m := range msgs {
		c.Msgs = append(c.Msgs, imageset.Msg{Text: m, Time: "15:22"})
	}
	r, err := imageset.Render(c, 1080, imageset.Light)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, r.Image); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func qrPicture(t testing.TB, payload string) []byte {
	img, err := imageset.RenderQR(payload, imageset.QRPlain, 1)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

// edits returns the successful editMessageText calls to chat.
func edits(api *bottest.Server, chat int64) []bottest.Call {
	var out []bottest.Call
	for _, c := range api.Calls("editMessageText") {
		if c.Status == http.StatusOK && c.ChatID() == chat {
			out = append(out, c)
		}
	}
	return out
}

// answerTo waits for a picture's answer in chat: the placeholder, then
// the edit carrying the verdict or the error.
func answerTo(t *testing.T, api *bottest.Server, chat int64) string {
	t.Helper()
	sent := api.WaitSent(t, chat, 1)
	mustContain(t, sent[0].Text(), "正在识别图片")
	e := api.WaitCalls(t, "editMessageText", chat, 1, 60*time.Second)
	return e[0].Text()
}

const scamShot = "您好，我是京东客服，您的百万保障即将扣费，请下载会议软件共享屏幕，把钱转到安全账户。"

func TestPicturePrivate(t *testing.T) {
	api := bottest.NewServer(t)
	start(t, api, withPictures(t))
	shot := screenshot(t, "京东客服", scamShot)

	t.Run("photo", func(t *testing.T) {
		f := api.AddFile("shot.jpg", shot)
		api.Push(bottest.Wrap(bottest.Photo(bottest.PrivateChat(7001), 7001, f, 1080, 1920, "")))
		got := answerTo(t, api, 7001)
		mustContain(t, got, "图片里读到的内容", "百万保障", "96110")
		if f.Downloads.Load() != 1 {
			t.Errorf("downloads %d", f.Downloads.Load())
		}
		if len(api.Sent(7001)) != 1 {
			t.Errorf("want the placeholder only, edited; got %d messages", len(api.Sent(7001)))
		}
	})
	t.Run("document", func(t *testing.T) {
		f := api.AddFile("shot.png", shot)
		api.Push(bottest.Wrap(bottest.Document(bottest.PrivateChat(7002), 7002, f, "shot.png", "image/png")))
		mustContain(t, answerTo(t, api, 7002), "百万保障", "96110")
	})
	t.Run("forwarded photo, size hidden", func(t *testing.T) {
		f := api.AddFile("shot.jpg", shot)
		f.HideSize = true
		m := bottest.Photo(bottest.PrivateChat(7003), 7003, f, 1080, 1920, "")
		m["forward_origin"] = map[string]any{"type": "hidden_user", "date": time.Now().Unix(), "sender_user_name": "客服"}
		api.Push(bottest.Wrap(m))
		mustContain(t, answerTo(t, api, 7003), "百万保障", "96110")
	})
	t.Run("qr code", func(t *testing.T) {
		f := api.AddFile("pay.png", qrPicture(t, "http://jd-zhuxiao.cn/refund"))
		api.Push(bottest.Wrap(bottest.Photo(bottest.PrivateChat(7004), 7004, f, 400, 400, "")))
		mustContain(t, answerTo(t, api, 7004), "二维码内容：http://jd-zhuxiao.cn/refund", "96110")
	})
	t.Run("album judged together", func(t *testing.T) {
		f1 := api.AddFile("a.jpg", screenshot(t, "王老师", "跟着老师带单，投3万每月返3000，稳赚不赔。"))
		f2 := api.AddFile("b.jpg", screenshot(t, "王老师", "今天先把本金转到平台账户，明天就能提现。"))
		for _, f := range []*bottest.File{f1, f2} {
			m := bottest.Photo(bottest.PrivateChat(7005), 7005, f, 1080, 1920, "")
			m["media_group_id"] = "album-1"
			api.Push(bottest.Wrap(m))
		}
		got := answerTo(t, api, 7005)
		mustContain(t, got, "每月返3000", "提现", "96110")
		time.Sleep(300 * time.Millisecond)
		if n := len(api.Sent(7005)); n != 1 {
			t.Errorf("an album gets one answer; %d messages sent", n)
		}
	})
}

func TestPictureGroupCheck(t *testing.T) {
	api := bottest.NewServer(t)
	start(t, api, withPictures(t))
	f := api.AddFile("shot.jpg", screenshot(t, "京东客服", scamShot))
	photo := bottest.Photo(bottest.GroupChat(-7100), 7101, f, 1080, 1920, "")
	api.Push(bottest.Wrap(photo))
	m := bottest.Message(bottest.GroupChat(-7100), 7102, "/check")
	m["reply_to_message"] = photo
	api.Push(bottest.Wrap(m))
	mustContain(t, answerTo(t, api, -7100), "百万保障", "96110")
}

// pngHeader is a PNG that claims w×h pixels (no real pixel data).
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.Write([]byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'})
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		b.WriteString(typ)
		b.Write(data)
		binary.Write(&b, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8] = 8
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x01, 0x02})
	return b.Bytes()
}

func animatedWebP() []byte {
	var b bytes.Buffer
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(4+18+14))
	b.WriteString("WEBP")
	b.WriteString("VP8X")
	binary.Write(&b, binary.LittleEndian, uint32(10))
	b.Write([]byte{0x02, 0, 0, 0, 99, 0, 0, 99, 0, 0})
	b.WriteString("ANIM")
	binary.Write(&b, binary.LittleEndian, uint32(6))
	b.Write([]byte{0, 0, 0, 0, 0, 0})
	return b.Bytes()
}

func blankPNG() []byte {
	img := image.NewGray(image.Rect(0, 0, 800, 600))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	img.Set(10, 10, color.Black)
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

// TestPictureBadInput: each bad picture gets its own clear answer, the bot
// stays up, and text messages sent meanwhile are answered.
func TestPictureBadInput(t *testing.T) {
	api := bottest.NewServer(t)
	start(t, api, withPictures(t))
	jpeg := screenshot(t, "x", "短")[:2000] // a PNG cut short
	cases := []struct {
		name, file, mime string
		data             []byte
		doc, hide        bool
		want             string
	}{
		{"corrupt", "a.png", "image/png", jpeg, true, false, "已损坏"},
		{"20 MB photo", "big.jpg", "", bytes.Repeat([]byte{0xff}, 20<<20+1), false, false, "图片太大"},
		{"20 MB photo, size hidden", "big.jpg", "", bytes.Repeat([]byte{0xff}, 11<<20), false, true, "图片太大"},
		{"10000×10000", "huge.png", "image/png", pngHeader(10000, 10000), true, false, "图片太大"},
		{"animated webp", "a.webp", "image/webp", animatedWebP(), true, false, "动图"},
		{"pdf renamed jpg", "warrant.jpg", "image/jpeg", []byte("%PDF-1.5\n1 0 obj\n<<>>\nendobj\n"), true, false, "不是我能识别的图片格式"},
		{"pdf as pdf", "warrant.pdf", "application/pdf", []byte("%PDF-1.5\n"), true, false, "不是我能识别的图片格式"},
		{"no text", "blank.png", "image/png", blankPNG(), true, false, "没有识别出文字"},
	}
	for i, c := range cases {
		chat := int64(7200 + i)
		f := api.AddFile(c.file, c.data)
		f.HideSize = c.hide
		if c.doc {
			api.Push(bottest.Wrap(bottest.Document(bottest.PrivateChat(chat), chat, f, c.file, c.mime)))
		} else {
			api.Push(bottest.Wrap(bottest.Photo(bottest.PrivateChat(chat), chat, f, 1000, 1000, "")))
		}
		// A text from someone else alongside each picture.
		api.Push(bottest.Private(7300+int64(i), scamZH))
	}
	voice := bottest.Message(bottest.PrivateChat(7299), 7299, "")
	voice["voice"] = map[string]any{"file_id": "v1", "file_unique_id": "v1", "duration": 3}
	api.Push(bottest.Wrap(voice))
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mustContain(t, answerTo(t, api, int64(7200+i)), c.want)
			mustContain(t, api.WaitSent(t, 7300+int64(i), 1)[0].Text(), "96110")
		})
	}
	mustContain(t, api.WaitSent(t, 7299, 1)[0].Text(), "语音")
	for _, c := range api.Calls("file") {
		if strings.Contains(c.Params.Get("file_path"), "_2.") {
			t.Errorf("a photo over the limit was downloaded")
		}
	}
}

// TestPictureBurstDoesNotDelayText: while a burst of screenshots is read,
// a text message from another chat is answered before the pictures are.
func TestPictureBurstDoesNotDelayText(t *testing.T) {
	api := bottest.NewServer(t)
	start(t, api, func(o *bot.Options) {
		o.Pictures = pictures(t)
		o.Workers = 4 // fewer workers than pictures: only the OCR pool bounds them
	})
	shot := screenshot(t, "王老师", "跟着老师带单，投3万每月返3000，稳赚不赔。今天先把本金转到平台账户。")
	const n = 12
	for i := range n {
		f := api.AddFile("s.jpg", shot)
		api.Push(bottest.Wrap(bottest.Photo(bottest.PrivateChat(7400+int64(i)), 7400+int64(i), f, 1080, 1920, "")))
	}
	api.WaitCalls(t, "sendMessage", 0, n, 20*time.Second) // every placeholder
	api.Push(bottest.Private(7499, scamZH))
	text := api.WaitSent(t, 7499, 1)[0]
	mustContain(t, text.Text(), "96110")
	done := 0
	for i := range n {
		done += len(edits(api, 7400+int64(i)))
	}
	if done == n {
		t.Errorf("the text reply came after every picture was read")
	}
	for i := range n {
		api.WaitCalls(t, "editMessageText", 7400+int64(i), 1, 90*time.Second)
	}
}
