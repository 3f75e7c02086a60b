package problem

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Alert is what the Writer's alert hook receives for a 5xx problem.
type Alert struct {
	Time      time.Time
	RequestID string
	Method    string
	Path      string
	Status    int
	Type      string
	Title     string
	Detail    string
	// Err is the problem's internal cause, if any.
	Err error
	// Suppressed counts the alerts of the same kind folded into this one
	// since the previous alert of its kind was sent.
	Suppressed int
	// Dropped counts the alerts of other kinds dropped by the budget
	// (Writer.MaxAlerts) since the previous alert was sent.
	Dropped int
}

// AlertKeyer is implemented by causes that know what makes two failures
// the same, such as a panic's source line: the Writer folds alerts whose
// causes have equal keys. Other causes are compared by their text.
type AlertKeyer interface {
	AlertKey() string
}

// alerter folds alerts of one kind (status, type, cause) within a window,
// spends a budget of alerts per window over all kinds, and bounds the hooks
// running at once, so a storm of failures neither floods the alert channel
// nor piles up goroutines. It starts no goroutine of its own: each accepted
// alert runs in one that ends with the hook.
type alerter struct {
	hook     func(context.Context, Alert)
	interval time.Duration
	budget   float64 // alerts per interval, over all kinds
	slots    chan struct{}
	log      *slog.Logger

	mu      sync.Mutex
	kinds   map[string]*alertKind
	tokens  float64
	refill  time.Time
	dropped int
}

type alertKind struct {
	sent       time.Time
	suppressed int
}

// maxAlertKinds bounds the memory of kinds. When it is full of kinds still
// in their window, a new kind is sent (within the budget) but not
// remembered.
const maxAlertKinds = 1024

func (pw *Writer) alert(r *http.Request, res *resolved) {
	if pw.Alert == nil || res.status < 500 {
		return
	}
	pw.alertsOnce.Do(func() {
		a := &alerter{hook: pw.Alert, interval: pw.AlertInterval, log: pw.logger(),
			kinds: map[string]*alertKind{}, budget: float64(pw.MaxAlerts)}
		if a.interval <= 0 {
			a.interval = time.Minute
		}
		if a.budget <= 0 {
			a.budget = 10
		}
		a.tokens = a.budget
		n := pw.MaxAlertsInFlight
		if n <= 0 {
			n = 4
		}
		a.slots = make(chan struct{}, n)
		pw.alerts = a
	})
	al := Alert{
		Time: time.Now(), RequestID: res.requestID, Method: r.Method, Path: r.URL.Path,
		Status: res.status, Type: res.typeBase + res.typeS, Title: res.title,
		Detail: res.p.Detail, Err: res.p.cause,
	}
	pw.alerts.send(context.WithoutCancel(r.Context()), al)
}

func alertKey(al *Alert) string {
	key := strconv.Itoa(al.Status) + " " + al.Type
	var k AlertKeyer
	if errors.As(al.Err, &k) {
		return key + " " + k.AlertKey()
	}
	if al.Err != nil {
		return key + " " + al.Err.Error()
	}
	return key
}

func (a *alerter) send(ctx context.Context, al Alert) {
	key := alertKey(&al)
	a.mu.Lock()
	k := a.kinds[key]
	if k != nil && al.Time.Sub(k.sent) < a.interval {
		k.suppressed++
		a.mu.Unlock()
		return
	}
	if !a.spend(al.Time) {
		a.dropped++
		a.mu.Unlock()
		return
	}
	if k == nil {
		if len(a.kinds) >= maxAlertKinds {
			a.forgetOld(al.Time)
		}
		if len(a.kinds) < maxAlertKinds {
			k = &alertKind{}
			a.kinds[key] = k
		}
	}
	if k != nil {
		al.Suppressed, k.suppressed, k.sent = k.suppressed, 0, al.Time
	}
	al.Dropped, a.dropped = a.dropped, 0
	a.mu.Unlock()

	select {
	case a.slots <- struct{}{}:
	default:
		a.log.LogAttrs(ctx, slog.LevelWarn, "problem: alert dropped, too many alert hooks running",
			slog.Int("status", al.Status), slog.String("request_id", al.RequestID))
		return
	}
	go func() {
		defer func() {
			<-a.slots
			if v := recover(); v != nil {
				a.log.LogAttrs(ctx, slog.LevelError, "problem: alert hook panicked", slog.Any("panic", v))
			}
		}()
		a.hook(ctx, al)
	}()
}

// spend takes one alert from the budget, refilled continuously at budget
// alerts per interval.
func (a *alerter) spend(now time.Time) bool {
	if !a.refill.IsZero() {
		a.tokens += a.budget * float64(now.Sub(a.refill)) / float64(a.interval)
		a.tokens = min(a.tokens, a.budget)
	}
	a.refill = now
	if a.tokens < 1 {
		return false
	}
	a.tokens--
	return true
}

// forgetOld drops the kinds whose window is over.
func (a *alerter) forgetOld(now time.Time) {
	for key, k := range a.kinds {
		if now.Sub(k.sent) >= a.interval {
			delete(a.kinds, key)
		}
	}
}
