package ticket

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"backoffice/app/apperr"
	"backoffice/app/db"
)

// Attachment limits.
const (
	MaxFileSize = 3 << 20 // per file; the request body limit bounds the sum
	MaxFiles    = 5       // per message
)

// allowedTypes are the content types a file may have, by its content (not
// its name or the type the client claims).
var allowedTypes = map[string]bool{
	"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true, "application/pdf": true,
	"text/plain; charset=utf-8": true, "application/zip": true,
}

// Attachment is a file attached to a message.
type Attachment struct {
	bun.BaseModel `bun:"table:ticket_attachments,alias:ta"`

	ID          int64 `bun:",pk,autoincrement"`
	TicketID    int64
	MessageID   int64
	Filename    string
	ContentType string
	Size        int64
	SHA256      string `bun:"sha256"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Upload is a file a user sends with a message.
type Upload struct {
	Name string
	Data []byte
}

// Files keeps attachment contents under a directory, named by their hash.
type Files struct{ Dir string }

func (f Files) path(sum string) string { return filepath.Join(f.Dir, sum[:2], sum) }

// save writes data (once per distinct content) and returns its hash.
func (f Files) save(data []byte) (string, error) {
	h := sha256.Sum256(data)
	sum := hex.EncodeToString(h[:])
	p := f.path(sum)
	if _, err := os.Stat(p); err == nil {
		return sum, nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return "", fmt.Errorf("attachment directory: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".upload-*")
	if err != nil {
		return "", fmt.Errorf("store attachment: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return "", fmt.Errorf("store attachment: %w", err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return "", err
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("store attachment: %w", err)
	}
	return sum, nil
}

// Open reads an attachment's content.
func (f Files) Open(a *Attachment) (*os.File, error) { return os.Open(f.path(a.SHA256)) }

// checkUploads validates files: count, size, a usable name, and a content
// type from the allowed list, sniffed from the content.
func checkUploads(files []Upload) ([]string, error) {
	v := &apperr.ValidationError{}
	if len(files) > MaxFiles {
		v.Add("files", "error.too_many_files", map[string]any{"Max": MaxFiles})
		return nil, v
	}
	types := make([]string, len(files))
	for i, f := range files {
		data := map[string]any{"Name": cleanName(f.Name), "MB": MaxFileSize >> 20}
		switch {
		case len(f.Data) == 0:
			v.Add("files", "error.file_empty", data)
		case len(f.Data) > MaxFileSize:
			v.Add("files", "error.file_too_large", data)
		default:
			types[i] = http.DetectContentType(f.Data)
			if !allowedTypes[types[i]] {
				v.Add("files", "error.file_type", data)
			}
		}
	}
	return types, v.Err()
}

// cleanName keeps a file name safe to show and to send in a header: the
// base name, printable characters only, at most 120 characters.
func cleanName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if !unicode.IsPrint(r) || r == '"' || r == '/' {
			return -1
		}
		return r
	}, name)
	if !utf8.ValidString(name) || name == "." || name == "" {
		name = "file"
	}
	if r := []rune(name); len(r) > 120 {
		name = string(r[len(r)-120:])
	}
	return name
}

// addAttachments stores the files of message m.
func (s *Service) addAttachments(ctx context.Context, m *Message, files []Upload, types []string) error {
	now := s.clock.Now()
	for i, f := range files {
		sum, err := s.files.save(f.Data)
		if err != nil {
			return err
		}
		a := &Attachment{TicketID: m.TicketID, MessageID: m.ID, Filename: cleanName(f.Name), ContentType: types[i],
			Size: int64(len(f.Data)), SHA256: sum, CreatedAt: now, UpdatedAt: now}
		if err := s.store.addAttachment(ctx, a); err != nil {
			return err
		}
		m.Attachments = append(m.Attachments, a)
	}
	return nil
}

// addAttachment inserts the row of a saved file.
func (s *Store) addAttachment(ctx context.Context, a *Attachment) error {
	if _, err := s.conn(ctx).NewInsert().Model(a).Exec(ctx); err != nil {
		return fmt.Errorf("insert attachment: %w", err)
	}
	return nil
}

// Attachments loads the attachments of messages, attached to them.
func (s *Store) Attachments(ctx context.Context, msgs []*Message) error {
	if len(msgs) == 0 {
		return nil
	}
	ids := make([]int64, len(msgs))
	byID := map[int64]*Message{}
	for i, m := range msgs {
		ids[i], byID[m.ID] = m.ID, m
	}
	var list []*Attachment
	if err := s.conn(ctx).NewSelect().Model(&list).Where("ta.message_id IN (?)", bun.In(ids)).OrderExpr("ta.id").Scan(ctx); err != nil {
		return fmt.Errorf("load attachments: %w", err)
	}
	for _, a := range list {
		byID[a.MessageID].Attachments = append(byID[a.MessageID].Attachments, a)
	}
	return nil
}

// Attachment returns attachment id of ticket id as u may read it: the
// ticket must be visible, and customers never get a file of an internal
// note. Anything else is ErrNotFound.
func (s *Service) Attachment(ctx context.Context, u interface{ IsStaff() bool }, t *Ticket, id int64) (*Attachment, error) {
	return s.store.Attachment(ctx, t.ID, id, !u.IsStaff())
}

// Attachment loads attachment id of ticket ticketID; publicOnly refuses the
// files of internal notes (ErrNotFound).
func (s *Store) Attachment(ctx context.Context, ticketID, id int64, publicOnly bool) (*Attachment, error) {
	a := new(Attachment)
	q := s.conn(ctx).NewSelect().Model(a).Where("ta.id = ?", id).Where("ta.ticket_id = ?", ticketID)
	if publicOnly {
		q.Where("EXISTS (SELECT 1 FROM ticket_messages AS m WHERE m.id = ta.message_id AND m.internal = ?)", false)
	}
	err := q.Scan(ctx)
	if db.NoRows(err) {
		return nil, fmt.Errorf("attachment %d: %w", id, apperr.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load attachment %d: %w", id, err)
	}
	return a, nil
}

// FilesDir is where attachment contents are kept.
func (s *Service) Files() Files { return s.files }
