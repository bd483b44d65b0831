package advice

import "github.com/fanzha/fanzha"

// botTexts holds the Telegram bot's own texts, Chinese first. They are
// plain text (the bot escapes them for HTML); %s and %d are filled in by the
// bot: numbers from configuration, the session lifetime.
var botTexts = map[string]fanzha.Text{
	"bot_start": {
		ZH: "你好，我是反诈助手。\n\n" +
			"转账之前，把你遇到的情况用自己的话告诉我（比如“有人说我涉嫌洗钱，让我转到安全账户”），或者直接转发可疑的消息给我。我会告诉你风险有多大、像哪一类诈骗、你的话里哪些地方可疑，以及现在该怎么做。\n\n" +
			"我保存什么：本次对话的判断结果（风险、诈骗类型和你话里被标出的原话）和你最近的几条消息，用来把几条消息连起来判断；闲置%s后自动删除。发送 /forget 可以立即删除。只有你点「请民警看看」、看过要分享的内容并同意后，我才会把遮盖了个人信息的摘录交给反诈民警。\n\n" +
			"语言：默认中文，发送 /lang en 切换英文。\n" +
			"拿不准就拨打反诈专线 %s；钱已经转出请立即拨打 %s。",
		EN: "Hello, I am Fanzha, an anti-fraud assistant.\n\n" +
			"Before you transfer any money, tell me in your own words what is happening (for example \"someone says my ID is linked to money laundering and wants me to move my savings to a safe account\"), or forward me the suspicious message. I will tell you how risky it is, which kind of scam it looks like, which of your words are red flags, and what to do now.\n\n" +
			"What I keep: the verdict on this conversation (risk, scam type and the words of yours that were flagged) and your latest few messages, so I can judge several messages together. It is deleted after %s without activity; send /forget to delete it now. Only if you tap \"Ask an officer\", see what would be shared and agree, do I pass a masked excerpt to anti-fraud officers.\n\n" +
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
	"bot_late": {
		ZH: "抱歉回复晚了（消息服务刚才中断）。",
		EN: "Sorry for the delay (the messaging service was interrupted)."},
	"bot_unsupported": {
		ZH: "这类内容我还看不懂。我能读的是文字：请直接打字描述情况，或把可疑消息的文字转发、粘贴给我；图片请附上文字说明。",
		EN: "I cannot read this kind of content yet. I read text: write what is happening, or forward or paste the text of the suspicious message; for a picture, add a caption."},
	"bot_unsupported_media": {
		ZH: "语音、视频这类内容我还读不了。请把对方说的话打出来或粘贴给我；截图可以直接发图片，我会识别里面的文字和二维码。",
		EN: "I can't read voice messages or videos yet. Please type or paste what the other side said; screenshots can be sent as pictures, and I will read their text and QR codes."},
	"bot_pictures_failed": {
		ZH: "另有 %d 张图片没能识别。",
		EN: "%d more picture(s) could not be read."},
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
	"bot_cb_officer_off": {
		ZH: "民警审核尚未开通",
		EN: "Officer review is not set up yet"},
	"btn_paid": {
		ZH: "我已经转账了",
		EN: "I already paid"},
	"btn_officer": {
		ZH: "请民警看看",
		EN: "Ask an officer"},
	"btn_more": {
		ZH: "详细说明",
		EN: "More"},
	"btn_private": {
		ZH: "私聊我",
		EN: "Talk to me privately"},
	"bot_cb_private_only": {
		ZH: "这个按钮只对自己的对话有效。请点「私聊我」，在私聊里把情况告诉我。",
		EN: "This button only works in your own conversation. Tap \"Talk to me privately\" and tell me there."},
	"bot_cb_not_yours": {
		ZH: "这个按钮是给提问的人的。想了解详情，请点「私聊我」。",
		EN: "This button is for the person who asked. For details, tap \"Talk to me privately\"."},
	"duration_hours": {
		ZH: "%d小时",
		EN: "%d hours"},
	"duration_minutes": {
		ZH: "%d分钟",
		EN: "%d minutes"},
}

// reviewTexts are the bot's texts for memory, follow-up questions and the
// officers' review: the citizen's consent screen and outcome messages, the
// officers' cards and commands. Officers' texts are shown in Chinese; the
// English is kept beside them for translators and tests.
var reviewTexts = map[string]fanzha.Text{
	// Memory.
	"bot_forgetful": {
		ZH: "（暂时无法记住对话：这条回复只根据你刚发的这一条消息判断。请稍后再发一次完整的情况。）",
		EN: "(I can't remember this conversation right now: this reply is based on this message alone. Please describe the whole situation again a little later.)"},
	"bot_forgetful_short": {
		ZH: "（暂时无法记住这个设置。）",
		EN: "(I can't remember this setting right now.)"},

	// Follow-up questions.
	"bot_question_title": {
		ZH: "❓ 关键问题（请点下面的「是」或「否」）：",
		EN: "❓ The question that decides it (tap Yes or No below):"},
	"btn_yes":             {ZH: "是", EN: "Yes"},
	"btn_no":              {ZH: "否", EN: "No"},
	"bot_cb_noted":        {ZH: "已记录你的回答", EN: "Noted"},
	"bot_cb_answered":     {ZH: "你已经回答过这个问题了", EN: "You have already answered this question"},
	"followup_recent_yes": {ZH: "（回答关键问题「%s」：是）", EN: "(answered the deciding question \"%s\": yes)"},
	"followup_recent_no":  {ZH: "（回答关键问题「%s」：否）", EN: "(answered the deciding question \"%s\": no)"},
	"followup_no": {
		ZH: "好的。风险判断不会因此降低：目前仍是「%s」，疑似「%s」。请留意下面这些信号，出现任何一个就立即停下，不要转账：",
		EN: "OK. That does not lower the risk: it is still \"%s\", a possible %s scam. Watch for these signs; if any of them appears, stop at once and do not pay:"},
	"followup_no_footer": {
		ZH: "拿不准就拨打反诈专线 %s；钱已经转出请立即拨打 %s。",
		EN: "When in doubt call the anti-fraud hotline %s; if money has already left, call %s now."},

	// Citizen: handing a conversation to officers.
	"bot_offer_officer": {
		ZH: "想让反诈民警看看？点下面的「请民警看看」——提交前会先让你看到要分享的全部内容。",
		EN: "Want an anti-fraud officer to look at this? Tap \"Ask an officer\" below — you will see exactly what is shared before anything is sent."},
	"bot_cb_officer": {
		ZH: "请先确认要分享的内容",
		EN: "Check what will be shared first"},
	"bot_officer_group": {
		ZH: "请在和我的私聊里提交：把情况或可疑消息发给我，再点「请民警看看」。",
		EN: "Please do this in a private chat with me: send me the situation or the suspicious message, then tap \"Ask an officer\"."},
	"bot_officer_empty": {
		ZH: "还没有可以交给民警的内容。请先把情况或可疑消息发给我，再点「请民警看看」。",
		EN: "There is nothing to hand to officers yet. Send me the situation or the suspicious message first, then tap \"Ask an officer\"."},
	"bot_review_unavailable": {
		ZH: "暂时无法提交给民警（系统暂时不可用），请稍后再试。情况紧急请直接拨打 %s；钱已转出请立即拨打 %s。",
		EN: "I cannot hand this to officers right now (a system is unavailable); please try again shortly. If it is urgent, call %s; if money has already left, call %s now."},
	"consent_title": {
		ZH: "交给反诈民警之前，请确认要分享的内容。民警看到的就是下面这些：",
		EN: "Before this goes to anti-fraud officers, check what will be shared. This is exactly what they will see:"},
	"consent_footer": {
		ZH: "「同意并提交」：提交，民警处理后我会告诉你结果，需要时民警会联系你。\n「提交，不用联系我」：只提交，不通知你结果。\n「取消」：什么都不分享。",
		EN: "\"Agree and submit\": submit it; I will tell you the outcome, and officers may contact you if needed.\n\"Submit, don't contact me\": submit it without telling you the outcome.\n\"Cancel\": share nothing."},
	"btn_submit":           {ZH: "同意并提交", EN: "Agree and submit"},
	"btn_submit_nocontact": {ZH: "提交，不用联系我", EN: "Submit, don't contact me"},
	"btn_cancel":           {ZH: "取消", EN: "Cancel"},
	"bot_cb_consent_changed": {
		ZH: "对话有了新内容，请重新确认",
		EN: "The conversation has changed; please check again"},
	"bot_cb_submitted": {ZH: "已提交", EN: "Submitted"},
	"bot_submitted": {
		ZH: "已提交给反诈民警，案件编号 #%s。民警处理后我会在这里告诉你结果。情况紧急请直接拨打 %s；钱已转出请立即拨打 %s。",
		EN: "Handed to anti-fraud officers: case #%s. I will tell you here what they decide. If it is urgent, call %s; if money has already left, call %s now."},
	"bot_submitted_nocontact": {
		ZH: "已提交给反诈民警，案件编号 #%s。你选择了不被联系，所以不会收到处理结果。情况紧急请直接拨打 %s；钱已转出请立即拨打 %s。",
		EN: "Handed to anti-fraud officers: case #%s. You chose not to be contacted, so you will not hear the outcome. If it is urgent, call %s; if money has already left, call %s now."},
	"bot_already_submitted": {
		ZH: "这段对话已经提交过了，案件编号 #%s。",
		EN: "This conversation has already been handed over: case #%s."},
	"bot_cancelled": {
		ZH: "好的，已取消，没有分享任何内容。",
		EN: "OK, cancelled: nothing was shared."},

	// Citizen: the outcome.
	"outcome_confirmed": {
		ZH: "反诈民警已处理你提交的案件 #%s：确认这是诈骗。请不要再向对方转账，也不要再联系对方；对方的号码、账号已列入警示名单。钱已经转出请立即拨打 %s 报警并联系银行止付；有疑问拨打 %s。",
		EN: "Anti-fraud officers have reviewed your case #%s: it is confirmed as a scam. Do not send them anything more and stop replying to them; their numbers and accounts are now on the warning list. If money has left, call %s now and ask your bank to stop the payment; for questions call %s."},
	"outcome_dismissed": {
		ZH: "反诈民警已查看你提交的案件 #%s：没有发现诈骗。如果对方后来让你转账、交费或下载APP，请再发给我；有疑问拨打 %s。",
		EN: "Anti-fraud officers have looked at your case #%s and found no sign of a scam. If they later ask you to pay, transfer or install an app, tell me again; for questions call %s."},
	"outcome_callback": {
		ZH: "反诈民警查看了你提交的案件 #%s，需要进一步了解情况，会与你联系。在此之前请不要转账；你也可以主动拨打 %s 并报上案件编号。",
		EN: "Anti-fraud officers have looked at your case #%s and need to know more; they will contact you. Do not transfer anything meanwhile; you can also call %s and give the case number."},

	// What a case shares (consent screen and card).
	"risk_none":   {ZH: "无", EN: "none"},
	"risk_low":    {ZH: "低", EN: "low"},
	"risk_medium": {ZH: "可疑", EN: "suspicious"},
	"risk_high":   {ZH: "高风险", EN: "high"},
	"word_yes":    {ZH: "是", EN: "yes"},
	"word_no":     {ZH: "否", EN: "no"},
	"case_type": {
		ZH: "类型：%s ｜ 风险：%s",
		EN: "Type: %s | risk: %s"},
	"case_paid":    {ZH: "已转账：%s", EN: "Money sent: %s"},
	"case_consent": {ZH: " ｜ 同意被联系：%s", EN: " | may be contacted: %s"},
	"case_flags": {
		ZH: "可疑之处：",
		EN: "Red flags:"},
	"case_indicators": {
		ZH: "对方的线索（电话、网址、账号、APP）：",
		EN: "The other side's details (phones, links, accounts, apps):"},
	"case_none": {ZH: "（无）", EN: "(none)"},
	"case_excerpt": {
		ZH: "对话摘录（身份证号、银行卡号和本人电话已遮盖）：",
		EN: "Excerpt of the conversation (ID numbers, bank cards and the citizen's own phone masked):"},
	"ind_phone":     {ZH: "电话", EN: "phone"},
	"ind_url":       {ZH: "网址", EN: "link"},
	"ind_bank_card": {ZH: "银行账户", EN: "bank account"},
	"ind_id_number": {ZH: "证件号", EN: "ID number"},
	"ind_qq":        {ZH: "QQ", EN: "QQ"},
	"ind_wechat":    {ZH: "微信", EN: "WeChat"},
	"ind_app":       {ZH: "APP", EN: "app"},
	"ind_amount":    {ZH: "金额", EN: "amount"},

	// Officers: cards.
	"card_title":             {ZH: "🚩 案件 #%s（%s 提交）", EN: "🚩 Case #%s (submitted %s)"},
	"card_status":            {ZH: "状态：%s", EN: "Status: %s"},
	"card_officer":           {ZH: "民警 %d", EN: "officer %d"},
	"card_officer_named":     {ZH: "民警 %s（%d）", EN: "officer %s (%d)"},
	"card_event":             {ZH: "%s %s：%s", EN: "%s %s: %s"},
	"status_open":            {ZH: "待处理", EN: "open"},
	"status_confirmed":       {ZH: "已确认诈骗", EN: "confirmed scam"},
	"status_dismissed":       {ZH: "不是诈骗", EN: "not a scam"},
	"status_callback":        {ZH: "需要回访", EN: "call back needed"},
	"action_confirm":         {ZH: "确认诈骗", EN: "confirmed scam"},
	"action_dismiss":         {ZH: "不是诈骗", EN: "not a scam"},
	"action_callback_needed": {ZH: "需要回访", EN: "call back needed"},
	"action_submit":          {ZH: "提交", EN: "submitted"},
	"action_view":            {ZH: "查看", EN: "viewed"},
	"btn_confirm":            {ZH: "确认诈骗", EN: "Confirm scam"},
	"btn_dismiss":            {ZH: "不是诈骗", EN: "Not a scam"},
	"btn_callback":           {ZH: "需要回访", EN: "Call back needed"},

	// Officers: answers to taps.
	"off_done":        {ZH: "已记录：%s", EN: "Recorded: %s"},
	"off_same":        {ZH: "案件已经是「%s」", EN: "The case is already \"%s\""},
	"off_refused":     {ZH: "只有授权的反诈民警可以处理案件。这次操作已被记录。", EN: "Only authorised anti-fraud officers can act on cases. This attempt has been recorded."},
	"off_not_found":   {ZH: "找不到案件 #%s", EN: "No case #%s"},
	"off_unavailable": {ZH: "案件库暂时不可用，请稍后再试。", EN: "The case store is unavailable right now; try again shortly."},

	// Officers: commands.
	"off_cmd_refused":   {ZH: "只有授权的反诈民警可以使用这个命令。这次尝试已被记录。", EN: "Only authorised anti-fraud officers can use this command. This attempt has been recorded."},
	"off_case_usage":    {ZH: "用法：/case 案件编号，例如 /case 12", EN: "Usage: /case ID, e.g. /case 12"},
	"off_blocked_none":  {ZH: "黑名单中没有符合条件的线索。", EN: "Nothing on the blocklist matches."},
	"off_blocked_title": {ZH: "黑名单（最新 %d 条）", EN: "Blocklist (newest %d)"},
	"off_blocked_line":  {ZH: "%s %s — 案件#%s，民警 %d，%s 到期", EN: "%s %s — case #%s, officer %d, expires %s"},
	"off_unblock_usage": {ZH: "用法：/unblock 号码、账户、QQ/微信号或域名，例如 /unblock 17012345678", EN: "Usage: /unblock VALUE (a phone, account, QQ/WeChat id or domain), e.g. /unblock 17012345678"},
	"off_unblocked":     {ZH: "已从黑名单移除：%s（%d 条记录，已记入审计日志）", EN: "Taken off the blocklist: %s (%d entries; audited)"},
	"off_unblock_none":  {ZH: "黑名单中没有“%s”。", EN: "“%s” is not on the blocklist."},
	"off_block_refused": {ZH: "未拉黑：%s（%s）", EN: "Not blocklisted: %s (%s)"},
	"off_queue_empty":   {ZH: "没有待处理的案件。", EN: "No case is waiting."},
	"off_queue_title":   {ZH: "待处理案件（%d 件，最早的在前）：", EN: "Cases waiting (%d, oldest first):"},
	"off_queue_line":    {ZH: "#%s ｜ %s ｜ %s ｜ %s ｜ %s", EN: "#%s | %s | %s | %s | %s"},
	"off_queue_hint":    {ZH: "发送 /case 编号 查看详情并处理。", EN: "Send /case ID to see one and act on it."},
	"off_audit_title":   {ZH: "审计记录：", EN: "Audit log:"},
	"off_audit_line":    {ZH: "%s 用户 %d %s（%s）", EN: "%s user %d %s (%s)"},
	"off_allowed":       {ZH: "允许", EN: "allowed"},
	"off_refused_word":  {ZH: "已拒绝", EN: "refused"},
	"off_stats_title": {
		ZH: "📊 本周 %s（%s 起）共 %d 件；上周 %s 共 %d 件；%s",
		EN: "📊 This week %s (from %s): %d cases; last week %s: %d; %s"},
	"off_stats_empty": {ZH: "本周和上周都没有案件。", EN: "No cases this week or last."},
	"off_stats_line": {
		ZH: "%s：%d 件，占 %.1f%%（上周 %d 件，占 %.1f%%），%s，已确认诈骗 %d 件",
		EN: "%s: %d cases, %.1f%% (last week %d, %.1f%%), %s, %d confirmed"},
	"off_stats_no_last": {ZH: "上周没有，无环比", EN: "none last week"},
	"off_stats_change":  {ZH: "环比 %+.0f%%", EN: "week over week %+.0f%%"},
}
