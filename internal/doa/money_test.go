package doa

import (
	"strings"
	"testing"

	"dossier/internal/dossier"
)

func TestToBaseIsExact(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ amount, rate, want string }{
		{"111111.12", "0.9", "100000.008"},
		{"0.1", "3", "0.3"},                   // 0.1*3 is 0.30000000000000004 in float64
		{"0.3", "1", "0.3"},                   // scale kept as written
		{"0.1", "0.2", "0.02"},                // no binary fraction creeps in
		{"100000", "1.0834", "108340.0000"},   // the product keeps both scales
		{"999999.99", "1", "999999.99"},       // no rounding up to the next band
		{"1", "0.0000000001", "0.0000000001"}, // the smallest rate
		{"0", "1.5", "0.0"},
		{"123456789012345678.9999", "999999999999.9999999999", "123456789012345678999887654321.09876543210001"}, // 44 digits, all kept,
	} {
		got, err := ToBase(tc.amount, tc.rate)
		if err != nil {
			t.Errorf("ToBase(%q, %q): %v", tc.amount, tc.rate, err)
			continue
		}
		if got != tc.want {
			t.Errorf("ToBase(%q, %q) = %q, want %q", tc.amount, tc.rate, got, tc.want)
		}
	}
}

func TestToBaseRefuses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ amount, rate, want string }{
		{"", "1", `amount "" is not a decimal`},
		{"1e5", "1", `amount "1e5" is not a decimal`},
		{"-1", "1", `amount "-1" is not a decimal`},
		{"NaN", "1", "not a decimal"},
		{"1", "0", "zero"},
		{"1", "Inf", "not a decimal"},
		{"1", "1.00000000001", "11 fractional digits"},
	} {
		_, err := ToBase(tc.amount, tc.rate)
		if dossier.ErrorCode(err) != dossier.EUnprocessable || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ToBase(%q, %q) error = %v, want EUnprocessable containing %q", tc.amount, tc.rate, err, tc.want)
		}
	}
}

func TestValidRate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		rate string
		want string // "" = valid, else part of the message
	}{
		{"1.0834", ""},
		{"0.9", ""},
		{"16000", ""},
		{"0.0000000001", ""},
		{"1.0000000000", ""},
		{"999999999999.5", ""},
		{"", "rate is empty"},
		{"0", "zero"},
		{"0.0000000000", "zero"},
		{"-1.2", "not a decimal"},
		{"+1.2", "not a decimal"},
		{"1,0834", "not a decimal"},
		{"1e3", "not a decimal"},
		{".5", "not a decimal"},
		{"5.", "not a decimal"},
		{" 1.1", "not a decimal"},
		{"NaN", "not a decimal"},
		{"Infinity", "not a decimal"},
		{"1.00000000001", "11 fractional digits: at most 10"},
		{"1000000000000", "13 digits before the decimal point"},
		{strings.Repeat("1", 100), "100 characters long"},
	} {
		err := ValidRate(tc.rate)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("ValidRate(%q) = %v, want nil", tc.rate, err)
		case tc.want == "":
		case err == nil:
			t.Errorf("ValidRate(%q) = nil, want an error containing %q", tc.rate, tc.want)
		case dossier.ErrorCode(err) != dossier.EUnprocessable || !strings.Contains(err.Error(), tc.want):
			t.Errorf("ValidRate(%q) = %v, want EUnprocessable containing %q", tc.rate, err, tc.want)
		}
	}
}
