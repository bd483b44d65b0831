package review_test

import (
	"strings"
	"testing"

	"github.com/fanzha/fanzha/review"
)

func TestRedact(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		gone     []string
		kept     []string
	}{
		{"id number", "我的身份证号是110101199003074578，请核实", []string{"110101199003074578"}, []string{"请核实"}},
		{"any phone", "对方电话13912345678，我的手机是13800138000", []string{"13912345678", "13800138000"}, []string{"139"}},
		{"chinese name", "我叫王小明，姓名：李四光，收款人张三", []string{"王小明", "李四光", "张三"}, []string{"王**", "李**"}},
		{"english name", "Hello, my name is Alice Walker and I paid", []string{"Alice Walker", "Walker"}, []string{"A"}},
		{"long digits", "QQ 987654321 订单 20241201998877", []string{"987654321", "20241201998877"}, []string{"QQ"}},
		{"not a name", "我是学生，对方说我涉嫌洗钱", nil, []string{"我是学生", "涉嫌洗钱"}},
		{"本人", "本人李建国，本人已经转了5万，本人身份证丢了", []string{"李建国"}, []string{"本人已经转了", "本人身份证"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := review.Redact(tc.in)
			for _, g := range tc.gone {
				if strings.Contains(got, g) {
					t.Errorf("Redact(%q) = %q: still has %q", tc.in, got, g)
				}
			}
			for _, k := range tc.kept {
				if !strings.Contains(got, k) {
					t.Errorf("Redact(%q) = %q: lost %q", tc.in, got, k)
				}
			}
		})
	}
}
