package purge_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"dossier/internal/audit"
	"dossier/internal/blob"
	"dossier/internal/blob/s3"
	"dossier/internal/purge"
)

// TestPurgeLockedBlob: the object store has the last word. Bytes still
// under COMPLIANCE retention cannot be deleted, not even by force, and a
// purge that the database would allow (the clock says retention ended, the
// lock says otherwise) reports the document locked and leaves it whole.
func TestPurgeLockedBlob(t *testing.T) {
	t.Parallel()
	forEachStack(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		d := e.document(t, "LOCKED-1", "still under object lock\n", true)
		sha := d.File.SHA256
		if err := e.a.Blobs.Retain(ctx, sha, time.Now().Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(e.a.Config.BlobURL, "s3://") {
			forcedDeletesFail(t, e.a.Config.BlobURL, sha)
		}
		if err := e.a.Blobs.Delete(ctx, sha); !errors.Is(err, blob.ErrLocked) {
			t.Errorf("Delete of a retained blob: %v, want ErrLocked", err)
		}

		e.clock.Add(11 * 365 * 24 * time.Hour)
		plan, err := e.svc.Plan(ctx, purge.Filter{})
		if err != nil || len(plan.Purgeable) != 1 || plan.Purgeable[0].ID != d.ID {
			t.Fatalf("plan: %+v, %v; want the document, whose retention the database says has ended", plan, err)
		}
		out := e.purge(t, d.ID)
		if out.Status != purge.Locked || !strings.Contains(out.Reason, "retained until") || !strings.Contains(out.Reason, sha) {
			t.Fatalf("purge of a document with locked bytes: %+v; want locked, naming the blob", out)
		}
		got, err := e.a.Documents.Versions(ctx, d.ID)
		if err != nil || len(got) != 1 {
			t.Fatalf("document after a refused purge: %v, %v; want it whole", got, err)
		}
		if h := contentHash(t, e, sha); h != sha {
			t.Errorf("bytes after a refused purge hash to %s, want %s", h, sha)
		}
		events, _, err := audit.NewTrail(e.a.Store).List(ctx, audit.Filter{DocumentID: d.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range events {
			if ev.Action == "document.purge" {
				t.Errorf("a refused purge was audited as done: %s", ev.Details)
			}
		}
	})
}

func contentHash(t *testing.T, e *env, sha string) string {
	t.Helper()
	rc, err := e.a.Blobs.Open(t.Context(), sha)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	h := sha256.New()
	if _, err := io.Copy(h, rc); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// forcedDeletesFail goes round the application to the bucket itself: a
// delete of the locked version bypassing governance retention, and MinIO's
// forced delete of an object with all its versions, must both be refused.
func forcedDeletesFail(t *testing.T, blobURL, sha string) {
	t.Helper()
	c, err := s3.ParseURL(blobURL)
	if err != nil {
		t.Fatal(err)
	}
	client, err := minio.New(c.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(c.AccessKey, c.SecretKey, ""), Secure: c.Secure, Region: c.Region})
	if err != nil {
		t.Fatal(err)
	}
	ctx, key := t.Context(), blob.Key(sha)
	info, err := client.StatObject(ctx, c.Bucket, key, minio.StatObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if info.VersionID == "" {
		t.Fatal("the content object has no version id: the bucket is not versioned, so it has no object lock")
	}
	err = client.RemoveObject(ctx, c.Bucket, key, minio.RemoveObjectOptions{VersionID: info.VersionID, GovernanceBypass: true})
	if err == nil {
		t.Error("delete of a version under COMPLIANCE retention, bypassing governance, succeeded")
	}
	err = client.RemoveObject(ctx, c.Bucket, key, minio.RemoveObjectOptions{ForceDelete: true})
	if err == nil {
		t.Error("forced delete of an object under COMPLIANCE retention succeeded")
	}
	if _, err := client.StatObject(ctx, c.Bucket, key, minio.StatObjectOptions{VersionID: info.VersionID}); err != nil {
		t.Errorf("the locked version after the forced deletes: %v", err)
	}
}
