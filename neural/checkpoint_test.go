package neural

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// letters is an endless stream of 'a'.
type letters struct{}

func (letters) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

// TestLoadBounded: an endless input (here an unterminated string) is
// refused after MaxCheckpointBytes.
func TestLoadBounded(t *testing.T) {
	m, _ := NewMLP([]int{2, 3, 1}, 1)
	r := io.MultiReader(strings.NewReader(`{"format":"`), letters{})
	assert.ErrorContains(t, Load(r, m), "longer than")
	var buf bytes.Buffer
	require.NoError(t, Save(&buf, m))
	assert.ErrorContains(t, LoadLimit(bytes.NewReader(buf.Bytes()), m, 100), "longer than 100 bytes")
	assert.NoError(t, LoadLimit(bytes.NewReader(buf.Bytes()), m, int64(buf.Len())))
}

// FuzzLoad: any input either loads (then the model's parameters are the
// finite values the checkpoint holds, with a matching checksum) or fails
// with ErrCheckpoint/ErrShape leaving the model unchanged.
func FuzzLoad(f *testing.F) {
	m, _ := NewMLP([]int{2, 3, 1}, 1)
	var buf bytes.Buffer
	require.NoError(f, Save(&buf, m))
	saved := buf.String()
	f.Add(saved)
	f.Add(saved[:len(saved)/2])
	f.Add(strings.Replace(saved, `"rows":3`, `"rows":300000000000`, 1))
	f.Add(strings.Replace(saved, `"data":[`, `"data":[1e999,`, 1))
	f.Add(`{"format":"pdekit-neural-params/1","params":[{"name":"W1","rows":3,"cols":2,"data":[NaN]}],"crc32":0}`)
	f.Add(`{"params":null}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, in string) {
		model, _ := NewMLP([]int{2, 3, 1}, 7)
		before := Flatten(nil, model.Params())
		err := Load(strings.NewReader(in), model)
		after := Flatten(nil, model.Params())
		if err != nil {
			assert.True(t, errorsIsAny(err, ErrCheckpoint, ErrShape), "%v", err)
			assert.Equal(t, before, after, "a failed load changed the model")
			return
		}
		assert.True(t, allFinite(after))
	})
}

func errorsIsAny(err error, targets ...error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}
