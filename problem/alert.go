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
	// (Writer.MaxAlerts), or while MaxAlertsInFlight hooks were running,
	// since the previous alert was sent.
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
// alert runs in one that ends with the hook, and Writer.Wait waits for them.
type alerter struct {
	hook       func(context.Context, Alert)
	interval   time.Duration
	budget     float64 // alerts per interval, over all kinds
	maxRunning int
	log        *slog.Logger

	mu      sync.Mutex
	kinds   map[string]*alertKind
	tokens  float64
	refill  time.Time
	dropped int
	running int           // hooks not yet returned
	idle    chan struct{} // made by Wait, closed when running drops to zero
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
	al := Alert{
		Time: pw.clock(), RequestID: res.requestID, Method: r.Method, Path: r.URL.Path,
		Status: res.status, Type: res.typeBase + res.typeS, Title: res.title,
		Detail: res.detail, Err: res.cause,
	}
	pw.alerter().send(context.WithoutCancel(r.Context()), al)
}

// alerter returns the writer's alerter, made from its settings on first use.
func (pw *Writer) alerter() *alerter {
	pw.alertsOnce.Do(func() {
		a := &alerter{hook: pw.Alert, interval: pw.AlertInterval, log: pw.logger(),
			kinds: map[string]*alertKind{}, budget: float64(pw.MaxAlerts), maxRunning: pw.MaxAlertsInFlight}
		if a.interval <= 0 {
			a.interval = time.Minute
		}
		if a.budget <= 0 {
			a.budget = 10
		}
		a.tokens = a.budget
		if a.maxRunning <= 0 {
			a.maxRunning = 4
		}
		pw.alerts = a
	})
	return pw.alerts
}

func (pw *Writer) clock() time.Time {
	if pw.now != nil {
		return pw.now()
	}
	return time.Now()
}

// Wait waits until every alert hook started so far has returned, and then
// returns nil, or until ctx is done, and then returns ctx's error. Call it on shutdown, after
// http.Server.Shutdown, so that the process does not exit in the middle of
// sending the last alerts.
func (pw *Writer) Wait(ctx context.Context) error {
	a := pw.alerter()
	a.mu.Lock()
	if a.running == 0 {
		a.mu.Unlock()
		return nil
	}
	if a.idle == nil {
		a.idle = make(chan struct{})
	}
	idle := a.idle
	a.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
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
	if a.running >= a.maxRunning {
		// Dropped before it counts as sent: the next alert of its kind,
		// once a hook is free, is not folded into one nobody received, and
		// the budget is not spent on it.
		a.dropped++
		a.mu.Unlock()
		a.log.LogAttrs(ctx, slog.LevelWarn, "problem: alert dropped, too many alert hooks running",
			slog.Int("status", al.Status), slog.String("request_id", al.RequestID))
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
	a.running++
	a.mu.Unlock()

	go func() {
		defer a.returned()
		defer func() {
			if v := recover(); v != nil {
				// On this goroutine of ours, a logger that panics as well
				// would end the process: its panic goes no further.
				defer func() { _ = recover() }()
				a.log.LogAttrs(ctx, slog.LevelError, "problem: alert hook panicked", slog.Any("panic", v))
			}
		}()
		a.hook(ctx, al)
	}()
}

// returned counts a hook out, waking Wait when it was the last.
func (a *alerter) returned() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.running--
	if a.running == 0 && a.idle != nil {
		close(a.idle)
		a.idle = nil
	}
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
