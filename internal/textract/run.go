package textract

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// maxStderr is how much of a tool's error output goes into an error message:
// the reason is in the first lines, and a broken PDF can make poppler print a
// warning per object.
const maxStderr = 1 << 10

// errTimeout tells our own deadline from the caller's.
var errTimeout = errors.New("tool deadline")

// run runs a tool under toolTimeout and returns its standard output. Output
// beyond the extractor's limit stops the tool and is an error: a page count
// cannot be trusted from half the output. The error names the tool.
func (e *Extractor) run(ctx context.Context, tool string, args ...string) ([]byte, error) {
	name := filepath.Base(tool)
	ctx, cancel := context.WithTimeoutCause(ctx, toolTimeout, errTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, tool, args...)
	stdout := &capBuffer{max: int(e.outputLimit()), full: cancel}
	stderr := &capBuffer{max: maxStderr}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	// Tesseract starts a thread per core by default; jobs already run in
	// parallel, and oversubscribing the cores makes each of them slower.
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	// If the tool leaves a child holding the pipes, Wait must still return.
	cmd.WaitDelay = 5 * time.Second

	err := cmd.Start()
	if err == nil {
		lower(cmd.Process.Pid)
		err = cmd.Wait()
	}
	switch {
	case stdout.overflow:
		return nil, fmt.Errorf("%s: output exceeds the limit of %d bytes", name, e.outputLimit())
	case errors.Is(context.Cause(ctx), errTimeout):
		return nil, fmt.Errorf("%s: timed out after %s: %w", name, toolTimeout, ctx.Err())
	case ctx.Err() != nil: // the caller's cancellation or deadline
		return nil, fmt.Errorf("%s: %w", name, ctx.Err())
	case err != nil:
		// One line, so that the error reads well in a log and in the job's
		// last_error column.
		msg := strings.Join(strings.Fields(strings.ReplaceAll(stderr.String(), "\n", "; ")), " ")
		if msg == "" {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return nil, fmt.Errorf("%s: %w: %s", name, err, msg)
	}
	return stdout.Bytes(), nil
}

// capBuffer keeps at most max bytes. It never returns a write error: a
// tool blocked on a pipe nobody reads would only stop at the deadline.
// Instead the excess is dropped, and full (when set) is called to stop the
// tool at once.
type capBuffer struct {
	buf      []byte
	max      int
	full     func()
	overflow bool
}

func (c *capBuffer) Write(p []byte) (int, error) {
	room := c.max - len(c.buf)
	if len(p) > room {
		c.buf = append(c.buf, p[:max(room, 0)]...)
		if !c.overflow && c.full != nil {
			c.full()
		}
		c.overflow = true
		return len(p), nil
	}
	c.buf = append(c.buf, p...)
	return len(p), nil
}

func (c *capBuffer) Bytes() []byte  { return c.buf }
func (c *capBuffer) String() string { return string(c.buf) }

// argPath keeps a file name from being read as an option by a tool.
func argPath(path string) string {
	if strings.HasPrefix(path, "-") {
		return "." + string(filepath.Separator) + path
	}
	return path
}
