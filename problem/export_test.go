package problem

import "time"

// SetClock makes pw read the time of its alerts, and so their folding and
// budget, from now.
func SetClock(pw *Writer, now func() time.Time) { pw.now = now }
