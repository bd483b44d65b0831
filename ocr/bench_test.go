package ocr_test

import (
	"bytes"
	"context"
	"image/png"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/fanzha/fanzha/imageset"
	"github.com/fanzha/fanzha/ocr"
)

// BenchmarkReadScreenshot reads typical phone screenshots (1080 px wide,
// light and dark, 3–4 bubbles) one at a time and reports the p50 and p95 of
// one Read, preprocessing and both tesseract passes included:
//
//	go test -run '^$' -bench ReadScreenshot -benchtime 40x ./ocr/
func BenchmarkReadScreenshot(b *testing.B) {
	eng := engine(b, ocr.Options{})
	chats, err := imageset.Chats()
	if err != nil {
		b.Fatal(err)
	}
	var shots [][]byte
	for i, c := range chats[:min(len(chats), 20)] {
		st := imageset.Light
		if i%2 == 1 {
			st = imageset.Dark
		}
		r, err := imageset.Render(c, 1080, st)
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		png.Encode(&buf, r.Image)
		shots = append(shots, buf.Bytes())
	}
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, err := eng.Read(context.Background(), shots[i%len(shots)]); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Milliseconds()), "p50-ms")
	b.ReportMetric(float64(times[(len(times)*95+99)/100-1].Milliseconds()), "p95-ms")
}

// BenchmarkTextWhileReading measures what a burst of 20 screenshots does to
// the rest of the process: the latency of a 1 ms CPU-bound job (standing in
// for judging a text message) alone, and while 20 screenshots are read with
// the default pool (2 workers, reniced tesseract processes):
//
//	go test -run '^$' -bench TextWhileReading -benchtime 1x ./ocr/
func BenchmarkTextWhileReading(b *testing.B) {
	eng := engine(b, ocr.Options{Queue: 20})
	r, err := imageset.Render(imageset.Chat{Title: "客服", Msgs: []imageset.Msg{
		{Text: "您好，我是京东客服，您的百万保障即将扣费，每月800元。", Time: "15:22"},
		{Mine: true, Text: "我没开通过啊"},
		{Text: "需要您下载会议软件，开启屏幕共享，我一步步教您关闭。"},
	}}, 1080, imageset.Light)
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	png.Encode(&buf, r.Image)
	shot := buf.Bytes()
	job := func() time.Duration {
		start := time.Now()
		x := uint64(1)
		for time.Since(start) < time.Millisecond { // 1 ms of CPU
			for i := 0; i < 1000; i++ {
				x = x*6364136223846793005 + 1442695040888963407
			}
		}
		sink = x
		return time.Since(start)
	}
	measure := func(stop <-chan struct{}) []time.Duration {
		var lat []time.Duration
		for {
			select {
			case <-stop:
				return lat
			default:
			}
			lat = append(lat, job())
			time.Sleep(5 * time.Millisecond) // messages arrive, not a busy loop
		}
	}
	pct := func(d []time.Duration, p int) float64 {
		slices.Sort(d)
		return float64(d[min(len(d)-1, len(d)*p/100)].Microseconds()) / 1000
	}
	for i := 0; i < b.N; i++ {
		stop := make(chan struct{})
		go func() { time.Sleep(2 * time.Second); close(stop) }()
		alone := measure(stop)
		stop = make(chan struct{})
		done := make(chan struct{})
		go func() {
			var wg sync.WaitGroup
			for k := 0; k < 20; k++ {
				wg.Add(1)
				go func() { defer wg.Done(); eng.Read(context.Background(), shot) }()
			}
			wg.Wait()
			close(stop)
			close(done)
		}()
		start := time.Now()
		busy := measure(stop)
		<-done
		b.ReportMetric(time.Since(start).Seconds(), "burst-s")
		b.ReportMetric(pct(alone, 99), "alone-p99-ms")
		b.ReportMetric(pct(busy, 50), "busy-p50-ms")
		b.ReportMetric(pct(busy, 99), "busy-p99-ms")
	}
}

var sink uint64
