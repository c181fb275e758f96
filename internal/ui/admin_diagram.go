package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// dotTimeout bounds one run of Graphviz: a workflow has a dozen states, so
// a run takes milliseconds, and a hung one must not hold a page.
const dotTimeout = 10 * time.Second

// maxSVG is the most of Graphviz's output kept: a diagram of a workflow is
// a few tens of KiB, and anything far larger is not one.
const maxSVG = 4 << 20

// errNoDot says Graphviz is not installed; the page then shows the DOT text.
var errNoDot = errors.New("graphviz is not installed (no dot command)")

// diagrams renders the DOT of each workflow kind to SVG with Graphviz's
// dot once, and keeps the result: definitions are loaded at start-up and
// do not change while the server runs.
type diagrams struct {
	// Dot is the command to run; "" looks up "dot" on the PATH.
	Dot   string
	mu    sync.Mutex
	cache map[string][]byte
}

// svg returns the SVG of the DOT source src, cached under key.
func (d *diagrams) svg(ctx context.Context, key, src string) ([]byte, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if out, ok := d.cache[key]; ok {
		return out, nil
	}
	out, err := d.render(ctx, src)
	if err != nil {
		return nil, fmt.Errorf("diagram of %s: %w", key, err)
	}
	if d.cache == nil {
		d.cache = map[string][]byte{}
	}
	d.cache[key] = out
	return out, nil
}

// available reports whether the dot command can be found.
func (d *diagrams) available() bool {
	_, err := d.path()
	return err == nil
}

func (d *diagrams) path() (string, error) {
	name := d.Dot
	if name == "" {
		name = "dot"
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return "", errNoDot
	}
	return p, nil
}

// render runs dot -Tsvg on src, without a shell, under dotTimeout.
func (d *diagrams) render(ctx context.Context, src string) ([]byte, error) {
	path, err := d.path()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, dotTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, "-Tsvg")
	cmd.Stdin = strings.NewReader(src)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 2 * time.Second
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("dot: %w", ctx.Err())
		}
		return nil, fmt.Errorf("dot: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	if stdout.Len() > maxSVG || !bytes.Contains(stdout.Bytes(), []byte("<svg")) {
		return nil, fmt.Errorf("dot: the output (%d bytes) is not an SVG diagram", stdout.Len())
	}
	return stdout.Bytes(), nil
}
