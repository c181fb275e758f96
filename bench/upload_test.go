// Package bench holds the benchmarks of SPEC §14. Each measures the service
// and a direct baseline in the same run and reports the ratio.
package bench

import (
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"dossier/internal/blob/s3"
	"dossier/internal/testenv"
)

// uploadSize is the size of the streamed upload; DOSSIER_BENCH_UPLOAD_MIB overrides it.
func uploadSize() int64 {
	var mib int64 = 1024
	if v := os.Getenv("DOSSIER_BENCH_UPLOAD_MIB"); v != "" {
		fmt.Sscan(v, &mib)
	}
	return mib << 20
}

// BenchmarkUpload streams one large text file through the API into MinIO and,
// in the same run, PUTs the same bytes straight to the same MinIO with
// minio-go. It reports both throughputs, their ratio (target >= 0.8) and the
// server's peak RSS (target < 100 MiB).
func BenchmarkUpload(b *testing.B) {
	size := uploadSize()
	s3URL := testenv.S3URL(b)
	srv := startServer(b, map[string]string{
		"DOSSIER_BLOB_URL":   s3URL,
		"DOSSIER_MAX_UPLOAD": fmt.Sprint(size + 1<<20),
	})
	token := srv.signIn(b)

	for i := 0; i < b.N; i++ {
		direct := directPut(b, s3URL, size)
		api := apiUpload(b, srv.url, token, size)
		rss := srv.peakRSS(b)
		mib := float64(size) / (1 << 20)
		b.ReportMetric(mib/direct.Seconds(), "direct-MiB/s")
		b.ReportMetric(mib/api.Seconds(), "api-MiB/s")
		b.ReportMetric(direct.Seconds()/api.Seconds(), "ratio")
		b.ReportMetric(float64(rss)/(1<<20), "server-peak-RSS-MiB")
		b.Logf("%.0f MiB: direct PUT %.2fs, API upload %.2fs, ratio %.2f (target >= 0.8), server peak RSS %.1f MiB (target < 100)",
			mib, direct.Seconds(), api.Seconds(), direct.Seconds()/api.Seconds(), float64(rss)/(1<<20))
	}
}

// textStream generates size bytes of text without holding them in memory.
type textStream struct{ left int64 }

var line = []byte("Purchase order 4711: 1200 pcs GPN 0815-A / LPN 4711-B, delivery 2026-12-01, price EUR 12.50\n")

func (s *textStream) Read(p []byte) (int, error) {
	if s.left <= 0 {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && s.left > 0 {
		c := copy(p[n:], line[int((int64(n)+s.left)%int64(len(line))):])
		c = int(min(int64(c), s.left))
		n += c
		s.left -= int64(c)
	}
	return n, nil
}

func directPut(b *testing.B, s3URL string, size int64) time.Duration {
	cfg, err := s3.ParseURL(s3URL)
	if err != nil {
		b.Fatal(err)
	}
	mc, err := minio.New(cfg.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""), Secure: cfg.Secure})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	_, err = mc.PutObject(context.Background(), cfg.Bucket, "bench/direct", &textStream{left: size}, size, minio.PutObjectOptions{})
	if err != nil {
		b.Fatalf("direct PUT: %v", err)
	}
	d := time.Since(start)
	_ = mc.RemoveObject(context.Background(), cfg.Bucket, "bench/direct", minio.RemoveObjectOptions{})
	return d
}

func apiUpload(b *testing.B, url, token string, size int64) time.Duration {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		err := mw.WriteField("metadata", `{"kind":"other","title":"bench upload"}`)
		if err == nil {
			var w io.Writer
			if w, err = mw.CreateFormFile("file", "bench.txt"); err == nil {
				_, err = io.Copy(w, &textStream{left: size})
			}
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, _ := http.NewRequest(http.MethodPost, url+"/api/v1/documents", pr)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatalf("API upload: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	d := time.Since(start)
	if resp.StatusCode != http.StatusCreated || !strings.Contains(string(body), fmt.Sprintf(`"size":%d`, size)) {
		b.Fatalf("API upload: %s %s", resp.Status, body)
	}
	return d
}
