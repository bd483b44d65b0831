package classifier

import "strings"

// Already-paid detection: when money has left, the reply leads with
// stop-payment steps, because 紧急止付 only works within minutes.

var (
	rePaidZH = compile(
		`(已经|已|刚刚|刚才|刚|昨天|前天|上午|下午|晚上|今天|早上|之前|先后|一共|总共|陆续|分\d+次|分几次|都)[^，。！？,.!?]{0,8}?(转账|转帐|转了|汇了|汇款|打了|付了|交了|充了|充值了|缴了|给了|给他|给她|给对方|转过去|打过去|汇过去|支付了|付款了|投了|投进去|转出去|存进去)` +
			`|(转|汇|打|付|交|充|投)(了|过去了|过去|出去了|进去了)(他|她|对方|人家)?\d+(\.\d+)?(万|千|元|块|w)?|给了(他|她|对方|人家)\d+(\.\d+)?(万|千|元|块|w)?` +
			`|(转|汇|打|付|交|充|投)了(一|二|两|三|四|五|六|七|八|九|十|几|好几)(万|千|百)` +
			`|被骗(了|走)|上当了|钱(已经|都)?(没了|被转走|被骗走|打水漂)|血本无归|(钱|本金|充值的钱)?(提不出来|提现不了)|(联系不上|拉黑)(我)?了.{0,10}(钱|转)|(钱|转).{0,12}(联系不上|拉黑)` +
			`|(转账|转帐|汇款|付款)(记录|截图|凭证)在|已(转账|汇款|付款|支付|缴纳)` +
			// "钱是半小时前转的", "款是昨晚打的": when, not whether.
			`|(钱|款|那笔)(是|就是)?[^，。！？,.!?]{0,10}(前|刚才|刚刚|昨天|昨晚|今天|今早|上午|下午|晚上|凌晨)[^，。！？,.!?]{0,4}(转|打|付|汇|交|充)(出去|过去)?的` +
			`|(你|您)(转|充值|充|付|交|缴纳|打|汇)(过来|进去|进来|给我)?的(那|这)?(笔|些)?.{0,12}(已经?|都)?(到账|收到|到了)|(收到|已收到)(了)?(你|您)的?.{0,8}(转账|款|钱|定金|保证金)|(你|您)已(经)?(缴纳|支付|转入|充值|付款)的` +
			`|(你|您)(转|充值|充|付|交|缴纳|打|汇)(过来|进去|进来|给我)?的(那|这)?(笔|些)?[\d一二两三四五六七八九十几]|我(已经)?(交|付|转|汇|充|打|垫)了(钱|款)?([，。,.! ]|$)|(付|交|转|垫)了钱|垫了[\d一二两三四五六七八九十几]|(转账|转帐|付款)记录(里)?(已经)?有|(借|贷)了.{0,10}(转给|打给)(人家|他们|他|她|对方)|(钱)?(全|都)没了|(卡里|账户里|余额|银行卡)(就|被|一下)?(少了|扣了|没了|被扣|被转走)|(显示|提示)(付款|支付|转账)成功|被(扣|划)走了?`)
	rePaidEN = compile(
		`\b(i|we|my (?:mom|mother|dad|father|wife|husband|son|daughter|grandma|grandpa|parents))\b[^.!?]{0,20}?\b(already |just )?(sent|transferred|paid|wired|deposited|gave|bought|invested|put in|topped up)\b` +
			`|\b(i'?ve|we'?ve|i have|we have|has|have) (already |just )?(sent|transferred|paid|wired|deposited|given|invested|lost)\b` +
			`|\balready (sent|transferred|paid|wired|gave|deposited)\b|\b(got|been|was|were) (scammed|conned|defrauded)\b|\blost (\$|¥|rmb|usd)?\d|\bcan'?t (withdraw|get (my|the) money back)\b|money is gone|\b(they|he|she|it) (took|charged|drained|emptied)\b|\bpaid (him|her|them|it|with|by|via|through)\b|\bpaid \$?\d|\bentered my (card|bank|credit)|^(just |already )?(bought|paid|sent|transferred|wired)\b`)
	// Words just before a payment verb that mean it has not happened.
	// Words just before a payment verb that mean it has not happened. Two
	// characters at least: a lone 别 or 不 also sits in 特别, 不错.
	notPaidZH = []string{"没有", "没转", "没付", "没交", "没给", "没打", "没汇", "没充", "还没", "未转", "未付", "尚未", "不转", "不付", "不交", "不给", "不会", "不能", "不想", "不敢", "不要", "不用", "不必", "没敢", "没再", "从未", "并未", "无需", "别转", "别付", "别给", "别交", "别打",
		"准备", "打算", "要不要", "该不该", "想转", "想把", "想要", "让我", "叫我", "要我", "要求我", "催我", "需要", "得先", "必须", "如果", "是否", "会不会",
		"差点", "差一点", "险些", "幸好没", "买家", "卖家", "对方", "客户", "老板",
		// someone else's payment, seen or heard of: "平台显示他已经付了", "家长说交了"
		"显示", "家长说", "别人说", "他们说", "群里"}
	// Inside a match these mean "not paid" ("还没转过去"); 没了 ("钱没了") means lost.
	notPaidInside = []string{"没有", "没转", "没付", "没交", "没给", "没打", "没汇", "还没", "未", "不转", "不付", "不交", "别转", "不敢", "没敢", "不想", "不能", "不会", "不要"}
	notPaidEN     = []string{"haven't", "have not", "didn't", "did not", "not yet", "should i", "before i", "asked me to", "wants me to", "want me to", "told me to", "if i", "about to", "going to", "almost", "nearly", "refused", "told him no", "will not", "won't"}
)

// detectPaid reports whether the folded text says money already went out,
// and the words that say so.
func detectPaid(t *scan) (bool, int, int) {
	s := t.s
	for _, m := range rePaidZH.findAllIndex(t, -1) {
		if !precededBy(s, m[0], 12, notPaidZH) && !containsAny(s[m[0]:m[1]], notPaidInside) {
			return true, m[0], m[1]
		}
	}
	for _, m := range rePaidEN.findAllIndex(t, -1) {
		if !precededBy(s, m[0], 24, notPaidEN) && !containsAny(s[m[0]:m[1]], notPaidEN) {
			return true, m[0], m[1]
		}
	}
	return false, 0, 0
}

// precededBy reports whether one of words ends within n bytes before i.
func precededBy(s string, i, n int, words []string) bool {
	lo := i - n
	if lo < 0 {
		lo = 0
	}
	return containsAny(s[lo:i], words)
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
