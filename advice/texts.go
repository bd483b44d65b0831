package advice

import "github.com/fanzha/fanzha"

// Text returns the user-facing string k in lang; front ends (chat, bot) use
// it for their own messages so every text lives in one table.
func Text(k string, lang fanzha.Lang) string { return text(k, lang) }

func text(k string, lang fanzha.Lang) string {
	t, ok := messages[k]
	if !ok {
		return k
	}
	return t.In(lang)
}

// messages holds every user-facing text, keyed: the replies', the front
// ends', the bot's and the officers' review's.
var messages = join(replyTexts, frontEnd, botTexts, reviewTexts, reportTexts)

// join merges text tables; a key defined twice is a programming error.
func join(tables ...map[string]fanzha.Text) map[string]fanzha.Text {
	out := map[string]fanzha.Text{}
	for _, t := range tables {
		for k, v := range t {
			if _, dup := out[k]; dup {
				panic("advice: text " + k + " defined twice")
			}
			out[k] = v
		}
	}
	return out
}

// replyTexts holds every fixed text of a reply, Chinese first. Numbers
// (hotline, police) are filled in from configuration.
var replyTexts = map[string]fanzha.Text{
	"verdict_high": {
		ZH: "⚠️ 高风险：这很可能是「%s」诈骗。请立即停止转账、停止操作！",
		EN: "⚠️ High risk: very likely a scam (%s). Stop now, transfer nothing!"},
	"verdict_medium": {
		ZH: "⚠️ 可疑：有「%s」诈骗的迹象。转账前务必通过官方渠道核实。",
		EN: "⚠️ Suspicious: signs of a scam (%s). Verify through an official channel before paying."},
	"verdict_low": {
		ZH: "提醒：有一些「%s」诈骗常见的迹象，请保持警惕，不要转账。",
		EN: "Caution: some signs common in scams (%s). Stay alert and do not pay."},
	"verdict_low_none": {
		ZH: "提醒：暂未发现明确的诈骗剧本，但这段内容有可疑之处，请保持警惕。",
		EN: "Caution: no known scam script found, but something here is suspicious. Stay alert."},
	"verdict_none": {
		ZH: "暂未发现诈骗迹象。",
		EN: "No sign of fraud found."},
	"verdict_paid": {
		ZH: "🚨 你说钱已经转出，这很可能是「%s」诈骗。马上报警止付，每一分钟都关键！",
		EN: "🚨 Money already sent: very likely a scam (%s). Report it now to stop the payment, every minute counts!"},
	"paid_now": {
		ZH: "🚨 钱已经转出？马上报警止付，每一分钟都关键！",
		EN: "🚨 Money already sent? Report it now to stop the payment, every minute counts!"},
	"forwarded_prefix": {
		ZH: "这条转发的消息：",
		EN: "This forwarded message: "},
	"paid_title": {
		ZH: "现在立刻做：",
		EN: "Do this right now:"},
	"paid_1": {
		ZH: "立即拨打 %s（或 %s）报警，说清转账时间、金额和对方账户，申请紧急止付。",
		EN: "Call %s (or %s) now: give the time, amount and receiving account, and ask for an emergency stop-payment."},
	"paid_2": {
		ZH: "打你银行卡背面的客服电话，说明被骗，请求冻结、止付。",
		EN: "Call the number on the back of your bank card, say you were defrauded and ask them to freeze the payment."},
	"paid_3": {
		ZH: "保留聊天记录、转账凭证、对方账号、电话和链接，不要删除，也不要再和对方联系。",
		EN: "Keep the chat records, receipts, the receiving account, phone numbers and links; delete nothing, and stop replying to them."},
	"paid_4": {
		ZH: "不要再转任何钱；声称能“帮你追回损失”的人也是骗子。",
		EN: "Do not send any more money; anyone offering to 'recover your losses' is also a scammer."},
	"why_title": {
		ZH: "为什么可疑（你说的话里）：",
		EN: "Why (in your own words):"},
	"why_title_forwarded": {
		ZH: "为什么可疑（消息里的原话）：",
		EN: "Why (in the message's own words):"},
	"quote": {
		ZH: "“%s”——%s",
		EN: "\"%s\" — %s"},
	"similar": {
		ZH: "与已知的「%s」诈骗剧本相似",
		EN: "close to a known script of %s"},
	"similar_officer": {
		ZH: "与已知「%s」诈骗剧本相似（%s，相似度%.0f%%）",
		EN: "close to a known script of %s (%s, similarity %.0f%%)"},
	"script_title": {
		ZH: "匹配的已知剧本：",
		EN: "Known script it matches:"},
	"next_one_title": {
		ZH: "骗子接下来通常会：",
		EN: "What they will ask next:"},
	"watch_title": {
		ZH: "这类诈骗还会出现这些信号：",
		EN: "Other signs of this scam:"},
	"question_title": {
		ZH: "❓ 关键问题：",
		EN: "❓ The question that decides it:"},
	"verdict_unsure": {
		ZH: "⚠️ 可疑：有诈骗的迹象，还要确认一件事。转账前务必通过官方渠道核实。",
		EN: "⚠️ Suspicious: there are signs of a scam; one question decides it. Verify through an official channel before paying anything."},
	"this_message_prefix": {
		ZH: "这条消息：",
		EN: "This message: "},
	"why_title_this": {
		ZH: "为什么可疑（这条消息里的原话）：",
		EN: "Why (in this message's own words):"},
	"next_title": {
		ZH: "骗子接下来通常会：",
		EN: "What the scammer may ask next:"},
	"do_title": {
		ZH: "现在怎么做：",
		EN: "What to do now:"},
	"none_tip_1": {
		ZH: "只通过官方App或你自己查到的官方电话核实，不点陌生链接。",
		EN: "Verify only through the official app or a number you look up yourself; do not tap unknown links."},
	"none_tip_2": {
		ZH: "任何人索要验证码、让你转到陌生账户或共享屏幕，都要立刻停下。",
		EN: "Stop at once if anyone asks for a code, a transfer to an unknown account or screen sharing."},
	"assistant_title": {
		ZH: "AI助手的解读（仅供参考）：",
		EN: "The AI assistant's reading (for reference only):"},
	"assistant_question": {
		ZH: "请想一想：%s",
		EN: "Ask yourself: %s"},
	"footer": {
		ZH: "☎️ 拿不准就拨打反诈专线 %s；钱已转出请立即拨打 %s。",
		EN: "☎️ When in doubt call the anti-fraud hotline %s; if money has left, call %s now."},
}

// frontEnd holds the texts of the chat and bot front ends.
var frontEnd = map[string]fanzha.Text{
	"chat_welcome": {
		ZH: "你好，我是反诈助手。把你遇到的情况或收到的消息发给我，我帮你看看是不是诈骗。\n命令：/new 重新开始，/paid 我已经转账了，/forget 删除对话，/lang en 切换英文，/hotline 反诈专线，/help 帮助，/quit 退出。",
		EN: "Hello, I am Fanzha, an anti-fraud assistant. Tell me what is happening or paste the message you got, and I will tell you whether it looks like a scam.\nCommands: /new start over, /paid I already paid, /forget delete this conversation, /lang zh Chinese, /hotline the hotline, /help this help, /quit exit."},
	"chat_unknown_command": {
		ZH: "我不认识这个命令。可用：/new /paid /forget /lang /hotline /help /quit",
		EN: "I do not know that command. Try: /new /paid /forget /lang /hotline /help /quit"},
	"chat_new": {
		ZH: "好的，重新开始。请描述新的情况。",
		EN: "OK, starting over. Describe the new situation."},
	"lang_usage": {
		ZH: "用法：/lang zh 或 /lang en",
		EN: "Usage: /lang zh or /lang en"},
	"lang_set": {
		ZH: "已切换为中文。",
		EN: "Language set to English."},
}
