package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chiguard/chiguard/examples/server/api"
	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/golang-jwt/jwt/v5"
)

func TestMintPrintsOneVerifiableToken(t *testing.T) {
	t.Setenv("CHIGUARD_ISSUER", "from-env")
	var out, errs bytes.Buffer
	err := run(context.Background(), []string{"mint", "-sub", "app1", "-scopes", "cloud:read  user:read", "-app", "-ttl", "2h",
		"-jwt-secret", "s3cret"}, &out, &errs)
	if err != nil {
		t.Fatalf("mint: %v (%s)", err, errs.String())
	}
	lines := strings.Split(out.String(), "\n")
	if len(lines) != 2 || lines[1] != "" {
		t.Fatalf("stdout is not one token and a newline: %q", out.String())
	}
	claims := jwt.MapClaims{}
	if _, err := jwt.ParseWithClaims(lines[0], claims, func(*jwt.Token) (any, error) { return []byte("s3cret"), nil },
		jwt.WithValidMethods([]string{"HS256"})); err != nil {
		t.Fatalf("token does not verify with -jwt-secret: %v", err)
	}
	exp, _ := claims.GetExpirationTime()
	if claims["sub"] != "app1" || claims["client_id"] != "app1" || claims["scope"] != "cloud:read user:read" ||
		claims["iss"] != "from-env" || claims["aud"] != "chiguard-api" || time.Until(exp.Time) < 119*time.Minute {
		t.Errorf("claims %v", claims)
	}
}

func TestFlagErrorsAreReported(t *testing.T) {
	tests := []struct {
		args []string
		want string // a part of the message that names the mistake
	}{
		{[]string{"-rate-limit", "ten/1m"}, "the quota must be a positive integer"},
		{[]string{"-log-format", "xml"}, `-log-format must be text or json, not "xml"`},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"mint", "-ttl", "-1h"}, "-ttl must be positive"},
		{[]string{"-maintenance-retry-after", "-5s"}, "-maintenance-retry-after must not be negative"},
		{[]string{"-auth-failure-limit", "0/1m"}, "the quota must be a positive integer"},
		{[]string{"-maintenance-status", "504"}, "-maintenance-status must be 502 or 503, not 504"},
	}
	for _, tt := range tests {
		// A regression that ignored the mistake would start serving: the
		// context is already cancelled, so run returns at once.
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := run(ctx, tt.args, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want one saying %q", tt.args, err, tt.want)
		}
	}
	t.Setenv("CHIGUARD_MAINTENANCE", "maybe")
	if err := run(context.Background(), nil, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "CHIGUARD_MAINTENANCE") {
		t.Errorf("bad boolean in the environment: %v", err)
	}
}

// TestServeGreetAndShutDown starts the server on a free port, follows every
// curl command it prints, checks each answers the status its comment
// promises, and stops the server as SIGINT would.
func TestServeGreetAndShutDown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	t.Setenv("CHIGUARD_MAINTENANCE_RETRY_AFTER", "30s")
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-log-format", "json"}, pw, io.Discard)
		pw.Close()
	}()

	var greeting strings.Builder
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		greeting.WriteString(sc.Text() + "\n")
		if strings.Contains(sc.Text(), "The error docs are at") {
			break
		}
	}
	go io.Copy(io.Discard, pr)
	cmds := regexp.MustCompile(`# (\d{3}): .+\n  curl -i '?(http://[^' ]+)'? -H "Authorization: ([^"]+)"`).
		FindAllStringSubmatch(greeting.String(), -1)
	if len(cmds) != 3 {
		t.Fatalf("greeting has %d explained curl commands, want 3:\n%s", len(cmds), greeting.String())
	}
	for _, m := range cmds {
		req, _ := http.NewRequest("GET", m[2], nil)
		req.Header.Set("Authorization", m[3])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if strconv.Itoa(resp.StatusCode) != m[1] {
			t.Errorf("%s answers %d, the greeting says %s", m[2], resp.StatusCode, m[1])
		}
	}
	cancel()
	if err := testkit.Receive(t, done, "the shutdown"); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
}

func TestHelpNamesTheSubcommandAndTheEnvironment(t *testing.T) {
	var errs bytes.Buffer
	if err := run(context.Background(), []string{"-h"}, io.Discard, &errs); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v", err)
	}
	for _, want := range []string{"server mint [flags]", "server openapi", "CHIGUARD_RATE_LIMIT=100/1m", "-maintenance-status"} {
		if !strings.Contains(errs.String(), want) {
			t.Errorf("-h does not say %q:\n%s", want, errs.String())
		}
	}
}

func TestAddressInUseSuggestsAnother(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	err = run(context.Background(), []string{"-addr", ln.Addr().String()}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "choose another address with -addr") {
		t.Fatalf("error %v, want a hint to use -addr", err)
	}
}

// The openapi command prints the document the server serves.
func TestOpenAPIPrintsTheServedDocument(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"openapi"}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	a, err := api.New(api.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	rec := httptest.NewRecorder()
	a.ServeHTTP(rec, httptest.NewRequest("GET", "/openapi.json", nil))
	if rec.Code != 200 || strings.TrimSpace(out.String()) != strings.TrimSpace(rec.Body.String()) {
		t.Fatalf("openapi prints\n%.300s\nGET /openapi.json answers %d\n%.300s", out.String(), rec.Code, rec.Body)
	}
	if err := run(context.Background(), []string{"openapi", "extra"}, io.Discard, io.Discard); err == nil {
		t.Error("openapi took an argument")
	}
}
