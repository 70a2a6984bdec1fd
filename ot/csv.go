package ot

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// ErrCSV reports a CSV file that is not a rectangular table of finite
// numbers, or one longer than the reader accepts.
var ErrCSV = errors.New("ot: malformed CSV")

// Limits of ReadCSV.
const (
	// DefaultMaxCSVBytes is the longest CSV input ReadCSV reads: 1 GiB,
	// a dense 8 000 × 8 000 cost matrix at 16 characters a value.
	DefaultMaxCSVBytes = 1 << 30
	// MaxCSVLine is the longest line: 16 MiB, a million values.
	MaxCSVLine = 16 << 20
)

// CSVOptions controls ReadCSV; a nil pointer means the defaults.
type CSVOptions struct {
	// MaxBytes bounds the input; zero means DefaultMaxCSVBytes.
	MaxBytes int64
	// AllowInf accepts +Inf ("inf", "+Inf"), a forbidden route in a cost
	// matrix.
	AllowInf bool
}

// ReadCSV reads a table of numbers, one row per line and values separated
// by commas (spaces around them and surrounding double quotes are
// allowed; blank lines and lines starting with # are skipped), as a
// row-major slice. Every row must have the same number of values, and
// every value must be finite (or +Inf with AllowInf). It reads at most
// MaxBytes bytes and lines of at most MaxCSVLine bytes, so memory stays
// within about four times the input's length whatever the input (a
// device, a FIFO, a file without line breaks); beyond them it returns an
// error wrapping ErrCSV.
func ReadCSV(r io.Reader, opt *CSVOptions) (rows, cols int, data []float64, err error) {
	var o CSVOptions
	if opt != nil {
		o = *opt
	}
	maxBytes := o.MaxBytes
	if maxBytes <= 0 {
		maxBytes = DefaultMaxCSVBytes
	}
	lr := &io.LimitedReader{R: r, N: maxBytes + 1}
	sc := bufio.NewScanner(lr)
	sc.Buffer(make([]byte, 0, 64<<10), MaxCSVLine)
	// Past the limit, the last line read may be cut short: that is the
	// error to report, not its parse failure.
	fail := func(err error) (int, int, []float64, error) {
		if lr.N == 0 {
			err = fmt.Errorf("%w: more than %d bytes", ErrCSV, maxBytes)
		}
		return 0, 0, nil, err
	}
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || text[0] == '#' {
			continue
		}
		n := 0
		for f := range strings.SplitSeq(text, ",") {
			f = strings.TrimSpace(f)
			if len(f) >= 2 && f[0] == '"' && f[len(f)-1] == '"' {
				f = strings.TrimSpace(f[1 : len(f)-1])
			}
			v, err := strconv.ParseFloat(f, 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, -1) || (math.IsInf(v, 1) && !o.AllowInf) {
				return fail(fmt.Errorf("%w: line %d, value %d: %q is not a finite number", ErrCSV, line, n+1, f))
			}
			data = append(data, v)
			n++
		}
		if rows == 0 {
			cols = n
		} else if n != cols {
			return fail(fmt.Errorf("%w: line %d has %d values, the first row %d", ErrCSV, line, n, cols))
		}
		rows++
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			err = fmt.Errorf("%w: line %d is longer than %d bytes", ErrCSV, line+1, MaxCSVLine)
		}
		return fail(err)
	}
	if lr.N == 0 {
		return fail(nil)
	}
	if rows == 0 {
		return 0, 0, nil, fmt.Errorf("%w: no values", ErrCSV)
	}
	return rows, cols, data, nil
}

// ReadCSVFile is ReadCSV on the named file.
func ReadCSVFile(path string, opt *CSVOptions) (rows, cols int, data []float64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, nil, err
	}
	defer f.Close()
	rows, cols, data, err = ReadCSV(f, opt)
	if err != nil {
		return 0, 0, nil, fmt.Errorf("%s: %w", path, err)
	}
	return rows, cols, data, nil
}
