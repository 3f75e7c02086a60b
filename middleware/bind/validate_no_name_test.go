package bind

import (
	"strings"
	"testing"
)

// ValidatePath and ValidateQuery with no name would check nothing and
// pass every request: they panic at start-up instead, as
// auth.RequireScopes does with no scope.
func TestValidateParamsNeedAName(t *testing.T) {
	for name, mw := range map[string]func(){
		"bind.ValidatePath":  func() { ValidatePath[int64]() },
		"bind.ValidateQuery": func() { ValidateQuery[int]() },
	} {
		func() {
			defer func() {
				v := recover()
				if msg, _ := v.(string); !strings.HasPrefix(msg, name+" needs the name of") {
					t.Errorf("%s(): recovered %v, want a panic naming %s", name, v, name)
				}
			}()
			mw()
		}()
	}
}
