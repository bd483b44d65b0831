package console

import (
	"cmp"
	"slices"

	"github.com/fanzha/fanzha/stats"
)

// sortCounts orders counts by day, then by their fields, so an export is
// the same bytes for the same data.
func sortCounts(cs []stats.Count) {
	slices.SortFunc(cs, func(a, b stats.Count) int {
		x, y := a.Event, b.Event
		return cmp.Or(a.Day.Compare(b.Day), cmp.Compare(x.Kind, y.Kind), cmp.Compare(x.Type, y.Type), cmp.Compare(x.Risk, y.Risk),
			cmp.Compare(b2i(x.Paid), b2i(y.Paid)), cmp.Compare(x.Amount, y.Amount), cmp.Compare(x.Lang, y.Lang),
			cmp.Compare(x.Channel, y.Channel), cmp.Compare(x.District, y.District))
	})
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
