// Package imageset is Fanzha's picture test set: chat screenshots rendered
// from texts written for it (WeChat-like, light and dark, 720–1440 px wide,
// Chinese and English, with timestamps and avatars) and QR codes (plain,
// small, rotated, on a busy poster, photographed, inside a chat). Generate
// writes them with a manifest; EvalImages measures OCR character accuracy,
// QR decode rate, OCR time and whether a judge gives the same verdict on the
// recognised text as on the typed one.
//
// The texts (chats.jsonl) were written for this set only, half scams and
// half legitimate look-alikes; they are not in the corpus or the labelled
// text sets. Rendering needs Debian's fonts-noto-cjk.
package imageset

import (
	"bufio"
	_ "embed"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
)

//go:embed chats.jsonl
var chatsJSONL string

// Chats returns the set's conversations.
func Chats() ([]Chat, error) {
	var out []Chat
	sc := bufio.NewScanner(strings.NewReader(chatsJSONL))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var c Chat
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			return nil, fmt.Errorf("chats.jsonl:%d: %w", n, err)
		}
		out = append(out, c)
	}
	return out, sc.Err()
}

// QRPayloads are the payloads rendered as QR codes: links, group invites,
// payment codes and text, in Chinese and English.
var QRPayloads = []string{
	"https://weixin.qq.com/g/AwYAAHk3abcdEFgh1234",
	"wxp://f2f0Xy1234567890abcdefGHIJ",
	"https://qr.alipay.com/fkx18923abcdefg",
	"HTTPS://QR.ALIPAY.COM/FKX07101CUSFM0YVZJAAB5",
	"https://u.wechat.com/EOk7pB0abc123",
	"http://icbc-verify.top/login?id=8812",
	"http://119.28.10.5:8080/invest.apk",
	"https://t.cn/A6bRfX2",
	"https://www.icbc.com.cn/",
	"https://qm.qq.com/cgi-bin/qm/qr?k=Ab12Cd34",
	"itms-services://?action=download-manifest&url=https://ios.licai88.top/app.plist",
	"https://testflight.apple.com/join/Qx7Lm2Pa",
	"扫码进群领取返利，每天稳赚300元",
	"退款专员微信：kefu_8866，电话17012345678",
	"https://jd-zhuxiao.cn/student/cancel?uid=40221",
	"WIFI:S:Cafe-Guest;T:WPA;P:coffee2024;;",
	"https://www.gov.cn/",
	"BEGIN:VCARD\nVERSION:3.0\nFN:Zhang Wei\nTEL:+8613812345678\nEND:VCARD",
	"Scan to join our VIP signal group: https://t.me/+AbCdEf123456",
	"https://qr.95516.com/00010000/01234567890123",
}

// Widths used in turn for the screenshots.
var Widths = []int{720, 1080, 1440}

// Item is one picture of the set, one line of manifest.jsonl.
type Item struct {
	File    string `json:"file"`
	Kind    string `json:"kind"` // "screenshot" or "qr"
	ID      string `json:"id"`
	Label   string `json:"label,omitempty"` // screenshots: taxonomy id
	Lang    string `json:"lang,omitempty"`
	Style   string `json:"style,omitempty"`
	Width   int    `json:"width,omitempty"`
	Typed   string `json:"typed,omitempty"`   // screenshots: the messages as typed
	Ref     string `json:"ref,omitempty"`     // screenshots: every text drawn, in reading order
	Payload string `json:"payload,omitempty"` // qr
	Variant string `json:"variant,omitempty"` // qr
}

// Manifest is the list of items in a generated directory.
const Manifest = "manifest.jsonl"

// Generate renders the whole set into dir (created if needed) with
// manifest.jsonl, and returns the items. Screenshots alternate light and
// dark and cycle through Widths; every QR payload is drawn in every variant.
func Generate(dir string) ([]Item, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	chats, err := Chats()
	if err != nil {
		return nil, err
	}
	var items []Item
	for i, c := range chats {
		st := Light
		if i%2 == 1 {
			st = Dark
		}
		w := Widths[(i/2)%len(Widths)]
		r, err := Render(c, w, st)
		if err != nil {
			return nil, err
		}
		it := Item{File: "shot_" + c.ID + ".png", Kind: "screenshot", ID: c.ID, Label: c.Label, Lang: c.Lang,
			Style: st.Name, Width: w, Typed: c.Text(), Ref: r.Ref}
		if err := writePNG(filepath.Join(dir, it.File), r); err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	for i, p := range QRPayloads {
		for k, v := range QRVariants {
			img, err := RenderQR(p, v, uint64(i*len(QRVariants)+k+1))
			if err != nil {
				return nil, err
			}
			it := Item{File: fmt.Sprintf("qr_%02d_%s.png", i, v), Kind: "qr", ID: fmt.Sprintf("qr%02d_%s", i, v), Payload: p, Variant: string(v)}
			f, err := os.Create(filepath.Join(dir, it.File))
			if err != nil {
				return nil, err
			}
			err = png.Encode(f, img)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return nil, err
			}
			items = append(items, it)
		}
	}
	f, err := os.Create(filepath.Join(dir, Manifest))
	if err != nil {
		return nil, err
	}
	enc := json.NewEncoder(f)
	enc.SetEscapeHTML(false)
	for _, it := range items {
		if err := enc.Encode(it); err != nil {
			f.Close()
			return nil, err
		}
	}
	return items, f.Close()
}

func writePNG(path string, r *Rendered) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(f, r.Image); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ReadManifest reads dir's manifest.jsonl.
func ReadManifest(dir string) ([]Item, error) {
	f, err := os.Open(filepath.Join(dir, Manifest))
	if err != nil {
		return nil, fmt.Errorf("%w (generate the set first: go run ./imageset/gen -out %s)", err, dir)
	}
	defer f.Close()
	var items []Item
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<22)
	for n := 1; sc.Scan(); n++ {
		var it Item
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", Manifest, n, err)
		}
		items = append(items, it)
	}
	return items, sc.Err()
}
