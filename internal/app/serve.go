package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Serve answers HTTP on ln until ctx ends, then shuts down gracefully,
// letting requests in flight finish for up to 30 seconds.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	a.logExtractor()
	srv := &http.Server{
		Handler:           a.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	workers, stopWorkers := context.WithCancel(context.WithoutCancel(ctx))
	workersDone := make(chan struct{})
	go func() {
		defer close(workersDone)
		if err := a.Jobs.Run(workers); err != nil {
			a.Logger.Error("background jobs stopped", "err", err)
		}
	}()
	// The store closes after Serve returns: the workers stop first.
	defer func() { stopWorkers(); <-workersDone }()
	if w, ok := a.Indexer.Index().(interface{ Warm(context.Context) error }); ok {
		go func() {
			if err := w.Warm(workers); err != nil {
				a.Logger.Warn("search catalog not loaded at start; the first search loads it", "err", err)
			}
		}()
	}
	a.Logger.Info("listening", "addr", ln.Addr().String(),
		"database", Redact(a.Config.DatabaseURL), "blobs", Redact(a.Config.BlobURL))
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	a.Logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	stopWorkers()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
