package ot

import (
	"bytes"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadCSV(t *testing.T) {
	r, c, d, err := ReadCSV(strings.NewReader("# cost\n1, 2.5,\"3\"\n\n4,5e-1,-6\n"), nil)
	require.NoError(t, err)
	assert.Equal(t, 2, r)
	assert.Equal(t, 3, c)
	assert.Equal(t, []float64{1, 2.5, 3, 4, 0.5, -6}, d)
	for _, tc := range []struct{ in, msg string }{
		{"", "no values"},
		{"1,2\n3\n", "line 2 has 1 values"},
		{"1,x\n", `"x" is not a finite number`},
		{"1,NaN\n", "not a finite number"},
		{"1e308,1e309\n", "not a finite number"},
		{"1,,2\n", "not a finite number"},
	} {
		_, _, _, err := ReadCSV(strings.NewReader(tc.in), nil)
		assert.ErrorIs(t, err, ErrCSV, "%q", tc.in)
		assert.ErrorContains(t, err, tc.msg, "%q", tc.in)
	}
	// Bounded: an endless stream without line breaks, and a long input.
	_, _, _, err = ReadCSV(io.LimitReader(zeros{}, 64<<20), nil)
	assert.ErrorContains(t, err, "longer than")
	_, _, _, err = ReadCSV(strings.NewReader(strings.Repeat("1,2\n", 1000)), &CSVOptions{MaxBytes: 100})
	assert.ErrorContains(t, err, "more than 100 bytes")
	_, _, _, err = ReadCSV(strings.NewReader(strings.Repeat("1,2\n", 25)), &CSVOptions{MaxBytes: 100})
	assert.NoError(t, err, "exactly the limit")
	_, _, d, err = ReadCSV(strings.NewReader("1,inf\n"), &CSVOptions{AllowInf: true})
	require.NoError(t, err)
	assert.True(t, math.IsInf(d[1], 1))
	_, _, _, err = ReadCSV(strings.NewReader("1,-inf\n"), &CSVOptions{AllowInf: true})
	assert.ErrorIs(t, err, ErrCSV)
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// FuzzReadCSV: any input either fails with ErrCSV (or a read error) or
// gives a rows×cols table of finite values, and memory stays bounded by
// the input's length.
func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{"1,2\n3,4\n", "1e308,1e308\n", "NaN\n", "\"1\",2\n", "# x\n\n5\n", "1,2\n3\n", ",\n", "\x00\x00", "1e309", "-0,+1.5e-3\r\n2,3\r\n", strings.Repeat("9,", 1000) + "9"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		r, c, d, err := ReadCSV(bytes.NewReader(in), &CSVOptions{MaxBytes: 1 << 16})
		if err != nil {
			assert.ErrorIs(t, err, ErrCSV)
			return
		}
		require.Positive(t, r)
		require.Equal(t, r*c, len(d))
		assert.LessOrEqual(t, len(d), len(in)/2+1, "at most one value per two bytes")
		for _, v := range d {
			require.False(t, v != v || v-v != 0, "non-finite %v", v)
		}
	})
}
