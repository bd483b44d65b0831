package advice

import "github.com/fanzha/fanzha"

// reportTexts are the texts of the district question, the officers'
// report and console commands, and the command menus Telegram shows
// (setMyCommands: 1–256 characters each).
var reportTexts = map[string]fanzha.Text{
	"district_ask": {
		ZH: "可以告诉我你在哪个区县吗？只用于民警的每周统计（只计数量，不记录你的消息和身份），不想说可以跳过。",
		EN: "Which district are you in? It is only used for the officers' weekly statistics (a count, never your messages or who you are); you may skip it."},
	"btn_skip":         {ZH: "跳过", EN: "Skip"},
	"district_set":     {ZH: "已记录，谢谢。", EN: "Noted, thank you."},
	"district_skipped": {ZH: "好的，不记录地区。", EN: "OK, no district recorded."},

	"off_report_failed":   {ZH: "周报暂时生成不了，请稍后再试。", EN: "The report cannot be built right now; try again shortly."},
	"off_report_chart":    {ZH: "%s 周报图表", EN: "Weekly report chart %s"},
	"off_console_link":    {ZH: "民警控制台登录链接（%d 分钟内有效，只能用一次，请勿转发）：\n%s", EN: "Console sign-in link (valid %d minutes, once; do not forward):\n%s"},
	"off_console_private": {ZH: "请在和我的私聊里发送 /console，登录链接只发到私聊。", EN: "Send /console in a private chat with me; sign-in links go to private chats only."},
	"off_console_off":     {ZH: "民警控制台没有开通。", EN: "The officers' console is not set up."},

	"cmd_start":   {ZH: "开始：我能做什么、保存什么", EN: "What Fanzha does and keeps"},
	"cmd_help":    {ZH: "命令说明", EN: "The commands"},
	"cmd_new":     {ZH: "重新开始一段对话", EN: "Start a new conversation"},
	"cmd_forget":  {ZH: "删除保存的关于你的内容", EN: "Delete what is kept about you"},
	"cmd_lang":    {ZH: "选择语言：/lang zh 或 /lang en", EN: "Choose the language: /lang zh or /lang en"},
	"cmd_hotline": {ZH: "反诈专线和报警电话", EN: "The anti-fraud hotline and the police"},
	"cmd_paid":    {ZH: "钱已经转出：紧急止付步骤", EN: "Money has left: stop-payment steps"},
	"cmd_check":   {ZH: "判断一条消息（回复它，或在后面写内容）", EN: "Judge one message (reply to it, or write it after)"},
	"cmd_queue":   {ZH: "民警：待处理的案件", EN: "Officers: the open cases"},
	"cmd_case":    {ZH: "民警：查看并处理一个案件：/case 编号", EN: "Officers: one case: /case ID"},
	"cmd_stats":   {ZH: "民警：本周案件按类型统计", EN: "Officers: this week's cases by type"},
	"cmd_report":  {ZH: "民警：本周周报（/report last 上周）", EN: "Officers: this week's report (/report last: last week)"},
	"cmd_console": {ZH: "民警：控制台一次性登录链接（私聊）", EN: "Officers: a one-time console sign-in link (private chat)"},
}
