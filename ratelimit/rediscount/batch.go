package rediscount

import (
	"context"
	"errors"
	"fmt"

	goredis "github.com/redis/go-redis/v9"
)

// sendBatch sends the takes of parts and sets their replies. A single
// node runs them all in one script; any other client (Cluster, Ring),
// whose takes may live on different nodes or slots, runs one script a take
// in one pipeline. A script Redis has not loaded yet is sent again by EVAL.
func sendBatch(ctx context.Context, client goredis.UniversalClient, parts []*part) {
	if _, single := client.(*goredis.Client); single || len(parts) == 1 {
		cmd := scriptCmd(ctx, scriptArgs(parts))
		if err := client.Process(ctx, cmd); isNoScript(err) {
			cmd = evalCmd(ctx, cmd)
			client.Process(ctx, cmd)
		}
		split(cmd, parts)
		return
	}
	cmds := make([]*goredis.Cmd, len(parts))
	pipe := client.Pipeline()
	for i := range parts {
		cmds[i] = scriptCmd(ctx, scriptArgs(parts[i:i+1]))
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
func split(cmd *goredis.Cmd, parts []*part) {
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

// scriptCmd is the command of args, routed by its first key.
func scriptCmd(ctx context.Context, args []any) *goredis.Cmd {
	cmd := goredis.NewCmd(ctx, args...)
	cmd.SetFirstKeyPos(3)
	return cmd
}

// evalCmd is cmd, an EVALSHA, as an EVAL that loads the script.
func evalCmd(ctx context.Context, cmd *goredis.Cmd) *goredis.Cmd {
	args := cmd.Args()
	args[0], args[1] = "eval", takeSource
	return scriptCmd(ctx, args)
}

func isNoScript(err error) bool {
	return errors.Is(err, goredis.ErrNoScript) || goredis.HasErrorPrefix(err, "NOSCRIPT")
}
