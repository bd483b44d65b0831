package classifier

import (
	"unicode/utf8"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/textnorm"
)

// detector finds one red flag. Patterns run on the folded text (lower case,
// half-width, simplified, spaces between Han characters removed), so one
// pattern also catches "安 全 帐 戶" and "ＡＰＰ".
type detector struct {
	id  string
	typ fanzha.ScamType // the scam the flag points to; "" for general signs
	// reassuring: a sign of a legitimate text (an official channel, an
	// opt-out line, an anti-fraud advisory); never shown as a red flag.
	reassuring bool
	// hard: the flag alone makes the risk high. needs: a hard flag only
	// counts as hard when one of these flag ids (or, with "type", any flag of
	// the same type) was also found — "保证金" alone is not a scam, "保证金"
	// for a loan is.
	hard  bool
	needs []string
	// negatable: skip a match preceded by a negation ("请勿将验证码告诉他人").
	negatable bool
	re        *pattern
	text      fanzha.Text
}

// d is a red flag; reassure is a sign of a legitimate text. How much each
// one counts is learned (see Model), not set here.
func d(id string, typ fanzha.ScamType, pattern, zh, en string) *detector {
	return &detector{id: id, typ: typ, re: compile(pattern), text: fanzha.Text{ZH: zh, EN: en}}
}

func reassure(id string, typ fanzha.ScamType, pattern, zh, en string) *detector {
	x := d(id, typ, pattern, zh, en)
	x.reassuring = true
	return x
}

func (x *detector) hardAlone() *detector             { x.hard = true; return x }
func (x *detector) hardWith(ids ...string) *detector { x.hard, x.needs = true, ids; return x }
func (x *detector) neg() *detector                   { x.negatable = true; return x }

// Flag ids that general detectors share with later rules.
const (
	flagTransfer     = "transfer_request"
	flagManipulation = "manipulation"
	flagMarketing    = "marketing_optout"
	flagOfficial     = "official_channel"
	flagAdvisory     = "advisory"
)

// detectors is the table of red flags and reassuring signs. Each one is an
// input of the trained model, which learns how much it counts; a hard flag
// also sets a floor on the risk the model cannot lower.
var detectors = []*detector{
	// ---- general signs ------------------------------------------------
	d(flagTransfer, "",
		`转账|转帐|汇款|打款|转钱|打钱|转给(他|她|对方|我)|转到|转入|转过去|付款|充值|缴纳|先交|先付|扫码支付|收款码|transfer (the )?money|wire (the )?money|send (me |him |her |them )?(the )?money|gift cards?|pay (a|the) (fee|deposit)|bitcoin atm`,
		"要求你转账、汇款或付款", "asks you to transfer or pay money"),
	d("transfer_to_account", "",
		`(让|叫|要|要求|需要|必须)(你|您|我)(把)?[^，。]{0,10}(转|汇|打|存)(钱|款)?(到|进|入|给)[^你您，。]{0,10}(账户|帐户|账号|卡上|卡里|银行卡)|(move|transfer|wire|deposit) (your |the |all )?(money|savings|funds).{0,20}(account|card)`,
		"要你把钱转到对方指定的账户", "asks you to move your money into an account they name").neg().hardWith("police_claim", "accusation", "fund_check"),
	d("code_request", "",
		`(发|告诉|报|念|读|提供|截图|转发)(一下)?(给)?(我|我们|客服|工作人员|过来)?.{0,4}(验证码|动态码|校验码)|(验证码|动态码|校验码).{0,8}(发给|告诉|报给|提供给|截图给|念给|读给|说给)(我|客服|工作人员|我们|对方|(他|她)([^人]|$))|(send|tell|give|read|forward) (me |us )?(the |your )?(\d-digit )?(verification |security |one-time |otp )?(code|otp)|share (the |your )?(code|otp)`,
		"索要验证码：验证码等于你的钱包钥匙，任何人索要都是诈骗", "asks for a verification code: the code is the key to your money, anyone asking for it is a scammer").neg().hardAlone(),
	d("screen_share", "",
		`屏幕共享|共享屏幕|开启共享|远程控制|远程协助|向日葵|todesk|anydesk|teamviewer|quicksupport|screen ?shar|share (your|the) screen|remote (access|control|desktop)`,
		"要求共享屏幕或安装远程控制软件：对方能看到你的密码和验证码", "asks for screen sharing or a remote-control app: they will see your passwords and codes").neg().hardWith(flagTransfer, "refund_claim", "cancel_service", "police_claim", "accusation", "loan_context", "reserve_fund"),
	d("meeting_app", "",
		`腾讯会议|zoom|瞩目|飞书会议|钉钉会议|会议(软件|app|号)|(下载|安装).{0,6}(会议|视频)(软件|app)`,
		"要求下载会议软件：骗子常借此共享屏幕、远程“指导”", "asks you to install a meeting app: scammers use it to watch your screen"),
	d("secrecy", "",
		`(不要|不能|别|不许|不准|禁止|不得|切勿)(告诉|告知|跟|和|对|让|通知|联系)(任何人|家人|别人|银行|民警|警察|亲友|老公|老婆|家里人|同事|父母|其他人|外人|任何)|保守秘密|秘密(侦查|调查)|侦查(保密|不公开)|保密(协议|义务|纪律)|(don'?t|do not|never) (tell|inform|talk to) (anyone|your|the bank|police|family)|keep (this|it) (a )?(secret|confidential)`,
		"要求你保密、不告诉家人或银行：真正的机关和客服从不这样要求", "asks you to keep it secret from family or the bank: real officials never do"),
	d("urgency", "",
		`马上|立刻|立即|尽快|赶紧|赶快|限时|今天之内|24小时内|逾期(将|会)|否则(将|会|就)|过期作废|right now|immediately|urgent|within 24 hours`,
		"催促你马上行动，不给你思考和核实的时间", "pushes you to act at once, leaving no time to check"),
	d("suspicious_app", "",
		`(下载|安装|注册)(一个|一下|了)?.{0,10}(app|软件|客户端|平台)|点击.{0,4}链接|(扫|扫描).{0,4}(二维码|码)|(download|install) (the |this |our |an? )?\w* ?(app|application)|click (the|this) link`,
		"要求你下载陌生APP、点陌生链接或扫码", "asks you to install an unknown app, click a link or scan a code"),
	d("upfront_fee", "",
		`手续费|保证金|解冻金|解冻费|激活费|工本费|会员费|认证费|公证费|验资|刷流水|税费|个税|保险费|服务费|押金|processing fee|upfront fee|unlock fee|deposit fee|activation fee|release fee`,
		"要求先交各种费用（手续费、保证金、解冻费等）", "asks for a fee first (handling fee, deposit, unfreezing fee)"),
	d("frozen_funds", "",
		`(账户|资金|钱|提现|余额|额度)(已|已经)?(被)?(冻结|锁定)|(解冻|解除冻结)|提现(失败|不了|审核)|无法提现|提不出来|(account|funds?|withdrawal) (is |was |has been )?(frozen|locked|blocked)|can'?t withdraw|unable to withdraw`,
		"声称账户或资金被冻结、提现不了，要你交钱解冻", "claims your account or funds are frozen and asks you to pay to release them"),
	d("borrow_transfer", "",
		`(在|从|去)(各个|多个|几个|其他|网贷|借贷)?(平台|app|网贷).{0,8}(借|贷)(款|钱|出)?.{0,12}(转|打)|把.{0,6}(额度|借款|贷款|借的钱|钱借出来).{0,6}(转|打|清空)|清空(额度|借贷额度)|(借|贷)出来.{0,8}(转到|打到|转给|转入)|(借呗|微粒贷|花呗|京东金条|美团借钱|360借条|备用金).{0,10}(借出|贷出|提现|借款).{0,10}(转|打)|take out (a )?loans?.{0,30}(transfer|send)`,
		"让你从贷款平台借钱再转给对方：这是诈骗要掏空你的信用额度", "asks you to borrow from loan apps and transfer it: the scam is draining your credit").hardAlone(),
	reassure(flagOfficial, "",
		`通过官方(app|客服|渠道|网站).{0,8}(查询|核实|办理)|在(支付宝|微信|淘宝|京东|官方app|手机银行|[^，。]{0,6}app)[^，。]{0,12}(中|里|内)(尽快)?(查看|查询|办理|申请|发货|确认|操作|处理)|退回原(支付)?账户|原路(退回|返回)|平台(交易|担保)(更)?安全|请勿(脱离|绕过|离开)平台|(不要|切勿|请勿)(私下|线下)(交易|转账)|(在|通过|用|打了?)(官方)?(淘宝|京东|闲鱼|拼多多|美团|支付宝|银行|官方)?(app|应用|订单页面?|平台)(里|内|上)的?(官方)?(直接)?(下单|付款|申请|操作|退款|处理|客服|点)|官方客服|原路退回|以官方.{0,6}为准|请勿(向|将).{0,10}(告知|透露|泄露)|切勿(告知|泄露|转账)|不会(以任何理由)?(要求|索要)你?.{0,6}(转账|验证码|密码)|谨防(诈骗|上当)|never ask (you )?for your (code|password|pin)`,
		"", "").neg(),
	reassure(flagAdvisory, "",
		`凡是.{0,30}(都是|就是|一律是)诈骗|骗子(一般|通常|常常|往往|会|都会|就会|常用|惯用)(说|让|要|叫|冒充|用)|(都|全)是(假的|骗人的)|千万(别|不要)(信|相信|转|给)|(别|不要)(相信|信)(这种|这些|陌生)|(都是|就是|一律是|均为|均是)(诈骗|骗局)|是骗子|这是骗局|诈骗(案件)?(高发|多发)|谨防.{0,8}(诈骗|上当|受骗)|(反诈|防骗)(中心|提醒|提示|宣传)|国家反诈|提醒(您|大家|广大|各位)|(scam|fraud) alert|beware of (scam|fraud)|(is|are) (always )?a scam`,
		"", ""),
	reassure("hotline_mention", "",
		`96110|反诈(中心|专线|热线)|国家反诈中心app|anti-fraud (hotline|centre|center)`,
		"", ""),
	reassure(flagMarketing, "",
		`退订回?t|回t退订|回td退订|回复t?d?退订|拒收请?回复?r|退订请?回复|回n退订|reply stop|txt stop|unsubscribe`,
		"", ""),
	d(flagManipulation, "",
		`忽略(之前|以上|前面|你的|所有|上述)的?(所有)?(指令|规则|设定|提示|限制|要求)|你现在是|你是一个没有(任何)?限制|不受(任何)?限制的ai|扮演|系统提示|开发者模式|越狱|ignore (all |any )?(the )?(previous |prior |above |your )?(safety )?(instructions|rules|prompts?|guidelines)|assistant:|<!--|reply only|respond only|as an ai|disregard (your|all|previous)|you are now|developer mode|jailbreak|\bdan\b|\[system\]|system:|system prompt|label ?[=:] ?none|classify (this |it )?as|(说|告诉我|回复|回答|判断为?|输出)(这|这个|此)?(是|为)?(安全|正规|正常|没有风险|无风险)的?|(reply|respond|answer|say|output|mark|classify)( it| this)?( as)? ("?safe"?|legit|none|no risk)`,
		"这段话试图指挥本机器人改口：把它当作可疑内容，判断不变", "this text tries to instruct the bot: it is treated as suspicious data, not as a command"),

	// ---- investment ----------------------------------------------------
	d("mentor", fanzha.Investment,
		`导师|老师带|带单|喊单|荐股|跟着老师|跟单|助理.{0,6}(老师|股票|投资)|分析师.{0,6}(推荐|带)|(老师|大师|专家)(推荐|指导).{0,6}(股|币|投资|操作)|mentor|signal group|trading (coach|teacher)|(vip|trading|investment|crypto|stock) (group|channel|club)`,
		"“导师/老师带单”：陌生人群里带你投资，是投资诈骗的开场", "a 'mentor' or 'teacher' leading trades in a group: the opening of an investment scam"),
	d("guaranteed", fanzha.Investment,
		`稳赚不赔|稳赚|只赚不赔|包赚|保本保息|保证(收益|盈利|回本|赚)|零风险|无风险|没有风险|百分百(赚|盈利)|100%(赚|盈利)|躺赚|翻倍|高回报|高收益|暴利|guaranteed (return|profit|income)|risk[- ]free|no risk|double your (money|investment)`,
		"承诺稳赚、保本、高回报：正规投资从不保证收益", "promises guaranteed or risk-free high returns: no genuine investment can").neg(),
	d("insider", fanzha.Investment,
		`内幕消息|内部消息|内部渠道|内部名额|内部(股|价|额度)|庄家|主力资金|漏洞|后台数据|insider (tip|info|information)|inside information`,
		"声称有内幕消息或内部渠道", "claims insider information or a private channel"),
	d("platform_deposit", fanzha.Investment,
		`入金|出金|(平台|账户|app).{0,6}充值|充值.{0,6}(平台|账户)|(充值|入金).{0,10}(操作|交易|投资)|(deposit|top up).{0,20}(platform|trading account)|withdraw(al)?.{0,30}(tax|fee|pay)`,
		"让你往陌生平台充值入金", "asks you to put money into an unfamiliar trading platform"),
	d("crypto_forex", fanzha.Investment,
		`usdt|比特币|虚拟币|数字货币|币圈|泰达币|以太坊|挖矿|合约交易|区块链|外汇|期货|原油|黄金(投资|交易|现货)|crypto|bitcoin|ethereum|forex|\bfx\b|futures`,
		"虚拟货币、外汇、期货等陌生平台投资", "crypto, forex or futures on an unfamiliar platform"),
	d("stock_group", fanzha.Investment,
		`股票群|炒股群|荐股群|理财群|投资群|牛股|打新|新股|原始股|私募|涨停|抄底|上市公司.{0,4}(内部|原始)|理财(产品|平台)?.{0,6}(日|每天|每月)(收益|返)|投资(理财)?(平台|项目|app)|stock tips|pump`,
		"股票群、理财群、原始股、打新等投资话术", "stock tip groups, pre-IPO shares, 'new share' offers"),

	// ---- task_rebate ---------------------------------------------------
	d("task_commission", fanzha.TaskRebate,
		`刷单|刷信誉|刷好评|刷销量|点赞.{0,10}(佣金|元|块|赚|钱|任务)|关注.{0,10}(佣金|元一个|元/个|给钱|赚)|做任务|接任务|任务单|派单|抢单|做单|刷流量|(点赞|关注|收藏|评论|浏览)(任务|员)|抖音(点赞|关注)|(like|follow|subscribe|rate|review).{0,30}(commission|paid|\$\d|per task|earn)|(tasks?|orders?).{0,20}(commission|rebate)|optimi[sz]e (products|orders)|boost (sales|ratings)|order boosting|boosting orders|task platform|(paid|like|follow|rating|review) tasks|(follow|like) (douyin|tiktok|youtube|instagram)? ?(accounts|videos|channels)`,
		"点赞、关注、刷单做任务赚佣金：刷单本身违法，也是诈骗的开场", "paid likes, follows or fake orders: 'task' jobs are illegal and the opening of a scam").neg(),
	d("advance_payment", fanzha.TaskRebate,
		`(任务|单|佣金|返利|刷|提现).{0,12}垫(付|资|钱|了)|垫(付|资).{0,12}(任务|单|佣金|返)|连单|卡单|信誉分|信用分.{0,6}(过低|不足|提升|不够)|(操作失误|任务编号|订单编号).{0,12}(冻结|提现)|(本金|垫付).{0,8}(返还|退还|一起返)|(充值|垫付|预付).{0,12}(返|佣金|提成)|做单.{0,6}充值|任务.{0,10}(充值|垫钱|本金)|(完成|做完).{0,8}(任务|单).{0,8}(才能|方可|才可以)(提现|返)|(combined|merged|lucky) order|prepay|advance payment|negative balance|top up.{0,20}(task|order)`,
		"让你先垫付、充值做“连单”再返佣金：钱会越垫越多，最后提不出来", "asks you to pay in advance for 'orders' before the commission: the sums grow and never come back").hardAlone(),
	d("easy_money_job", fanzha.TaskRebate,
		`兼职|日结|日赚|日入|轻松赚|动动手指|足不出户|在家(赚钱|兼职|就能赚)|手机(兼职|赚钱)|宝妈|学生党|零门槛|时间自由|一单一结|躺着(赚|挣)|副业|part[- ]time|work from home|earn \$?\d+.{0,10}(a|per) day|daily pay`,
		"轻松兼职、日结高薪的招聘", "an easy part-time job with high daily pay"),

	// ---- fake_loan -----------------------------------------------------
	d("loan_fee", fanzha.FakeLoan,
		`(贷款|借款|放款|下款|放贷|借到|贷到|网贷).{0,16}(手续费|保证金|解冻金|解冻费|激活费|工本费|会员费|认证费|公证费|验资|刷流水|保险费|服务费|押金|转一笔|交一笔)|(保证金|解冻金|解冻费|工本费|验资|激活费).{0,16}(贷款|放款|下款|借款)|(先交|先付|先转|先充).{0,10}(费|金|钱).{0,12}(放款|下款|到账|贷款)|(loan|lender|lending).{0,60}(processing fee|upfront fee|fee first|deposit|insurance fee|pay first|transfer fee)|(fee|deposit).{0,30}(release|disburse).{0,10}loan`,
		"放贷前先收费（保证金、解冻金、验资、刷流水）：正规贷款放款前不收任何费用", "a fee before the loan is paid out (deposit, unfreezing fee, 'proof of funds'): genuine lenders never charge first").hardAlone(),
	d("card_error_frozen", "",
		`(卡号|银行卡|账号|信息).{0,6}(填错|错误|有误|不一致)|流水不足|刷流水|(验证|证明).{0,4}还款能力|(贷款|借款|放款|资金).{0,8}(被)?冻结|wrong (card|account) number|prove (your )?(repayment|ability)`,
		"说你银行卡号填错、流水不足、资金被冻结，要交钱解冻：骗子的固定套路", "says your card number was wrong or funds are frozen and you must pay: a fixed scam script").hardWith(flagTransfer, "upfront_fee", "frozen_funds"),
	d("no_credit_loan", fanzha.FakeLoan,
		`无抵押|无需征信|不看征信|不查征信|黑户(可|也能)?(贷|借|下款)|秒批|秒到账|秒下款|包下款|低息|免息|零利息|(征信|网黑).{0,4}(花了|不好|差).{0,8}(也能|照样|可以)(贷|借|下)|大额(贷款|借款)|no credit check|instant (approval|loan)|guaranteed (approval|loan)|bad credit (ok|okay|welcome)`,
		"不看征信、秒批、低息的贷款广告", "a loan ad with no credit check, instant approval or very low interest"),
	d("loan_context", fanzha.FakeLoan,
		`贷款|借款|网贷|放款|下款|额度|借钱|loan|borrow|lender|lending`,
		"涉及贷款借款", "about a loan"),

	// ---- customer_service ----------------------------------------------
	d("refund_claim", fanzha.CustomerService,
		`(快递|包裹|商品|货物|订单|宝贝).{0,12}(丢失|丢了|丢件|破损|损坏|质量问题|召回|下架|有问题|不合格|甲醛)|(快递|包裹|商品|订单|货物|宝贝).{0,12}理赔|理赔.{0,8}(快递|包裹|商品|订单)|(给|帮|为)(你|您)(办理)?(理赔|退款|赔付)|双倍赔偿|(三倍|双倍)(退款|赔付)|主动(退款|赔付|理赔)|退款.{0,6}(给你|处理|办理|流程)|(lost|damaged) (parcel|package)|refund (you|your|for)|compensation for`,
		"客服主动联系说要给你退款、理赔", "'customer service' calls to give you a refund or compensation"),
	d("cancel_service", fanzha.CustomerService,
		`(取消|关闭|注销|解除)(掉)?.{0,10}(百万保障|会员|自动续费|扣费|学生(账户|身份|会员)|代理(身份|权限)|商家(身份|权限)|直播权限|分期)|百万保障|百万医疗|开通了?.{0,10}(会员|保障|服务|vip).{0,10}(扣费|收费|扣钱)|每月.{0,6}(自动)?扣(费|除|款|钱)|不(取消|关闭).{0,12}(扣|影响征信|收费)|(cancel|stop).{0,20}(subscription|membership|auto[- ]?renew).{0,30}(charge|fee)|you (will )?be charged|charged .{0,25}unless (i|you|we) cancel|(vip|premium) member.{0,40}(cancel|deduct|charge)|(refunded|refund) too much|accidentally (refunded|sent|transferred)`,
		"说你开通了会员/百万保障，不取消就每月扣费：平台从不打电话让你操作取消", "says you signed up for a membership or 'insurance' that will charge you unless cancelled: a classic fake-support script").hardWith(flagTransfer, "screen_share", "meeting_app", "borrow_transfer", "reserve_fund", "code_request", "suspicious_app"),
	d("reserve_fund", fanzha.CustomerService,
		`备用金|微粒贷.{0,8}(借|贷出|额度|开通)|(借呗|花呗|京东白条|金条).{0,10}(借出|套出|提现).{0,8}(转|打)|(把|将).{0,4}额度.{0,6}(转|提|套)出`,
		"让你开通“备用金”或借出额度再转走", "asks you to draw a 'reserve fund' or credit line and transfer it").hardWith(flagTransfer, "screen_share", "cancel_service", "refund_claim", "impersonate_cs", "code_request", "borrow_transfer", "meeting_app"),
	d("impersonate_cs", fanzha.CustomerService,
		`我是.{0,10}(客服|快递员|工作人员|售后)|(淘宝|京东|拼多多|抖音|快手|支付宝|微信支付|美团|顺丰|中通|圆通|韵达|申通|邮政|ems|闲鱼|携程|唯品会|天猫|苏宁|小红书|得物).{0,6}(客服|官方|售后|工作人员)|(customer|technical) (service|support)|(amazon|ebay|fedex|dhl|ups|usps|paypal|apple|microsoft|shopee|lazada|taobao|temu|shein|(online )?store|courier|delivery).{0,12}(support|service|agent|team|claims?)`,
		"自称电商、物流平台客服", "claims to be platform or courier customer service"),

	// ---- police --------------------------------------------------------
	d("police_claim", fanzha.Police,
		`公安局|公安|派出所|税务(局|稽查|部门)|海关|人社局|医保局|社保局|社保中心|通信管理局|工信部|市场监管局|车管所|交警|刑警|刑侦|警官|民警|警察|检察院|检察官|法院|法官|公检法|经侦|网警|专案组|警号|反洗钱中心|国家安全|国安|police|(police|customs|immigration|tax|hmrc|irs|border|federal|law enforcement) officer|officer (from|with|at) (the )?(police|department|bureau|precinct|station|agency)|detective|interpol|prosecutor|federal agent|\bfbi\b|social security administration|\bssa\b|\birs\b|customs officer|immigration (office|officer)|embassy|consulate`,
		"自称公安、检察院、法院等机关人员", "claims to be police, a prosecutor or a court"),
	d("accusation", fanzha.Police,
		`涉嫌|洗钱|通缉|逮捕|拘留|传唤|非法集资|涉案|(身份证|银行卡|信息|名下).{0,8}(被|冒用|盗用|泄露|涉)|冒用你的|(名下|你的).{0,8}(银行卡|账户|手机卡).{0,8}(涉|用于|参与)|money laundering|arrest warrant|\bwarrant\b|suspect(ed)? (in|of)|involved in (a |an )?(case|crime|investigation)|your (id|identity|name|ssn|social security number|passport) (was|has been|is) (used|suspended|linked)|drug trafficking|(package|parcel).{0,30}(seized|intercepted)|help (catch|investigate)|bank teller .{0,20}stealing|undercover|sting operation`,
		"说你涉嫌洗钱、犯罪或被通缉", "says you are suspected of money laundering or a crime").neg().hardWith("police_claim"),
	d("safe_account", fanzha.Police,
		`安全账户|安全帐户|国家账户|监管账户|清查账户|核查账户|专用账户|资金监管|safe account|secure account|safety account|government account|protected account`,
		"要你把钱转到“安全账户”：公检法机关从来没有安全账户，这一句就能确定是诈骗", "asks you to move money to a 'safe account': no authority has one, this alone proves a scam").neg().hardAlone(),
	d("fund_check", fanzha.Police,
		`资金(清查|核查|审查|比对|检查|核验|清白|证明)|(清查|核查|核实|验证)(你的)?资金|配合(我们)?(的)?(调查|工作|侦查|核查)|(verify|check|clear) your (funds|money|assets)`,
		"要你配合“资金清查”", "asks you to cooperate with a 'fund check'").hardWith("police_claim", "accusation"),
	d("official_document", fanzha.Police,
		`通缉令|逮捕令|冻结令|拘捕令|传票|刑事立案|立案|案件编号|案号|(网上|网站).{0,6}(查询|查看).{0,6}(通缉|案件)|legal notice|court summons`,
		"出示“通缉令、逮捕令”或让你上网查案件", "shows a 'warrant' or asks you to look up your case on a website"),
	d("medical_insurance", fanzha.Police,
		`(医保|社保|公积金)(卡|账户)?.{0,10}(异常|违规|冻结|盗刷|停用|过期|套现|被冒用|涉嫌)`,
		"说你的医保、社保卡异常或涉嫌违规", "says your medical or social insurance card is abnormal or involved in fraud"),
	d("isolation", fanzha.Police,
		`找个.{0,4}(安静|没人|单独)|(去|到)(宾馆|酒店)(开|住)|单独(房间|一个人)|不要(挂|挂断)电话|保持通话|(关|关闭)(手机|电话)|一个人(去|待)|stay on the (line|phone)|go somewhere private|don'?t hang up`,
		"要你找没人的地方单独通话、不要挂电话", "tells you to go somewhere alone and stay on the line"),

	// ---- credit_repair -------------------------------------------------
	d("credit_threat", fanzha.CreditRepair,
		`影响(你的)?(个人)?(征信|信用)|征信(受损|有污点|不良|黑名单|逾期|会(受到)?影响|有问题|异常)|上征信|(列入|拉入|进入)(征信)?黑名单|征信记录.{0,4}(异常|不良)|(hurt|damage|affect|ruin) your credit|credit (score|record|report) will`,
		"以“影响征信”相威胁", "threatens your credit record"),
	d("repair_credit", fanzha.CreditRepair,
		`修复征信|征信修复|消除(逾期|不良|征信)(记录)?|洗白征信|征信(洗白|消除|处理|包装|修改)|删除.{0,4}(逾期|不良)记录|credit (repair|restoration)|(fix|fixing|restore|restoring|boost|clean|cleaning|repair|repairing) (my |your )?credit (history|score|record|report)?|(remove|erase|clean|delete|deleting).{0,15}(credit|default|overdue) (record|history)|overdue records`,
		"声称能修复征信、消除逾期记录：征信只有人民银行能更正，不收费、不代办", "offers to 'repair' your credit record: only the central bank's credit centre can correct it, free").hardAlone(),
	d("campus_loan", fanzha.CreditRepair,
		`校园贷|学生贷|(注销|关闭|清除).{0,8}(校园贷|学生(账户|账号|身份|贷款?)|学生时期|在校期间)|(大学|上学|在校)(时|期间).{0,12}(注册|开通|开过).{0,10}(账户|账号|贷|借)|利率(过高|超标|不合规)|student loan account|campus loan`,
		"要你注销“校园贷/学生账户”：这是虚假征信诈骗的开场", "asks you to close a 'student loan account': the opening of the fake-credit scam").hardWith(flagTransfer, "borrow_transfer", "credit_threat", "screen_share", "meeting_app"),

	d("credit_cancel", fanzha.CreditRepair,
		`(注销|关闭|清零|回收)(掉)?.{0,8}(额度|借贷账户|贷款账户).{0,16}征信|(额度|借款额度|贷款额度).{0,6}(清零|回收)|占用.{0,4}征信|征信.{0,8}(异常|有问题|受影响).{0,12}(处理|核实|配合)|(人民银行|央行|银保监|金融监管).{0,10}(征信|注销)`,
		"以“注销账户、额度清零、征信异常”为名要你操作贷款额度", "asks you to 'close' credit lines or 'clear' your credit: the fake-credit scam"),

	// ---- acquaintance --------------------------------------------------
	d("new_account", fanzha.Acquaintance,
		`换(了)?(个)?(新)?(号|微信|手机号|号码|qq)|这是我的?新(号|微信|qq|手机|号码)|新(号|微信)加(一下|下)?我|加(一下|下)?我(的)?新|我是你(的)?(领导|老板|.总|校长|老师|班主任|表哥|表弟|表姐|舅舅|叔叔|侄子|外甥|同学|老同学|朋友|儿子|女儿|孙子|孙女)|猜猜我是谁|你猜我是谁|(领导|老板|校长|书记|局长|处长|主任|董事长|总经理|经理)(让我)?.{0,6}(加你|加一下你|找你有事)|(new|different) (number|phone|account|whatsapp|wechat)|this is my new|it'?s me,? your|guess who|(cousin|friend|boss|son|daughter|nephew|niece|grandson|granddaughter|uncle|aunt|colleague)'?s? (facebook|whatsapp|wechat|instagram|messenger|email)? ?account (messaged|texted|asked)|refuses? to (call|video)|won'?t (call|video)|typing style`,
		"用新号码、新微信自称领导、熟人或亲人", "a 'boss', friend or relative writing from a new number or account"),
	d("urgent_favor", fanzha.Acquaintance,
		`(帮|替)(我|忙)?.{0,8}(转|垫|付|打)(一下|一笔|个|点)?|先(帮我)?垫(一下|付)|周转一下|借(我)?点钱|不方便(接|说话|视频)|在开会|(开会|忙).{0,4}不方便|明天(就)?还你|回头还你|(急|着急).{0,8}(用钱|要钱|转)|给.{0,6}(客户|合作方|对方).{0,6}(转|打)(一笔|过去)?|can you (help me )?(transfer|send|pay|wire|buy)|in a meeting|can'?t (talk|call)|pay you back`,
		"以开会、不方便通话为由急着让你帮忙转账", "urgently asks you to pay on their behalf while 'unable to talk'").hardWith("new_account", "type"),
	d("deepfake", fanzha.Acquaintance,
		`视频.{0,8}(模糊|卡|很快(就)?挂|几秒)|ai换脸|换脸|声音.{0,4}(很像|一模一样|一样)|deepfake|voice (clone|cloning)|sounded exactly like`,
		"视频只有几秒、画面模糊或声音很像：可能是AI换脸、拟声", "a blurry few-second video or a voice that sounds just like them: possibly a deepfake"),
	d("relative_emergency", fanzha.Acquaintance,
		`出(了)?车祸|被(抓|拘留|扣押|绑架)|急需.{0,6}(手术费|医药费|保证金|赎金|罚款)|嫖娼被抓|打架.{0,6}(被抓|赔)|(孩子|儿子|女儿|孙子|学生).{0,10}(受伤|生病|住院|急救)|(accident|hospital|arrested|jail|bail)`,
		"说亲人出事急需用钱", "says a relative is in trouble and needs money at once"),

	// ---- romance -------------------------------------------------------
	d("online_partner", fanzha.Romance,
		`网恋|网友|婚恋(网|平台|app|网站)|交友(软件|app|平台|网站)|相亲(网|平台|app)|没见过面|从没见过|从未见面|素未谋面|没有见过|还没见过|(认识|聊了).{0,4}(一个月|几周|几天|不久|半个月|两个月)|(老公|老婆|宝贝|亲爱的|男朋友|女朋友|男友|女友).{0,12}(投资|平台|转|借|寄|带我)|dating (app|site)|met (him|her|them)? ?online|never met|(boyfriend|girlfriend|fiance) .{0,20}(online|overseas)`,
		"网上认识、从没见过面的“恋人”谈钱", "an online partner you have never met brings up money"),
	d("pig_butchering", fanzha.Romance,
		`杀猪盘|带我(一起)?(投资|赚钱|玩|买)|(叔叔|舅舅|姐姐|哥哥|朋友|表哥|家人)(在|是).{0,8}(内部|漏洞|平台|数据分析|操盘)|博彩|菠菜|下注|押注|(彩票|平台|网站|后台)(有)?漏洞|赌博|赌场|百家乐|(show|teach)(ed)? me (how to )?(invest|trade)|(uncle|aunt|cousin).{0,20}(insider|platform|trading)`,
		"网恋对象带你投资、博彩：杀猪盘", "an online partner leads you into investing or betting: a 'pig-butchering' scam"),
	d("romance_money", fanzha.Romance,
		`(机票|签证|关税|清关|礼物|路费|见面|回国|解冻|医药费).{0,10}(钱|费|转|凑|交|付)|(想见你|见面).{0,10}(钱|费|转|凑)|customs (fee|duty)|plane ticket|visa fee|(pay|money) for (the |my )?(ticket|visa|customs|flight)`,
		"编个理由向你要钱：路费、机票、签证、关税、礼物、解冻费或医药费", "asks you for money with a story: travel, a ticket, a visa, customs, a gift, an unfreezing fee or medical bills"),
	d("gift_card", "",
		`(买|购买|充值).{0,6}(礼品卡|充值卡|购物卡|游戏卡|apple卡|itunes卡|steam卡).{0,12}(卡号|卡密|拍照|发给|告诉)|(礼品卡|购物卡|充值卡).{0,4}(卡密|卡号).{0,8}(发|给|告诉)|(buy|get|purchase|pay (with|in)|send) .{0,20}gift cards?|gift cards?.{0,30}(numbers?|codes?|pins?|scratch|photo|picture)`,
		"要你买礼品卡、充值卡并报卡密：正规单位和真正的亲友从不这样收钱", "asks to be paid in gift cards or their codes: no real company, agency or relative takes payment that way"),
	d("overseas_persona", fanzha.Romance,
		`军医|维和|海外(工作|军官|医生)|石油平台|联合国|(单身|离异).{0,6}(多金|富豪|成功人士)|外籍|soldier|peacekeeper|oil rig|surgeon (overseas|abroad)|deployed|widower`,
		"自称海外军官、医生等高大上身份", "claims a glamorous overseas identity (soldier, doctor, engineer)"),

	d("romantic_talk", fanzha.Romance,
		`^(亲爱的|宝贝|宝宝|亲爱哒)[，,!！~～ 。]|爱你|想你了|喜欢你|聊了这么久|嫁给你|娶你|我们的(未来|婚礼|婚房|以后)|(等我们|我们)见面|(honey|babe|darling|sweetheart|my love)\b|our (future|wedding)|marry`,
		"对方用恋人口吻拉近关系再谈钱", "romantic talk used to lower your guard before money comes up"),

	// ---- game_trade ----------------------------------------------------
	d("game_item_trade", fanzha.GameTrade,
		`(游戏|王者|荣耀|和平精英|吃鸡|原神|梦幻西游|梦幻|英雄联盟|lol|穿越火线|我的世界|逆水寒|dnf|地下城|cs2|csgo|steam|永劫无间|第五人格|蛋仔|光遇|崩坏|cf|wow|roblox|fortnite|minecraft|genshin|valorant|pubg).{0,15}(账号|帐号|号|装备|皮肤|金币|点券|钻石|道具|金|币|票).{0,10}(买卖|交易|出售|收购|卖|买|出|收|转让|估价|代练)|(买卖|交易|出售|收购|卖|买|出|收|转让)(了)?.{0,6}(游戏|王者|荣耀|和平精英|吃鸡|原神|梦幻西游|梦幻|英雄联盟|lol|穿越火线|我的世界|逆水寒|dnf|地下城|cs2|csgo|steam|永劫无间|第五人格|蛋仔|光遇|崩坏|cf|wow|roblox|fortnite|minecraft|genshin|valorant|pubg).{0,8}(账号|帐号|号|装备|皮肤|金币|点券|票)|卖号|买号|收号|账号交易|game account|(sell|sold|buy|bought|trade|trading|selling|buying).{0,25}(game account|(genshin|roblox|fortnite|minecraft|steam|wow|valorant|pubg|lol) account|skins?|in-game items|gold|v-?bucks|robux|gear)|(skins?|in-game items|gold|gear|account).{0,20}(sell|buy|trade)`,
		"游戏账号、装备、皮肤的买卖", "buying or selling a game account, gear or skins"),
	d("game_platform_trap", fanzha.GameTrade,
		`(交易猫|盼之|螃蟹|dd373|5173|游戏交易)(平台)?.{0,12}(客服|链接|网址|保证金|冻结|认证)|(交易|游戏)?平台.{0,10}(冻结|解冻|保证金|激活|认证|押金)|(私下|私聊|线下|加微信|加qq).{0,8}(交易|出号|买号)|(未成年|实名).{0,8}(冻结|退款|解冻)|(trading|trade) (site|platform).{0,30}(frozen|deposit|verify)`,
		"游戏交易被引到私下或陌生“交易平台”，再说账户冻结要交保证金", "a game trade moved off-platform to a fake 'trading site' that demands a deposit").hardWith("game_item_trade", "free_skins"),
	d("free_skins", fanzha.GameTrade,
		`免费(领|送|得).{0,8}(皮肤|点券|装备|金币|钻石)|低价.{0,8}(皮肤|点券|充值|钻石)|代充|折扣充值|(内部|官方).{0,4}(福利|活动).{0,6}(皮肤|点券)|free (skins?|v-?bucks|robux|diamonds|gems)|(v-?bucks|robux|skins?|in-game currency).{0,40}(half price|cheap|discount|outside the game)`,
		"免费领皮肤、低价代充", "free skins or cut-price top-ups"),

	// ---- shopping ------------------------------------------------------
	d("off_platform_pay", fanzha.Shopping,
		`(加|私聊|私下|线下|微信|qq).{0,8}(交易|付款|转账|下单)|不走平台|绕开平台|脱离平台|直接(微信)?转(账)?给我|扫(我的)?(收款码|二维码)付款|(定金|订金|押金).{0,6}(先付|先转|先交)|先(付|交|转)(定金|订金|全款|一半)|pay (me )?(directly|outside)|outside (the )?(platform|app)|(zelle|venmo|cash ?app|wire transfer|gift cards?) (only|first|instead)|(only|first) (accepts?|takes?|wants?) (zelle|venmo|cash ?app|wire|bank transfer|crypto)|paypal friends|purchase protection off|friends (and|&) family|(never|didn'?t|did not) (arrive|ship|get (it|the))|no tracking|(instagram|facebook|tiktok) (shop|store|seller)|marketplace (listing|seller)`,
		"要你绕开平台私下付款：钱付出去就没有平台保障", "asks you to pay outside the platform: you lose all buyer protection"),
	d("too_cheap", fanzha.Shopping,
		`(低价|特价|折扣|半价|内部价|员工价|清仓|甩卖|一折|两折|白菜价|出厂价).{0,10}(名牌|奢侈品|手机|iphone|苹果|茅台|演唱会|门票|车票|机票|宠物|猫|狗|包包|手表)|(演唱会|门票|球票|车票|火车票).{0,8}(代抢|内部票|低价|黄牛|加速包|抢票)|(宠物|猫|狗|柯基|布偶|英短|金毛|泰迪).{0,12}(包邮|运费|检疫|疫苗费|航空箱|托运)|too good to be true|half price|90% off`,
		"价格低得离谱的商品、票务或宠物", "goods, tickets or pets at an unbelievably low price"),
	d("extra_fee", fanzha.Shopping,
		`(运费|检疫费|保险费|航空箱|押金|清关费|关税|托运费|疫苗费).{0,10}(再|另外|还需|还要|需要|要)(付|交|转|补)|(再|还要|需要)(补|交|付).{0,6}(运费|差价|保险|押金|关税)|(shipping|insurance|customs) fee.{0,20}(again|extra|more)|(deposit|shipping|crate|vaccine|insurance).{0,30}(puppy|kitten|pet)|(puppy|kitten|pet).{0,30}(deposit|shipping|crate|vaccine|insurance)|(now|then) (they|he|she) (want|wants|asks?|asked) (for )?more`,
		"付款后又以运费、检疫费、押金等名义要钱", "after payment, asks for more: shipping, quarantine, insurance or a deposit"),

	// ---- other_fraud ---------------------------------------------------
	d("sextortion", fanzha.OtherFraud,
		`裸聊|视频.{0,6}(脱|裸)|不雅(视频|照片)|艳照|(通讯录|视频|照片).{0,10}(发给|群发|曝光|发到)|曝光你|身败名裂|sextortion|intimate (video|photos?)|nude|explicit (video|photos?)`,
		"裸聊、以不雅视频威胁敲诈", "sexual video chat or blackmail with an intimate video").hardAlone(),
	d("fake_benefit", fanzha.OtherFraud,
		`(领取|申领|发放|申请|获得|可领).{0,8}(补贴|补助|津贴|退税|退费|失业金|育儿金|助学金|奖学金|救助金)|(补贴|补助|退税|失业金|育儿补贴|医保返还|社保补贴).{0,12}(点击|链接|登录|申领|领取|扫码)|etc.{0,10}(失效|停用|过期|认证|禁用|异常)|(航班|机票).{0,10}(取消|延误|改签|故障).{0,30}(退|赔|补偿|改签)|(中奖|获奖|幸运|抽中|大奖).{0,15}(领取|兑奖|奖金|奖品|手续费|税|点击)|积分.{0,10}(兑换|清零|到期).{0,16}(点击|点进|点开|链接|登录|http|www)|(claim|collect) (your )?(prize|reward|refund|subsidy|grant)|(government|relief|covid|stimulus) (grant|payment|fund)|sweepstakes|lottery|inheritance|tax refund|toll.{0,10}(unpaid|due|overdue)|(package|parcel).{0,20}(held|redeliver|customs)|you (have )?won`,
		"领补贴、退税、中奖、积分兑换、ETC失效等通知要你点链接或交费", "a 'subsidy', tax refund, prize, points or toll notice asking you to click a link or pay"),
	d("fake_certificate", fanzha.OtherFraud,
		`(免考|包过|保过).{0,10}(证|考试|拿证)|办(理)?(假证|证件|学历)|调档|内部关系.{0,12}(录取|入学|编制|工作|调档)|疏通费|(代办|办理).{0,6}(入户|落户|编制)`,
		"花钱“包过、拿证、内部调档”：没有这样的捷径", "paying for guaranteed certificates or 'inside' admissions: no such shortcut exists"),
	d("phishing_link", "",
		`(http|www|\.cc|\.top|\.xyz|\.vip|\.icu|\.shop|\.club|\.site|\.online|\.live|\.tk).{0,40}(登录|填写|输入|认证|领取|激活)|(登录|填写|输入|认证|领取|激活).{0,20}(http|www\.)|(填写|输入|填)(了)?.{0,10}(银行卡号|银行卡|卡号|密码|身份证)|enter your (card|bank|password|pin)`,
		"让你点链接填写银行卡、密码等信息", "asks you to follow a link and enter card details or passwords"),
}

func init() {
	for _, x := range detectors {
		if x.typ != "" && !x.typ.Valid() {
			panic("classifier: detector " + x.id + " has unknown type " + string(x.typ))
		}
	}
}

// hit is one detector match in a text.
type hit struct {
	det        *detector
	start, end int // in the folded text
}

// negations that cancel a negatable flag when they come just before it.
var negations = []string{"不要", "不会", "请勿", "切勿", "勿", "别", "不", "没有", "没", "未", "无需", "不用", "禁止", "严禁", "never ", "don't ", "do not ", "not ", "won't ", "no "}

// strongNegations cancel a negatable flag anywhere earlier in its clause:
// "我行绝不会以任何理由要求您向安全账户转账".
var strongNegations = []string{"绝不", "决不", "从不", "从来不", "不会", "切勿", "请勿", "严禁", "never", "will not", "won't", "都是诈骗", "就是诈骗",
	// A warning about what "anyone" might say is advice, not the script.
	"如果有人", "要是有人", "假如有人", "一旦有人", "凡是", "任何人让", "if anyone", "if someone", "anyone who"}

func negated(s string, start int) bool {
	lo := start
	for n := 0; n < 4 && lo > 0; n++ {
		_, size := utf8.DecodeLastRuneInString(s[:lo])
		lo -= size
	}
	if lo < start-12 {
		lo = start - 12
	}
	if lo < 0 {
		lo = 0
	}
	if containsAny(s[lo:start], negations) {
		return true
	}
	clause := s[clauseStart(s, start):start]
	return containsAny(clause, strongNegations)
}

// clauseStart finds where the clause holding byte i begins.
func clauseStart(s string, i int) int {
	for j := i; j > 0; {
		r, size := utf8.DecodeLastRuneInString(s[:j])
		switch r {
		case '。', '！', '？', '；', '，', ',', '.', '!', '?', ';', '\n':
			return j
		}
		j -= size
	}
	return 0
}

// detect runs every detector over the folded text and returns the first
// un-negated match of each.
func detect(f textnorm.Folded, t *scan) []hit {
	var hits []hit
	for _, x := range detectors {
		for _, m := range x.re.findAllIndex(t, 4) {
			if x.negatable && negated(f.Text, m[0]) {
				continue
			}
			hits = append(hits, hit{det: x, start: m[0], end: m[1]})
			break
		}
	}
	return hits
}
