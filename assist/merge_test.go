package assist_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/assist"
)

var risks = []fanzha.Risk{fanzha.RiskNone, fanzha.RiskLow, fanzha.RiskMedium, fanzha.RiskHigh}

// TestMergeNeverWeakens tries every deterministic label, risk and
// hard-flag combination against every opinion the model could give.
func TestMergeNeverWeakens(t *testing.T) {
	for _, dl := range fanzha.ScamTypes {
		for _, dr := range risks {
			for _, hard := range []bool{false, true} {
				det := fanzha.Assessment{Label: dl, Risk: dr, Score: 0.3 + 0.2*float64(dr)}
				if hard {
					if !dl.IsFraud() {
						continue
					}
					det.Risk, det.Score = fanzha.RiskHigh, 0.9
					det.Flags = []fanzha.Flag{{ID: "f", Type: dl, Hard: true}}
				}
				for _, ol := range fanzha.ScamTypes {
					for _, or := range risks {
						op := fanzha.Opinion{Label: ol, Risk: or, Reasons: []string{"r"}}
						got, v := assist.Merge(det, op)
						name := fmt.Sprintf("det %s/%s hard=%v, op %s/%s", dl, dr, hard, ol, or)
						if got.Risk < det.Risk {
							t.Errorf("%s: risk lowered to %s", name, got.Risk)
						}
						if dl.IsFraud() && !got.Label.IsFraud() {
							t.Errorf("%s: fraud label turned into %s", name, got.Label)
						}
						if got.Score < det.Score {
							t.Errorf("%s: score lowered", name)
						}
						if hard && got.Label != dl {
							t.Errorf("%s: label backed by a hard flag changed to %s", name, got.Label)
						}
						safe := ol == fanzha.None || or <= fanzha.RiskLow
						if hard && safe && (v != assist.OverruledHardFlags || got.Assistant != nil) {
							t.Errorf("%s: safe verdict against hard flags not discarded (%s)", name, v)
						}
						if (v == assist.Accepted) != (got.Assistant != nil) {
							t.Errorf("%s: verdict %s but assistant %+v", name, v, got.Assistant)
						}
						if v == assist.Accepted && !got.Label.IsFraud() && got.Risk > fanzha.RiskLow && got.Risk > det.Risk {
							t.Errorf("%s: none label raised to %s", name, got.Risk)
						}
					}
				}
			}
		}
	}
}

func TestMergeCases(t *testing.T) {
	tests := []struct {
		name      string
		det       fanzha.Assessment
		op        fanzha.Opinion
		wantLabel fanzha.ScamType
		wantRisk  fanzha.Risk
		verdict   assist.Verdict
	}{
		{"raise none to fraud", clearNone, fanzha.Opinion{Label: fanzha.TaskRebate, Risk: fanzha.RiskMedium}, fanzha.TaskRebate, fanzha.RiskMedium, assist.Accepted},
		{"relabel without hard flag", mediumInvest, fanzha.Opinion{Label: fanzha.TaskRebate, Risk: fanzha.RiskHigh}, fanzha.TaskRebate, fanzha.RiskHigh, assist.Accepted},
		{"no relabel against a hard flag of the type", hardPolice, fanzha.Opinion{Label: fanzha.Investment, Risk: fanzha.RiskHigh}, fanzha.Police, fanzha.RiskHigh, assist.Accepted},
		{"lower fraud risk keeps the floor, words kept", hardPolice, fanzha.Opinion{Label: fanzha.Police, Risk: fanzha.RiskMedium}, fanzha.Police, fanzha.RiskHigh, assist.Accepted},
		{"low against medium is milder", mediumInvest, fanzha.Opinion{Label: fanzha.Investment, Risk: fanzha.RiskLow}, fanzha.Investment, fanzha.RiskMedium, assist.OverruledMilder},
		{"none against fraud is milder", grayInvest, fanzha.Opinion{Label: fanzha.None, Risk: fanzha.RiskLow}, fanzha.Investment, fanzha.RiskLow, assist.OverruledMilder},
		{"none against hard flags", hardPolice, fanzha.Opinion{Label: fanzha.None, Risk: fanzha.RiskHigh}, fanzha.Police, fanzha.RiskHigh, assist.OverruledHardFlags},
		{"agreeing none", clearNone, fanzha.Opinion{Label: fanzha.None, Risk: fanzha.RiskNone}, fanzha.None, fanzha.RiskNone, assist.Accepted},
		{"none label raised only to low", clearNone, fanzha.Opinion{Label: fanzha.None, Risk: fanzha.RiskHigh}, fanzha.None, fanzha.RiskLow, assist.Accepted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, v := assist.Merge(tt.det, tt.op)
			if got.Label != tt.wantLabel || got.Risk != tt.wantRisk || v != tt.verdict {
				t.Fatalf("got %s/%s %s, want %s/%s %s", got.Label, got.Risk, v, tt.wantLabel, tt.wantRisk, tt.verdict)
			}
		})
	}
	got, _ := assist.Merge(clearNone, fanzha.Opinion{Label: fanzha.Investment, Risk: fanzha.RiskHigh})
	if got.Score < 0.85 {
		t.Errorf("score %.2f not raised with the risk", got.Score)
	}
}

func TestSanitize(t *testing.T) {
	allowed := []string{"96110", "110"}
	tests := []struct {
		line string
		keep bool
	}{
		{"“每月返10%”远超正常理财收益", true},
		{"对方让你先交30000元保证金", true},
		{"投入50000块后无法提现", true},
		{"请立即拨打96110咨询", true},
		{"如已转账请马上拨打 110 报警", true},
		{"对方要求加QQ群做任务", true},
		{"The caller asks you to move money to a safe account", true},
		{"asks for your ID number and bank card", true},
		{"请联系官方客服 400-123-4567 核实", false},
		{"请拨打13800138000确认", false},
		{"访问 https://safe-check.example 验证", false},
		{"登录 www.secure-bank.top 解冻", false},
		{"加客服微信 kefu_8888 办理", false},
		{"添加微信号：abcde123", false},
		{"contact @support_desk on Telegram", false},
		{"转到账户 6222 0202 0011 2233", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			got := assist.Sanitize(fanzha.Opinion{Reasons: []string{tt.line}, Question: tt.line}, allowed...)
			if kept := len(got.Reasons) == 1; kept != tt.keep {
				t.Fatalf("kept = %v, want %v", kept, tt.keep)
			}
			if (got.Question != "") != tt.keep {
				t.Fatalf("question kept = %q", got.Question)
			}
		})
	}
}

func TestMemoryCache(t *testing.T) {
	ctx := context.Background()
	c := assist.NewMemoryCache(2, time.Hour)
	op := func(l fanzha.ScamType) fanzha.Opinion { return fanzha.Opinion{Label: l, Reasons: []string{string(l)}} }
	c.Set(ctx, "a", op(fanzha.Investment))
	c.Set(ctx, "b", op(fanzha.Police))
	if _, ok := c.Get(ctx, "a"); !ok { // a is now the most recent
		t.Fatal("a missing")
	}
	c.Set(ctx, "c", op(fanzha.Romance)) // evicts b
	if _, ok := c.Get(ctx, "b"); ok {
		t.Error("b not evicted")
	}
	got, ok := c.Get(ctx, "a")
	if !ok || got.Label != fanzha.Investment {
		t.Fatalf("a = %+v %v", got, ok)
	}
	got.Reasons[0] = "mutated"
	if again, _ := c.Get(ctx, "a"); again.Reasons[0] != "investment" {
		t.Error("cache shares its slices with callers")
	}
	if c.Len() != 2 {
		t.Errorf("len %d", c.Len())
	}

	short := assist.NewMemoryCache(10, 50*time.Millisecond)
	short.Set(ctx, "k", op(fanzha.Shopping))
	time.Sleep(80 * time.Millisecond)
	if _, ok := short.Get(ctx, "k"); ok {
		t.Error("expired entry returned")
	}
}
