package blobtest

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	"dossier/internal/blob"
)

const (
	largeSize = 64 << 20
	// maxHeapGrowth bounds the live heap added while staging largeSize bytes. It
	// sits well below largeSize, so a store that buffers the whole stream fails,
	// yet above the S3 store's one 16 MiB multipart buffer plus client overhead.
	maxHeapGrowth = 40 << 20
	sampleEvery   = 8 << 20
)

// generator produces size pseudo-random bytes on the fly: a fixed random block
// stamped with its index, so no two blocks are equal yet nothing big is allocated.
type generator struct {
	block, cur []byte
	pos, size  int64
}

func newGenerator(seed uint64, size int64) *generator {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	g := &generator{block: make([]byte, 64<<10), cur: make([]byte, 64<<10), size: size}
	for i := range g.block {
		g.block[i] = byte(rng.Uint32())
	}
	return g
}

func (g *generator) Read(p []byte) (int, error) {
	if g.pos >= g.size {
		return 0, io.EOF
	}
	bs := int64(len(g.block))
	off := g.pos % bs
	if off == 0 {
		copy(g.cur, g.block)
		binary.LittleEndian.PutUint64(g.cur, uint64(g.pos/bs))
	}
	n := copy(p, g.cur[off:min(bs, off+g.size-g.pos)])
	g.pos += int64(n)
	return n, nil
}

// heapSampler records the peak live heap while a store consumes the stream.
// Forcing a GC before each sample measures what is retained, not garbage that
// a collection would free, which keeps the bound from being flaky.
type heapSampler struct {
	r          io.Reader
	read, next int64
	peak       uint64
}

func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

func (h *heapSampler) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.read += int64(n)
	if h.read >= h.next {
		h.peak = max(h.peak, liveHeap())
		h.next += sampleEvery
	}
	return n, err
}

func testLargeStream(t *testing.T, s blob.Store) {
	seed := rand.Uint64()
	ref := sha256.New()
	if _, err := io.Copy(ref, newGenerator(seed, largeSize)); err != nil {
		t.Fatal(err)
	}
	want := hex.EncodeToString(ref.Sum(nil))

	base := liveHeap()
	src := &heapSampler{r: newGenerator(seed, largeSize), next: sampleEvery}
	st, err := s.Stage(t.Context(), src)
	if err != nil {
		t.Fatalf("Stage %d bytes: %v", largeSize, err)
	}
	if st.Size != largeSize || st.SHA256 != want {
		t.Fatalf("Stage = %d bytes %s; want %d bytes %s", st.Size, st.SHA256, largeSize, want)
	}
	if src.peak > base && src.peak-base > maxHeapGrowth {
		t.Errorf("live heap grew by %d MiB while staging %d MiB; the store buffers the stream",
			(src.peak-base)>>20, largeSize>>20)
	}
	if err := s.Promote(t.Context(), st); err != nil {
		t.Fatalf("Promote: %v", err)
	}
	if size, err := s.Stat(t.Context(), want); err != nil || size != largeSize {
		t.Fatalf("Stat = %d, %v; want %d", size, err, largeSize)
	}
	rc, err := s.Open(t.Context(), want)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer rc.Close()
	back := sha256.New()
	if _, err := io.Copy(back, rc); err != nil {
		t.Fatalf("read back: %v", err)
	}
	if got := hex.EncodeToString(back.Sum(nil)); got != want {
		t.Fatalf("read back hash %s, want %s", got, want)
	}
}

func testWalk(t *testing.T, s blob.Store) {
	pending := stage(t, s, randomBytes(777))
	kept := put(t, s, randomBytes(1234))
	content, staged := walk(t, s)
	wantStaged := 1
	if pending.Held != nil {
		wantStaged = 0 // held in memory: nothing was written to list
	} else if e, ok := staged[pending.TempKey]; !ok || e.Size != 777 {
		t.Errorf("Walk staged entry for %s = %+v, %v; want size 777", pending.TempKey, e, ok)
	}
	if e, ok := content[kept.SHA256]; !ok || e.Size != 1234 {
		t.Errorf("Walk content entry for %s = %+v, %v; want size 1234", kept.SHA256, e, ok)
	}
	if len(content) != 1 || len(staged) != wantStaged {
		t.Errorf("Walk: %d content, %d staged; want 1 and %d (promoted temp objects must be gone)",
			len(content), len(staged), wantStaged)
	}

	// fsck stops on the first failing callback; the store must pass its error back.
	stop := errors.New("stop")
	calls := 0
	err := s.Walk(t.Context(), func(blob.Entry) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("Walk with failing fn = %v after %d calls; want the fn's error after 1", err, calls)
	}
}

// testConcurrent uploads the same bytes from several goroutines at once, as
// replicas receiving the same attachment would: no error, one stored copy.
func testConcurrent(t *testing.T, s blob.Store) {
	b := randomBytes(200_000)
	const n = 8
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			st, err := s.Stage(t.Context(), bytes.NewReader(b))
			if err == nil {
				err = s.Promote(t.Context(), st)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent Stage/Promote: %v", err)
		}
	}
	content, staged := walk(t, s)
	if _, ok := content[hexSHA(b)]; !ok || len(content) != 1 || len(staged) != 0 {
		t.Fatalf("after concurrent uploads Walk shows %d content (want 1: %s), %d staged (want 0)",
			len(content), hexSHA(b), len(staged))
	}
	if got := readAll(t, s, hexSHA(b)); !bytes.Equal(got, b) {
		t.Fatal("content differs after concurrent promotes")
	}
}
