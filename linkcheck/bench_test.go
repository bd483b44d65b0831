package linkcheck_test

import (
	"testing"

	"github.com/fanzha/fanzha/linkcheck"
)

// BenchmarkJudge: a message with two links and two numbers, and one without.
func BenchmarkJudge(b *testing.B) {
	texts := []string{
		"【工商银行】您的账户存在异常，请登录 icbc-verify.top 或 http://119.28.10.5/app.apk 验证，客服 400-820-1234，专员 17012345678",
		"妈妈，周末回来吃饭，你爸买了条鱼，路上注意安全，到了给我打电话。",
	}
	for _, c := range []struct {
		name string
		text string
	}{{"links and numbers", texts[0]}, {"plain", texts[1]}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				linkcheck.Judge(c.text)
			}
		})
	}
}
