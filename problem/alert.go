package problem

import (
	"context"
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
	// Suppressed counts the similar alerts folded into this one since the
	// previous alert of the same kind was sent.
	Suppressed int
}

// alerter deduplicates alerts by kind (status, type, cause) within a window
// and bounds the hooks running at once, so a storm of failures neither
// floods the alert channel nor piles up goroutines. It starts no goroutine
// of its own: each accepted alert runs in one that ends with the hook.
type alerter struct {
	hook     func(context.Context, Alert)
	interval time.Duration
	slots    chan struct{}
	log      *slog.Logger

	mu    sync.Mutex
	kinds map[string]*alertKind
}

type alertKind struct {
	sent       time.Time
	suppressed int
}

// maxAlertKinds bounds the deduplication memory; past it, old kinds are
// forgotten, which at worst sends one more alert.
const maxAlertKinds = 1024

func (pw *Writer) alert(r *http.Request, res *resolved) {
	if pw.Alert == nil || res.status < 500 {
		return
	}
	pw.alertsOnce.Do(func() {
		a := &alerter{hook: pw.Alert, interval: pw.AlertInterval, log: pw.logger(),
			kinds: map[string]*alertKind{}}
		if a.interval <= 0 {
			a.interval = time.Minute
		}
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

func (a *alerter) send(ctx context.Context, al Alert) {
	key := strconv.Itoa(al.Status) + " " + al.Type
	if al.Err != nil {
		key += " " + al.Err.Error()
	}
	a.mu.Lock()
	k := a.kinds[key]
	if k != nil && al.Time.Sub(k.sent) < a.interval {
		k.suppressed++
		a.mu.Unlock()
		return
	}
	if k == nil {
		if len(a.kinds) >= maxAlertKinds {
			a.forgetOld(al.Time)
		}
		k = &alertKind{}
		a.kinds[key] = k
	}
	al.Suppressed, k.suppressed, k.sent = k.suppressed, 0, al.Time
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

// forgetOld drops kinds whose window is over, or all of them if none is.
func (a *alerter) forgetOld(now time.Time) {
	for key, k := range a.kinds {
		if now.Sub(k.sent) >= a.interval {
			delete(a.kinds, key)
		}
	}
	if len(a.kinds) >= maxAlertKinds {
		clear(a.kinds)
	}
}
