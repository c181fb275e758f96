package swift

import (
	"encoding/json"
	"fmt"
	"time"
)

// Text is a value as the message states it; empty means the message does not
// state it, and marshals as null so that "absent" reads the same for every
// member of an LC.
type Text string

// MarshalJSON writes null for an absent value.
func (t Text) MarshalJSON() ([]byte, error) {
	if t == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(t))
}

// Decimal is an exact decimal number written with a point and at least two
// decimals ("100000.00"), or a percentage ("10"); empty is absent (null).
type Decimal string

// MarshalJSON writes null for an absent value.
func (d Decimal) MarshalJSON() ([]byte, error) {
	if d == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(d))
}

// Date is a calendar date without a time of day or a zone, as SWIFT writes
// them (YYMMDD). The zero Date is absent and marshals as null; others as
// "2006-01-02".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// IsZero reports whether the date is absent.
func (d Date) IsZero() bool { return d == Date{} }

// String is the date as YYYY-MM-DD, or "" when absent.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// MarshalJSON writes "YYYY-MM-DD", or null when absent.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

// UnmarshalJSON reads what MarshalJSON writes.
func (d *Date) UnmarshalJSON(b []byte) error {
	var s *string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s == nil {
		*d = Date{}
		return nil
	}
	t, err := time.Parse(time.DateOnly, *s)
	if err != nil {
		return fmt.Errorf("date %q: %w", *s, err)
	}
	*d = Date{t.Year(), t.Month(), t.Day()}
	return nil
}
