package rediscount

import (
	"context"
	"errors"
	"fmt"

	goredis "github.com/redis/go-redis/v9"
)

// sendTogether sends the takes of parts in one script and sets their
// replies, unless Redis refuses a script over keys of several slots (a
// proxy in front of a cluster, such as Redis Enterprise's or Envoy's,
// does): it then reports crossSlot and leaves parts as they were.
func sendTogether(ctx context.Context, client goredis.UniversalClient, parts []*part) (crossSlot bool) {
	cmd := newScriptCmd(ctx, scriptArgs(parts))
	if err := client.Process(ctx, cmd); isNoScript(err) {
		cmd = evalCmd(ctx, cmd)
		client.Process(ctx, cmd)
	}
	if goredis.HasErrorPrefix(cmd.Err(), "CROSSSLOT") && len(parts) > 1 {
		return true
	}
	split(cmd, parts)
	return false
}

// sendEach sends the takes of parts, one script a take, several in one
// pipeline, and sets their replies: the way for clients whose takes may
// live on different nodes or slots (Cluster, Ring).
func sendEach(ctx context.Context, client goredis.UniversalClient, parts []*part) {
	if len(parts) == 1 {
		sendTogether(ctx, client, parts)
		return
	}
	cmds := make([]*scriptCmd, len(parts))
	pipe := client.Pipeline()
	for i := range parts {
		cmds[i] = newScriptCmd(ctx, scriptArgs(parts[i:i+1]))
		pipe.Process(ctx, cmds[i])
	}
	pipe.Exec(ctx)
	for i, cmd := range cmds {
		if isNoScript(cmd.Err()) {
			cmds[i] = evalCmd(ctx, cmd)
			pipe.Process(ctx, cmds[i])
		}
	}
	if pipe.Len() > 0 {
		pipe.Exec(ctx)
	}
	for i, cmd := range cmds {
		split(cmd, parts[i:i+1])
	}
}

// split hands each of parts its share of cmd's reply, or cmd's error.
func split(cmd *scriptCmd, parts []*part) {
	reply, err := cmd.Result()
	vals, _ := reply.([]any)
	total := 0
	for _, p := range parts {
		total += p.replyLen()
	}
	if err == nil && len(vals) != total {
		err = fmt.Errorf("%w: %d values for %d takes", errReply, len(vals), len(parts))
	}
	for _, p := range parts {
		if p.err = err; err == nil {
			n := p.replyLen()
			p.reply, vals = vals[:n:n], vals[n:]
		}
	}
}

// scriptCmd is a script's command, which go-redis never sends twice. It
// retries a command whose connection ended before the reply (EOF), but
// then the script may have run: a second run would take every cost of the
// batch twice, and answer with its own verdict. A failed command goes to
// the fallback instead, as any other failure does.
type scriptCmd struct{ *goredis.Cmd }

// NoRetry implements goredis.Cmder.
func (*scriptCmd) NoRetry() bool { return true }

// newScriptCmd is the command of args, routed by its first key.
func newScriptCmd(ctx context.Context, args []any) *scriptCmd {
	cmd := goredis.NewCmd(ctx, args...)
	cmd.SetFirstKeyPos(3)
	return &scriptCmd{cmd}
}

// evalCmd is cmd, an EVALSHA, as an EVAL that loads the script.
func evalCmd(ctx context.Context, cmd *scriptCmd) *scriptCmd {
	args := cmd.Args()
	args[0], args[1] = "eval", takeSource
	return newScriptCmd(ctx, args)
}

func isNoScript(err error) bool {
	return errors.Is(err, goredis.ErrNoScript) || goredis.HasErrorPrefix(err, "NOSCRIPT")
}
