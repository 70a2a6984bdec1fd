package sparse

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// ErrMatrixMarket reports a malformed or truncated Matrix Market file.
var ErrMatrixMarket = errors.New("sparse: malformed Matrix Market data")

// maxPrealloc bounds how much a header may make the reader allocate before
// the entries it promises have been seen.
const maxPrealloc = 1 << 16

// DefaultMaxEmptyDim bounds by how much a file's larger dimension may
// exceed the number of entries (coordinate) or values (array) it stores,
// unless ReadLimits.MaxDim says otherwise. Entries must be present in the
// file, so memory for them is bounded by the file's size; rows and columns
// without entries are not, and a size line of a few bytes could otherwise
// make the reader allocate a row index of billions of empty rows (8 bytes a
// row, three times over while building the CSR). A 2^18 surplus costs at
// most 6 MiB.
const DefaultMaxEmptyDim = 1 << 18

// ReadLimits bounds what the Matrix Market readers accept, beyond what the
// file itself bounds. Limits are checked on the size line, before anything
// is allocated for the data. The zero value means no caller limit.
type ReadLimits struct {
	// MaxEntries, if positive, is the largest number of entries a
	// coordinate file, or values an array file, may declare.
	MaxEntries int
	// MaxDim, if positive, is the largest number of rows or columns
	// accepted, replacing the default rule (at most DefaultMaxEmptyDim
	// more than the number of stored entries).
	MaxDim int
}

// check refuses a size line that declares entries stored values for a
// rows×cols matrix beyond the limits.
func (l *ReadLimits) check(m *mmScanner, rows, cols, entries int) error {
	if l != nil && l.MaxEntries > 0 && entries > l.MaxEntries {
		return m.errorf("%d entries exceed the caller's limit of %d", entries, l.MaxEntries)
	}
	dim := max(rows, cols)
	if l != nil && l.MaxDim > 0 {
		if dim > l.MaxDim {
			return m.errorf("%d×%d exceeds the caller's limit of %d rows or columns", rows, cols, l.MaxDim)
		}
		return nil
	}
	if dim > entries+DefaultMaxEmptyDim {
		return m.errorf("%d×%d matrix for %d stored entries: refusing more than %d empty rows or columns (raise ReadLimits.MaxDim to accept it)",
			rows, cols, entries, DefaultMaxEmptyDim)
	}
	return nil
}

type mmHeader struct {
	format   string // coordinate or array
	field    string // real, integer or pattern
	symmetry string // general, symmetric or skew-symmetric
}

type mmScanner struct {
	s    *bufio.Scanner
	line int
}

func (m *mmScanner) errorf(format string, args ...any) error {
	return fmt.Errorf("%w: line %d: %s", ErrMatrixMarket, m.line, fmt.Sprintf(format, args...))
}

// next returns the next line that is neither blank nor a comment.
func (m *mmScanner) next() ([]string, error) {
	for m.s.Scan() {
		m.line++
		t := strings.TrimSpace(m.s.Text())
		if t == "" || t[0] == '%' {
			continue
		}
		return strings.Fields(t), nil
	}
	if err := m.s.Err(); err != nil {
		return nil, fmt.Errorf("%w: line %d: %v", ErrMatrixMarket, m.line+1, err)
	}
	return nil, io.ErrUnexpectedEOF
}

func readHeader(r io.Reader) (*mmScanner, mmHeader, error) {
	s := bufio.NewScanner(r)
	s.Buffer(make([]byte, 64*1024), 1<<20)
	m := &mmScanner{s: s}
	var h mmHeader
	if !s.Scan() {
		if err := s.Err(); err != nil {
			return nil, h, fmt.Errorf("%w: %v", ErrMatrixMarket, err)
		}
		return nil, h, fmt.Errorf("%w: empty input", ErrMatrixMarket)
	}
	m.line = 1
	f := strings.Fields(strings.ToLower(s.Text()))
	if len(f) != 5 || f[0] != "%%matrixmarket" || f[1] != "matrix" {
		return nil, h, m.errorf("header must be %q", "%%MatrixMarket matrix <format> <field> <symmetry>")
	}
	h = mmHeader{format: f[2], field: f[3], symmetry: f[4]}
	switch h.format {
	case "coordinate", "array":
	default:
		return nil, h, m.errorf("unsupported format %q (want coordinate or array)", h.format)
	}
	switch h.field {
	case "real", "double", "integer":
	case "pattern":
		if h.format == "array" {
			return nil, h, m.errorf("pattern field is only valid for coordinate format")
		}
	default:
		return nil, h, m.errorf("unsupported field %q (want real, integer or pattern)", h.field)
	}
	switch h.symmetry {
	case "general", "symmetric", "skew-symmetric":
	default:
		return nil, h, m.errorf("unsupported symmetry %q (want general, symmetric or skew-symmetric)", h.symmetry)
	}
	return m, h, nil
}

func (m *mmScanner) parseDims(f []string, want int) ([]int, error) {
	if len(f) != want {
		return nil, m.errorf("size line needs %d integers, got %d fields", want, len(f))
	}
	d := make([]int, want)
	for k, s := range f {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v < 0 {
			return nil, m.errorf("bad size %q", s)
		}
		if k < 2 && v > math.MaxInt32 {
			return nil, m.errorf("dimension %d exceeds the int32 index range", v)
		}
		d[k] = int(v)
	}
	return d, nil
}

func (m *mmScanner) parseValue(s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, m.errorf("bad value %q", s)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, m.errorf("value %q is not finite", s)
	}
	return v, nil
}

// ReadMatrixMarket reads a matrix in Matrix Market format: coordinate
// (real, integer or pattern; general, symmetric or skew-symmetric) or array
// (real or integer, general or symmetric). Symmetric files store one
// triangle; both are filled in. Duplicated coordinate entries are summed.
// Any malformed, truncated or non-finite input, including duplicates that
// sum to ±Inf, returns an error wrapping ErrMatrixMarket that names the
// line. Sizes are bounded as ReadLimits' zero value says: memory use is
// proportional to the file's size.
func ReadMatrixMarket(r io.Reader) (*CSR, error) {
	return ReadMatrixMarketLimits(r, nil)
}

// ReadMatrixMarketLimits is ReadMatrixMarket with caller limits; nil means
// the zero ReadLimits.
func ReadMatrixMarketLimits(r io.Reader, lim *ReadLimits) (*CSR, error) {
	m, h, err := readHeader(r)
	if err != nil {
		return nil, err
	}
	if h.format == "array" {
		rows, cols, vals, err := readArray(m, h, lim)
		if err != nil {
			return nil, err
		}
		t := NewTriplet(rows, cols, len(vals))
		for k, v := range vals {
			// Column-major order, as the format prescribes.
			if v != 0 {
				t.Append(k%rows, k/rows, v)
			}
		}
		return t.ToCSR(), nil
	}
	return readCoordinate(m, h, lim)
}

// readCoordinate parses a coordinate body after the header line.
func readCoordinate(m *mmScanner, h mmHeader, lim *ReadLimits) (*CSR, error) {
	f, err := m.next()
	if err != nil {
		return nil, m.eof(err, "size line")
	}
	d, err := m.parseDims(f, 3)
	if err != nil {
		return nil, err
	}
	rows, cols, nnz := d[0], d[1], d[2]
	if h.symmetry != "general" && rows != cols {
		return nil, m.errorf("%s matrix must be square, got %d×%d", h.symmetry, rows, cols)
	}
	if rows > 0 && cols > 0 && uint64(nnz) > uint64(rows)*uint64(cols) {
		return nil, m.errorf("%d entries do not fit a %d×%d matrix", nnz, rows, cols)
	}
	if err := lim.check(m, rows, cols, nnz); err != nil {
		return nil, err
	}
	t := NewTriplet(rows, cols, min(2*nnz, maxPrealloc))
	want := 3
	if h.field == "pattern" {
		want = 2
	}
	for e := 0; e < nnz; e++ {
		f, err := m.next()
		if err != nil {
			return nil, m.eof(err, fmt.Sprintf("entry %d of %d", e+1, nnz))
		}
		if len(f) != want {
			return nil, m.errorf("entry needs %d fields, got %d", want, len(f))
		}
		i, err1 := strconv.ParseInt(f[0], 10, 64)
		j, err2 := strconv.ParseInt(f[1], 10, 64)
		if err1 != nil || err2 != nil {
			return nil, m.errorf("bad index in %q", strings.Join(f, " "))
		}
		if i < 1 || i > int64(rows) || j < 1 || j > int64(cols) {
			return nil, m.errorf("entry (%d, %d) outside a %d×%d matrix (indices are 1-based)", i, j, rows, cols)
		}
		v := 1.0
		if want == 3 {
			if v, err = m.parseValue(f[2]); err != nil {
				return nil, err
			}
		}
		switch h.symmetry {
		case "symmetric", "skew-symmetric":
			if j > i {
				return nil, m.errorf("%s file stores the lower triangle, got entry (%d, %d) above the diagonal", h.symmetry, i, j)
			}
			if h.symmetry == "skew-symmetric" && i == j {
				return nil, m.errorf("skew-symmetric file has a diagonal entry (%d, %d)", i, j)
			}
		}
		t.Append(int(i-1), int(j-1), v)
		if i != j {
			switch h.symmetry {
			case "symmetric":
				t.Append(int(j-1), int(i-1), v)
			case "skew-symmetric":
				t.Append(int(j-1), int(i-1), -v)
			}
		}
	}
	if extra, err := m.next(); err == nil {
		return nil, m.errorf("data after the %d declared entries: %q", nnz, strings.Join(extra, " "))
	}
	a := t.ToCSR()
	if err := a.CheckFinite(); err != nil {
		return nil, fmt.Errorf("%w: duplicated entries sum to a non-finite value: %w", ErrMatrixMarket, err)
	}
	return a, nil
}

func (m *mmScanner) eof(err error, what string) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: truncated after line %d: missing %s", ErrMatrixMarket, m.line, what)
	}
	return err
}

// readArray reads the body of an array-format file in column-major order,
// expanding a symmetric one.
func readArray(m *mmScanner, h mmHeader, lim *ReadLimits) (rows, cols int, vals []float64, err error) {
	f, err := m.next()
	if err != nil {
		return 0, 0, nil, m.eof(err, "size line")
	}
	d, err := m.parseDims(f, 2)
	if err != nil {
		return 0, 0, nil, err
	}
	rows, cols = d[0], d[1]
	if h.symmetry == "skew-symmetric" {
		return 0, 0, nil, m.errorf("skew-symmetric array format is not supported")
	}
	if h.symmetry == "symmetric" && rows != cols {
		return 0, 0, nil, m.errorf("symmetric matrix must be square, got %d×%d", rows, cols)
	}
	total := uint64(rows) * uint64(cols)
	if total > math.MaxInt32*8 {
		return 0, 0, nil, m.errorf("array of %d×%d values is too large", rows, cols)
	}
	var need int
	if h.symmetry == "symmetric" {
		need = rows * (rows + 1) / 2
	} else {
		need = int(total)
	}
	if err := lim.check(m, rows, cols, need); err != nil {
		return 0, 0, nil, err
	}
	stored := make([]float64, 0, min(need, maxPrealloc))
	for len(stored) < need {
		f, err := m.next()
		if err != nil {
			return 0, 0, nil, m.eof(err, fmt.Sprintf("value %d of %d", len(stored)+1, need))
		}
		for _, s := range f {
			if len(stored) == need {
				return 0, 0, nil, m.errorf("more values than the %d declared", need)
			}
			v, err := m.parseValue(s)
			if err != nil {
				return 0, 0, nil, err
			}
			stored = append(stored, v)
		}
	}
	if extra, err := m.next(); err == nil {
		return 0, 0, nil, m.errorf("data after the %d declared values: %q", need, strings.Join(extra, " "))
	}
	if h.symmetry != "symmetric" {
		return rows, cols, stored, nil
	}
	vals = make([]float64, rows*cols)
	k := 0
	for j := range cols {
		for i := j; i < rows; i++ {
			vals[j*rows+i] = stored[k]
			vals[i*rows+j] = stored[k]
			k++
		}
	}
	return rows, cols, vals, nil
}

// ReadVector reads a vector stored as a Matrix Market n×1 or 1×n matrix, in
// array or coordinate format, with the bounds of ReadMatrixMarket.
func ReadVector(r io.Reader) ([]float64, error) {
	return ReadVectorLimits(r, nil)
}

// ReadVectorLimits is ReadVector with caller limits; nil means the zero
// ReadLimits.
func ReadVectorLimits(r io.Reader, lim *ReadLimits) ([]float64, error) {
	m, h, err := readHeader(r)
	if err != nil {
		return nil, err
	}
	if h.format == "array" {
		if h.symmetry != "general" {
			return nil, fmt.Errorf("%w: a vector must be stored as general, not %s", ErrMatrixMarket, h.symmetry)
		}
		rows, cols, vals, err := readArray(m, h, lim)
		if err != nil {
			return nil, err
		}
		if rows != 1 && cols != 1 {
			return nil, fmt.Errorf("%w: a vector must be n×1 or 1×n, got %d×%d", ErrMatrixMarket, rows, cols)
		}
		return vals, nil
	}
	a, err := readCoordinate(m, h, lim)
	if err != nil {
		return nil, err
	}
	rows, cols := a.Dims()
	switch {
	case cols == 1:
		x := make([]float64, rows)
		for i := range rows {
			for k := a.RowPtr[i]; k < a.RowPtr[i+1]; k++ {
				x[i] = a.Val[k]
			}
		}
		return x, nil
	case rows == 1:
		x := make([]float64, cols)
		for k, j := range a.ColIdx {
			x[j] = a.Val[k]
		}
		return x, nil
	}
	return nil, fmt.Errorf("%w: a vector must be n×1 or 1×n, got %d×%d", ErrMatrixMarket, rows, cols)
}

// WriteMatrixMarket writes a in coordinate real format with 17 significant
// digits, so that reading it back gives the same float64 values. With
// symmetric true it writes the lower triangle under the "symmetric" header
// and returns an error if a is not exactly symmetric.
func WriteMatrixMarket(w io.Writer, a *CSR, symmetric bool) error {
	if symmetric && !a.IsSymmetric(0) {
		return errors.New("sparse: WriteMatrixMarket: matrix is not symmetric")
	}
	bw := bufio.NewWriter(w)
	sym := "general"
	nnz := a.NNZ()
	if symmetric {
		sym = "symmetric"
		nnz = 0
		for i := range a.rows {
			for k := a.RowPtr[i]; k < a.RowPtr[i+1]; k++ {
				if int(a.ColIdx[k]) <= i {
					nnz++
				}
			}
		}
	}
	fmt.Fprintf(bw, "%%%%MatrixMarket matrix coordinate real %s\n", sym)
	fmt.Fprintf(bw, "%d %d %d\n", a.rows, a.cols, nnz)
	buf := make([]byte, 0, 64)
	for i := range a.rows {
		for k := a.RowPtr[i]; k < a.RowPtr[i+1]; k++ {
			j := int(a.ColIdx[k])
			if symmetric && j > i {
				continue
			}
			buf = strconv.AppendInt(buf[:0], int64(i+1), 10)
			buf = append(buf, ' ')
			buf = strconv.AppendInt(buf, int64(j+1), 10)
			buf = append(buf, ' ')
			buf = strconv.AppendFloat(buf, a.Val[k], 'g', 17, 64)
			buf = append(buf, '\n')
			bw.Write(buf)
		}
	}
	return bw.Flush()
}

// WriteVector writes x as an n×1 Matrix Market array with 17 significant
// digits.
func WriteVector(w io.Writer, x []float64) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%%%%MatrixMarket matrix array real general\n%d 1\n", len(x))
	buf := make([]byte, 0, 32)
	for _, v := range x {
		buf = strconv.AppendFloat(buf[:0], v, 'g', 17, 64)
		buf = append(buf, '\n')
		bw.Write(buf)
	}
	return bw.Flush()
}
