package console

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/report"
	"github.com/fanzha/fanzha/review"
	"github.com/fanzha/fanzha/stats"
)

//go:embed templates/*.html
var templateFS embed.FS

var pageNames = []string{"login", "problem", "queue", "case", "report"}

var templates = func() map[string]*template.Template {
	out := map[string]*template.Template{}
	for _, name := range pageNames {
		out[name] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html"))
	}
	return out
}()

var riskNames = map[fanzha.Risk]string{fanzha.RiskNone: "无", fanzha.RiskLow: "低", fanzha.RiskMedium: "中", fanzha.RiskHigh: "高"}

var statusNames = map[fanzha.CaseStatus]string{fanzha.CaseOpen: "待处理", fanzha.CaseConfirmed: "已确认诈骗",
	fanzha.CaseDismissed: "已排除", fanzha.CaseCallback: "待回访"}

var actionNames = map[string]string{string(fanzha.ActionConfirm): "确认诈骗", string(fanzha.ActionDismiss): "排除",
	string(fanzha.ActionCallback): "需要回访", "submit": "提交", "block": "拉黑线索", "console_login": "登录控制台"}

var funcs = template.FuncMap{
	"risk":   func(r fanzha.Risk) string { return riskNames[r] },
	"status": func(s fanzha.CaseStatus) string { return statusNames[s] },
	"action": func(a string) string {
		if n, ok := actionNames[a]; ok {
			return n
		}
		return a
	},
	"kind":    report.KindName,
	"pct":     report.Percent,
	"signed":  report.Signed,
	"yuan":    report.Yuan,
	"redact":  review.Redact,
	"svgcss":  func() template.CSS { return template.CSS(report.SVGStyle) },
	"amount":  func(a stats.Amount) string { return a.Label() },
	"inc":     func(i int) int { return i + 1 },
	"typeSVG": report.TypesSVG, "districtSVG": report.DistrictsSVG, "trendSVG": report.TrendSVG,
}

// page is what every page template gets.
type page struct {
	Title   string
	Prefix  string
	CSRF    string
	Officer int64
	Data    any
}

func (c *Console) render(w http.ResponseWriter, status int, name string, data any) {
	c.renderPage(w, status, name, nil, data)
}

func (c *Console) renderPage(w http.ResponseWriter, status int, name string, s *session, data any) {
	p := page{Prefix: c.opts.Prefix, Data: data}
	if s != nil {
		p.CSRF, p.Officer = s.CSRF, s.Officer
	}
	var buf bytes.Buffer
	if err := templates[name].Execute(&buf, p); err != nil {
		c.opts.Logger.Error("console template", "page", name, "err", err)
		http.Error(w, "内部错误", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// queueRow is a case in the queue.
type queueRow struct {
	Case     fanzha.Case
	TypeName string
	Created  string
}

type option struct {
	Value, Label string
	Selected     bool
}

func (c *Console) parseDate(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02", s, c.opts.Location)
	if err != nil {
		return time.Time{}
	}
	return t
}

// queue lists cases with filters: type, minimum risk, status, dates
// (created from … to, inclusive days), page.
func (c *Console) queue(w http.ResponseWriter, r *http.Request, s *session) {
	f := r.URL.Query()
	q := review.Query{Limit: c.opts.PageSize}
	if t := fanzha.ScamType(f.Get("type")); t.Valid() {
		q.Type = t
	}
	if rk, err := fanzha.ParseRisk(f.Get("risk")); err == nil {
		q.MinRisk = rk
	}
	switch st := fanzha.CaseStatus(f.Get("status")); st {
	case fanzha.CaseOpen, fanzha.CaseConfirmed, fanzha.CaseDismissed, fanzha.CaseCallback:
		q.Status = st
	case "":
		if !f.Has("status") {
			q.Pending = true // the queue opens on what needs an officer
		}
	}
	if d := f.Get("district"); slices.Contains(c.opts.Districts, d) {
		q.District = d
	}
	q.From = c.parseDate(f.Get("from"))
	if to := c.parseDate(f.Get("to")); !to.IsZero() {
		q.To = to.AddDate(0, 0, 1)
	}
	pageNo, _ := strconv.Atoi(f.Get("page"))
	pageNo = max(pageNo, 1)
	q.Offset = (pageNo - 1) * c.opts.PageSize
	res, err := c.opts.Cases.Query(r.Context(), q)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	rows := make([]queueRow, len(res.Cases))
	for i, cs := range res.Cases {
		rows[i] = queueRow{Case: cs, TypeName: c.opts.TypeName(cs.Label), Created: cs.Created.In(c.opts.Location).Format("01-02 15:04")}
	}
	types := []option{{Value: "", Label: "全部类型"}}
	for _, t := range fanzha.ScamTypes {
		types = append(types, option{string(t), c.opts.TypeName(t), t == q.Type})
	}
	risks := []option{{Value: "", Label: "全部风险"}}
	for _, rk := range []fanzha.Risk{fanzha.RiskLow, fanzha.RiskMedium, fanzha.RiskHigh} {
		risks = append(risks, option{rk.String(), riskNames[rk] + "及以上", q.MinRisk == rk})
	}
	statuses := []option{{Value: "", Label: "待处理（含待回访）", Selected: q.Pending}, {Value: "all", Label: "全部", Selected: !q.Pending && q.Status == ""}}
	for _, st := range []fanzha.CaseStatus{fanzha.CaseOpen, fanzha.CaseCallback, fanzha.CaseConfirmed, fanzha.CaseDismissed} {
		statuses = append(statuses, option{string(st), statusNames[st], q.Status == st})
	}
	districts := []option{{Value: "", Label: "全部区县"}}
	for _, d := range c.opts.Districts {
		districts = append(districts, option{d, d, d == q.District})
	}
	link := func(p int) string {
		v := url.Values{}
		for k, vs := range f {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(p))
		return c.opts.Prefix + "/queue?" + v.Encode()
	}
	var prev, next string
	if pageNo > 1 {
		prev = link(pageNo - 1)
	}
	if q.Offset+len(rows) < res.Total {
		next = link(pageNo + 1)
	}
	c.renderPage(w, http.StatusOK, "queue", s, map[string]any{
		"Rows": rows, "Total": res.Total, "Page": pageNo, "Prev": prev, "Next": next,
		"Types": types, "Risks": risks, "Districts": districts, "Statuses": statuses, "From": f.Get("from"), "To": f.Get("to"),
	})
}

func (c *Console) caseDetail(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	cs, err := c.opts.Cases.Get(r.Context(), id)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	audit, err := c.opts.Cases.ByCase(r.Context(), id)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	type auditRow struct {
		At      string
		Who     int64
		Officer bool
		What    string
		Allowed bool
		Detail  string
	}
	rows := make([]auditRow, 0, len(audit))
	for _, e := range audit {
		row := auditRow{At: e.At.In(c.opts.Location).Format("2006-01-02 15:04:05"), Who: e.Who, Officer: c.officers[e.Who], What: e.What, Allowed: e.Allowed, Detail: e.Detail}
		if e.What == "submit" {
			row.Who, row.Detail = 0, "" // the citizen's id and words stay off the console
		}
		rows = append(rows, row)
	}
	var inds []fanzha.Indicator
	for _, in := range cs.Indicators {
		if in.Kind != fanzha.IndAmount && in.Kind != fanzha.IndIDNumber {
			inds = append(inds, in)
		}
	}
	c.renderPage(w, http.StatusOK, "case", s, map[string]any{
		"Case": cs, "TypeName": c.opts.TypeName(cs.Label), "Excerpt": review.Redact(cs.Excerpt), "Indicators": inds,
		"Created": cs.Created.In(c.opts.Location).Format("2006-01-02 15:04"), "Audit": rows,
		"Done": r.URL.Query().Get("done"),
	})
}

func (c *Console) act(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	action, ok := validAction(r.PostFormValue("action"))
	if !ok {
		c.problem(w, http.StatusBadRequest, "操作无效", "未知的操作。")
		return
	}
	if _, err := c.opts.Cases.Act(r.Context(), id, s.Officer, action); err != nil {
		c.fail(w, r, err)
		return
	}
	c.opts.Logger.Info("console action", "case_id", id, "officer", s.Officer, "action", action)
	http.Redirect(w, r, c.opts.Prefix+"/case/"+url.PathEscape(id)+"?done="+url.QueryEscape(string(action)), http.StatusSeeOther)
}

// block blocklists one indicator of the case (by its index among the
// case's indicators), and audits it.
func (c *Console) block(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	cs, err := c.opts.Cases.Get(r.Context(), id)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	i, err := strconv.Atoi(r.PostFormValue("indicator"))
	if err != nil || i < 0 || i >= len(cs.Indicators) || cs.Indicators[i].Kind == fanzha.IndAmount || cs.Indicators[i].Kind == fanzha.IndIDNumber {
		c.problem(w, http.StatusBadRequest, "操作无效", "没有这条线索。")
		return
	}
	in := cs.Indicators[i]
	refused, err := c.opts.Cases.Add(r.Context(), s.Officer, cs.ID, cs.Label, []fanzha.Indicator{in})
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if len(refused) > 0 {
		// The store audited the refusal.
		c.problem(w, http.StatusUnprocessableEntity, "不能拉黑", refused[0].Reason.ZH)
		return
	}
	c.audit(r.Context(), s.Officer, "block", cs.ID, fmt.Sprintf("%s %s", in.Kind, in.Value))
	http.Redirect(w, r, c.opts.Prefix+"/case/"+url.PathEscape(id)+"?done=block", http.StatusSeeOther)
}

// week reads ?week=: "last" (the default on Mondays' report), "current"
// (so far), or a date in the week wanted.
func (c *Console) week(r *http.Request) (*report.Report, error) {
	switch w := r.URL.Query().Get("week"); w {
	case "", "current":
		return c.opts.Reports.Current(r.Context())
	case "last":
		return c.opts.Reports.Previous(r.Context())
	default:
		d := c.parseDate(w)
		if d.IsZero() {
			return c.opts.Reports.Current(r.Context())
		}
		return c.opts.Reports.Week(r.Context(), d)
	}
}

func (c *Console) reportPage(w http.ResponseWriter, r *http.Request, s *session) {
	rep, err := c.week(r)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	prev := rep.Start.AddDate(0, 0, -7).Format("2006-01-02")
	var next string
	if !rep.SoFar {
		next = rep.End.Format("2006-01-02")
	}
	c.renderPage(w, http.StatusOK, "report", s, map[string]any{
		"R": rep, "Text": rep.Text(), "Prev": prev, "Next": next, "Week": rep.Start.Format("2006-01-02"),
		"Dates": report.Dates(rep.Start, rep.End),
	})
}

func (c *Console) reportPNG(w http.ResponseWriter, r *http.Request, s *session) {
	rep, err := c.week(r)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	img, err := c.opts.Reports.PNG(rep)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	_, _ = w.Write(img)
}

// exportCSV writes the counts of a week (?week=, as the report page), one
// row per day and combination: nothing but closed fields and numbers.
func (c *Console) exportCSV(w http.ResponseWriter, r *http.Request, s *session) {
	rep, err := c.week(r)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	counts, err := c.opts.Stats.Counts(r.Context(), rep.Start, rep.End)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="fanzha-%s.csv"`, rep.Week))
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"day", "kind", "type", "type_name", "risk", "paid", "amount", "language", "channel", "district", "count"})
	sortCounts(counts)
	for _, ct := range counts {
		e := ct.Event
		_ = cw.Write([]string{ct.Day.Format("2006-01-02"), string(e.Kind), string(e.Type), c.opts.TypeName(e.Type), e.Risk.String(),
			strconv.FormatBool(e.Paid), string(e.Amount), string(e.Lang), string(e.Channel), csvSafe(e.District), strconv.FormatInt(ct.N, 10)})
	}
	cw.Flush()
	c.audit(r.Context(), s.Officer, "export", "", rep.Week)
}

// csvSafe keeps a spreadsheet from reading a cell as a formula.
func csvSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@') {
		return "'" + s
	}
	return s
}
