package neural

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
)

// ErrCheckpoint reports a checkpoint that cannot be read: not a pdekit
// checkpoint, truncated, or with a checksum that does not match its
// values.
var ErrCheckpoint = errors.New("neural: corrupt or foreign checkpoint")

const checkpointFormat = "pdekit-neural-params/1"

// MaxCheckpointBytes is the longest checkpoint Load reads (64 MiB, some
// three million parameters as JSON; pdekit's models are below 1 MiB); a
// longer input is ErrCheckpoint, read no further.
const MaxCheckpointBytes = 64 << 20

type checkpoint struct {
	Format string            `json:"format"`
	Params []checkpointParam `json:"params"`
	CRC32  uint32            `json:"crc32"`
}

type checkpointParam struct {
	Name string    `json:"name"`
	Rows int       `json:"rows"`
	Cols int       `json:"cols"`
	Data []float64 `json:"data"`
}

func checksum(ps []checkpointParam) uint32 {
	h := crc32.NewIEEE()
	var b [8]byte
	for _, p := range ps {
		io.WriteString(h, p.Name)
		binary.LittleEndian.PutUint64(b[:], uint64(p.Rows)<<32|uint64(p.Cols))
		h.Write(b[:])
		for _, v := range p.Data {
			binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
			h.Write(b[:])
		}
	}
	return h.Sum32()
}

// Save writes m's parameters to w as JSON (exact float64 round trip) with
// a CRC-32 of names, shapes and values.
func Save(w io.Writer, m Parameterized) error {
	var c checkpoint
	c.Format = checkpointFormat
	for _, p := range m.Params() {
		r, cc := p.V.Dims()
		c.Params = append(c.Params, checkpointParam{Name: p.Name, Rows: r, Cols: cc, Data: Flatten(nil, []*Param{p})})
	}
	c.CRC32 = checksum(c.Params)
	enc := json.NewEncoder(w)
	return enc.Encode(&c)
}

// Load reads parameters saved by Save into m. It returns ErrCheckpoint
// for a file that is not a valid checkpoint (or is longer than
// MaxCheckpointBytes) and ErrShape for one saved from a model of another
// architecture; m is unchanged on error. Memory stays within a few times
// the input's length (JSON declares no sizes to trust).
func Load(r io.Reader, m Parameterized) error { return LoadLimit(r, m, MaxCheckpointBytes) }

// LoadLimit is Load reading at most maxBytes bytes (a caller's limit,
// below or above MaxCheckpointBytes; maxBytes ≤ 0 means MaxCheckpointBytes).
func LoadLimit(r io.Reader, m Parameterized, maxBytes int64) error {
	if maxBytes <= 0 {
		maxBytes = MaxCheckpointBytes
	}
	var c checkpoint
	lr := &io.LimitedReader{R: r, N: maxBytes + 1}
	if err := json.NewDecoder(lr).Decode(&c); err != nil {
		if lr.N == 0 {
			return fmt.Errorf("%w: longer than %d bytes", ErrCheckpoint, maxBytes)
		}
		return fmt.Errorf("%w: %w", ErrCheckpoint, err)
	}
	if c.Format != checkpointFormat {
		return fmt.Errorf("%w: format %q, want %q", ErrCheckpoint, c.Format, checkpointFormat)
	}
	if checksum(c.Params) != c.CRC32 {
		return fmt.Errorf("%w: checksum mismatch", ErrCheckpoint)
	}
	ps := m.Params()
	if len(ps) != len(c.Params) {
		return fmt.Errorf("%w: checkpoint has %d parameter matrices, the model %d", ErrShape, len(c.Params), len(ps))
	}
	for i, p := range ps {
		r, cc := p.V.Dims()
		q := c.Params[i]
		if q.Name != p.Name || q.Rows != r || q.Cols != cc || len(q.Data) != r*cc {
			return fmt.Errorf("%w: parameter %d is %s %d×%d in the checkpoint, %s %d×%d in the model", ErrShape, i, q.Name, q.Rows, q.Cols, p.Name, r, cc)
		}
		if !allFinite(q.Data) {
			return fmt.Errorf("%w: parameter %s has NaN or infinite values", ErrCheckpoint, q.Name)
		}
	}
	for i, p := range ps {
		Unflatten([]*Param{p}, c.Params[i].Data)
	}
	return nil
}

// SaveFile and LoadFile are Save and Load on a named file.
func SaveFile(path string, m Parameterized) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := Save(f, m); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// LoadFile is Load from the named file.
func LoadFile(path string, m Parameterized) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return Load(f, m)
}
