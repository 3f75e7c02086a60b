package chiguard_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLayering holds the packages to the one-way layering of DESIGN.md,
// and keeps heavy dependencies in the one package that needs each: a
// program that uses only problem and ratelimit links neither a validator
// nor a Redis client. Package contract reads the middlewares; none of them
// imports it, and it links no testing package into a server.
func TestLayering(t *testing.T) {
	t.Parallel() // it waits on go list
	const mod = "github.com/chiguard/chiguard"
	const (
		validator = "github.com/go-playground/validator/v10"
		goredis   = "github.com/redis/go-redis/v9"
		jwt       = "github.com/golang-jwt/jwt/v5"
		contract  = mod + "/contract"
	)
	tests := []struct {
		pkg       string
		forbidden []string
	}{
		{"problem", []string{mod + "/middleware", mod + "/ratelimit", contract, validator, goredis, jwt}},
		{"middleware", []string{mod + "/middleware/auth", mod + "/middleware/bind", mod + "/ratelimit", contract, validator, goredis, jwt}},
		{"middleware/auth", []string{mod + "/middleware", mod + "/middleware/bind", mod + "/ratelimit", contract, validator, goredis}},
		{"middleware/bind", []string{mod + "/middleware", mod + "/middleware/auth", mod + "/ratelimit", contract, goredis, jwt}},
		{"ratelimit", []string{mod + "/middleware", mod + "/middleware/bind", contract, validator, goredis}},
		{"ratelimit/rediscount", []string{mod + "/middleware", mod + "/middleware/bind", contract, validator}},
		{"contract", []string{"testing", mod + "/contract/contracttest", goredis}},
	}
	for _, tt := range tests {
		out, err := exec.Command("go", "list", "-deps", "./"+tt.pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", tt.pkg, err, out)
		}
		deps := map[string]bool{}
		for _, d := range strings.Fields(string(out)) {
			deps[d] = true
		}
		for _, f := range tt.forbidden {
			if deps[f] {
				t.Errorf("%s depends on %s", tt.pkg, f)
			}
		}
	}
}
