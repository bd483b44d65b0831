package advice

import "github.com/fanzha/fanzha"

func init() {
	for k, v := range botTexts {
		messages[k] = v
	}
}

// botTexts holds the Telegram bot's own texts, Chinese first. They are
// plain text (the bot escapes them for HTML); %s and %d are filled in by the
// bot: numbers from configuration, the session lifetime.
var botTexts = map[string]fanzha.Text{
	"bot_start": {
		ZH: "你好，我是反诈助手。\n\n" +
			"转账之前，把你遇到的情况用自己的话告诉我（比如“有人说我涉嫌洗钱，让我转到安全账户”），或者直接转发可疑的消息给我。我会告诉你风险有多大、像哪一类诈骗、你的话里哪些地方可疑，以及现在该怎么做。\n\n" +
			"我保存什么：本次对话的判断结果（风险、诈骗类型和你话里被标出的原话），用来把几条消息连起来判断；闲置%s后自动删除。发送 /forget 可以立即删除。我不会把内容转给任何人。\n\n" +
			"语言：默认中文，发送 /lang en 切换英文。\n" +
			"拿不准就拨打反诈专线 %s；钱已经转出请立即拨打 %s。",
		EN: "Hello, I am Fanzha, an anti-fraud assistant.\n\n" +
			"Before you transfer any money, tell me in your own words what is happening (for example \"someone says my ID is linked to money laundering and wants me to move my savings to a safe account\"), or forward me the suspicious message. I will tell you how risky it is, which kind of scam it looks like, which of your words are red flags, and what to do now.\n\n" +
			"What I keep: the verdict on this conversation (risk, scam type and the words of yours that were flagged), so I can judge several messages together. It is deleted after %s without activity; send /forget to delete it now. I pass nothing on to anyone.\n\n" +
			"Language: Chinese by default; send /lang zh or /lang en to choose.\n" +
			"When in doubt call the anti-fraud hotline %s; if money has already left, call %s now."},
	"bot_help": {
		ZH: "直接发文字描述情况，或转发可疑消息给我。\n\n" +
			"/new 重新开始一段新的对话\n" +
			"/lang zh 或 /lang en 选择语言\n" +
			"/hotline 反诈专线和报警电话\n" +
			"/forget 删除我保存的关于你的内容\n" +
			"/help 显示这段说明\n\n" +
			"在群里：回复一条消息并发送 /check，或 @我，我来判断那条消息。",
		EN: "Just write what is happening, or forward me a suspicious message.\n\n" +
			"/new start a new conversation\n" +
			"/lang zh or /lang en choose the language\n" +
			"/hotline the anti-fraud hotline and the police number\n" +
			"/forget delete what I keep about you\n" +
			"/help show this help\n\n" +
			"In a group: reply to a message with /check, or mention me, and I will judge that message."},
	"bot_hotline": {
		ZH: "全国反诈专线：%s（拿不准时先打电话核实）\n钱已经转出：立即拨打 %s 报警，申请紧急止付。",
		EN: "National anti-fraud hotline: %s (call to check when in doubt)\nMoney already sent: call %s now and ask for an emergency stop-payment."},
	"bot_new": {
		ZH: "好的，重新开始。之前的判断已清空，请描述新的情况。",
		EN: "OK, starting over. The previous verdict is cleared; describe the new situation."},
	"bot_forget": {
		ZH: "已删除我保存的关于你的全部内容。",
		EN: "Done: everything I kept about you has been deleted."},
	"bot_rate_limited": {
		ZH: "你发得有点快，我先停一下。请一分钟后再发给我；情况紧急请直接拨打 %s。",
		EN: "You are sending messages faster than I can take them. Please wait a minute and send again; if it is urgent, call %s now."},
	"bot_unsupported": {
		ZH: "这类内容我还看不懂。我能读的是文字：请直接打字描述情况，或把可疑消息的文字转发、粘贴给我；图片请附上文字说明。",
		EN: "I cannot read this kind of content yet. I read text: write what is happening, or forward or paste the text of the suspicious message; for a picture, add a caption."},
	"bot_review_off": {
		ZH: "民警审核功能还没有开通。情况紧急请直接拨打 %s 咨询；钱已转出请立即拨打 %s。",
		EN: "Review by an officer is not set up yet. If it is urgent, call %s; if money has already left, call %s now."},
	"bot_check_usage": {
		ZH: "请回复要判断的那条消息并发送 /check，或在 /check 后面直接写上内容。",
		EN: "Reply to the message you want checked with /check, or write the text after /check."},
	"bot_unknown_command": {
		ZH: "我不认识这个命令。发送 /help 查看我能做什么。",
		EN: "I do not know that command. Send /help to see what I can do."},
	"bot_error": {
		ZH: "抱歉，我这边出了点问题，请稍后再试。情况紧急请直接拨打 %s。",
		EN: "Sorry, something went wrong on my side; please try again shortly. If it is urgent, call %s."},
	"bot_cb_paid": {
		ZH: "请马上按下面的步骤止付",
		EN: "Follow the stop-payment steps below now"},
	"bot_cb_officer": {
		ZH: "民警审核尚未开通",
		EN: "Officer review is not set up yet"},
	"btn_paid": {
		ZH: "我已经转账了",
		EN: "I already paid"},
	"btn_officer": {
		ZH: "请民警看看",
		EN: "Ask an officer"},
	"duration_hours": {
		ZH: "%d小时",
		EN: "%d hours"},
	"duration_minutes": {
		ZH: "%d分钟",
		EN: "%d minutes"},
}
