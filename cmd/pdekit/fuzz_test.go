package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzCLI runs pdekit on fuzzed command lines: the input, split on
// spaces, is the argument list, with placeholders @A (a 16-unknown SPD
// matrix from a 4×4 grid), @N (a nonsymmetric one), @Z (one with a zero
// diagonal), @B (a right-hand side) and @E (an empty file). It runs in a
// fresh temporary directory; absolute paths and ".." are skipped so that
// nothing outside it is written (relative paths stay inside), and work is bounded (datagen always gets
// -dry-run, gen grids above 300 and iteration limits above 10⁵ are
// skipped). Whatever the flags, pdekit must exit with 0, 1 or 2, never
// panic, and report a failure in one line on stderr; the fixture files
// must be unchanged.
func FuzzCLI(f *testing.F) {
	fix := f.TempDir()
	files := map[string]string{
		"@A": "%%MatrixMarket matrix coordinate real symmetric\n16 16 40\n" + gridLaplacianEntries(4),
		"@N": "%%MatrixMarket matrix coordinate real general\n3 3 5\n1 1 2\n1 2 1\n2 2 2\n3 2 -1\n3 3 1\n",
		"@Z": "%%MatrixMarket matrix coordinate real general\n2 2 2\n1 2 1\n2 1 1\n",
		"@B": "%%MatrixMarket matrix array real general\n16 1\n" + strings.Repeat("1\n", 16),
		"@E": "",
	}
	paths := map[string]string{}
	for k, body := range files {
		p := filepath.Join(fix, k[1:]+".mtx")
		require.NoError(f, os.WriteFile(p, []byte(body), 0o644))
		paths[k] = p
	}
	for _, seed := range []string{
		"solve -A @A", "solve -A @A -b @B -method gmres -restart 2000000000",
		"solve -A @A -atol NaN", "solve -A @A -atol Inf", "solve -A @A -rtol 1", "solve -A @A -rtol -0",
		"solve -A @A -pc ilut -fill 2000000000 -drop 0", "solve -A @A -pc ilut -drop NaN",
		"solve -A @A -pc mg -grid 4x4", "solve -A @A -pc mg -grid 16", "solve -A @A -pc mg -grid 2x8",
		"solve -A @A -pc mg -grid 4x4x1", "solve -A @A -pc mg -grid 0x0", "solve -A @A -pc mg -grid 9999999999x9999999999",
		"solve -A @A -pc amg -amg-theta 0.99 -amg-sweeps 1000", "solve -A @A -pc amg -amg-sweeps -3 -amg-print",
		"solve -A @A -pc amg -amg-coarsening classical -amg-aggressive 2000000000", "solve -A @Z -pc amg -amg-strength evolution -method gmres",
		"solve -A @A -method direct -ordering md", "solve -A @N -method direct -ordering rcm -json",
		"solve -A @Z -method gmres -pc ilut", "solve -A @Z -method direct", "solve -A @Z -method sor -omega 3",
		"solve -A @A -method ssor -omega 1.99999", "solve -A @A -method fcg -maxit -1", "solve -A @N",
		"solve -A @E", "solve -A @A -b @E", "solve -A @A -b @A", "solve -A @B", "solve -A @A -x x.mtx -maxit 1 -x-partial",
		"solve -A @A -x x.mtx -json -pc ic0 -pc-reorder rcm", "solve -A @A -x .", "solve -A @A -method jacobi -omega NaN",
		"gen -problem darcy -grid 8 -A A.mtx -b b.mtx", "gen -problem darcy-fno -grid 3 -A A.mtx", "gen -grid -5 -A A.mtx",
		"gen -problem convdiff -grid 1 -A A.mtx", "gen -problem darcy-skr -grid 6 -A a/b.mtx",
		"datagen -grid 8 -n 3", "datagen -family darcy-fno -grid 3", "datagen -chunk -1", "datagen -shard 2/2",
		"datagen -rtol 1", "datagen -solver direct -grid 46341 -n 1", "datagen -n 9223372036854775807 -chunk 1",
		"datagen -family heat -grid 8 -n 2 -steps 100001", "datagen -family heat -dt NaN", "datagen -family heat -solver gcrot",
		"datagen -family helmholtz-skr -solver mg", "datagen -family heat -grid 30000 -steps 100 -n 1",
		"solve -A @A -pc amg -amg-sweeps 101", "solve -A @A -pc mg -grid 4x4 -amg-sweeps 5",
		"compare -A @A", "compare -A @Z -json", "compare -A @N -maxiter 1", "compare -A @A -grid 4x4 -figure c.png",
		"compare -A @E", "compare -A @A -b @B -rtol 0.5", "solve -A @A -method gcrot -monitor", "solve -A @A -method rcg -json",
		"help", "solve -h", "frob", "solve -A @A extra",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Fields(line)
		if len(args) > 40 {
			t.Skip()
		}
		for i, a := range args {
			if strings.HasPrefix(a, "/") || strings.Contains(a, "=/") || strings.Contains(a, "..") || strings.ContainsRune(a, 0) {
				t.Skip("paths outside the working directory are not fuzzed")
			}
			if strings.Contains(a, "@") && (i > 0 && strings.TrimLeft(args[i-1], "-") == "x" || strings.Contains(a, "x=@") || args[0] == "gen") {
				t.Skip("an output flag naming a fixture overwrites it as asked")
			}
		}
		for i, a := range args {
			if p, ok := paths[a]; ok {
				args[i] = p
			}
		}
		// Fresh fixtures for every input: the check below then tells
		// whether this command line changed one.
		for k, body := range files {
			require.NoError(t, os.WriteFile(paths[k], []byte(body), 0o644))
		}
		if len(args) > 0 {
			switch args[0] {
			case "datagen":
				args = append(args, "-dry-run", "-quiet")
			case "gen":
				if v, ok := intFlag(args, "grid"); ok && v > 300 {
					t.Skip("large grids take seconds")
				}
			}
		}
		for _, name := range []string{"maxiter", "maxit"} {
			if v, ok := intFlag(args, name); ok && v > 100000 {
				t.Skip("iteration limits above 10⁵ take seconds")
			}
		}
		t.Chdir(t.TempDir())
		var o, e bytes.Buffer
		code := run(args, &o, &e)
		assert.Contains(t, []int{0, 1, 2}, code)
		if code != 0 && len(args) > 0 {
			msg := strings.TrimSpace(e.String())
			if !strings.Contains(msg, "Usage of") {
				assert.True(t, strings.HasPrefix(msg, "pdekit: "), "%q", msg)
				assert.NotContains(t, msg, "\n", "one line: %q", msg)
			}
		}
		for k, body := range files {
			raw, err := os.ReadFile(paths[k])
			require.NoError(t, err)
			require.Equal(t, body, string(raw), "%s was changed", k)
		}
	})
}

// intFlag returns the integer value of -name (or --name, with = or as the
// next word) in args, the last one when repeated.
func intFlag(args []string, name string) (int64, bool) {
	var v int64
	found := false
	for i, a := range args {
		a = strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		var s string
		switch {
		case a == name && i+1 < len(args):
			s = args[i+1]
		case strings.HasPrefix(a, name+"="):
			s = a[len(name)+1:]
		default:
			continue
		}
		if x, err := strconv.ParseInt(s, 0, 64); err == nil {
			v, found = x, true
		}
	}
	return v, found
}

// gridLaplacianEntries returns the lower-triangle coordinate lines of the
// 5-point Laplacian on an s×s grid (s² diagonal entries 4, 2s(s−1) −1's).
func gridLaplacianEntries(s int) string {
	var b strings.Builder
	for i := range s * s {
		b.WriteString(strconv.Itoa(i+1) + " " + strconv.Itoa(i+1) + " 4\n")
		if i%s > 0 {
			b.WriteString(strconv.Itoa(i+1) + " " + strconv.Itoa(i) + " -1\n")
		}
		if i >= s {
			b.WriteString(strconv.Itoa(i+1) + " " + strconv.Itoa(i+1-s) + " -1\n")
		}
	}
	return b.String()
}

// FuzzDatagenRecords feeds fuzzed bytes to datagen as the manifest and
// the chunk record of an output directory holding one real chunk: a
// manifest is accepted only when it decodes to the run's settings, a
// chunk is kept only when its record names it and matches the arrays'
// SHA-256 — otherwise a clear refusal or a regeneration, never a panic.
func FuzzDatagenRecords(f *testing.F) {
	src := f.TempDir()
	code, _, stderr := pdekit("datagen", "-grid", "6", "-n", "2", "-chunk", "2", "-quiet", "-out", src)
	require.Equal(f, 0, code, stderr)
	manifest, err := os.ReadFile(filepath.Join(src, "manifest.json"))
	require.NoError(f, err)
	record, err := os.ReadFile(filepath.Join(src, "chunk-00000.json"))
	require.NoError(f, err)
	var want Manifest
	require.NoError(f, json.Unmarshal(manifest, &want))
	arrays := map[string][]byte{}
	for _, k := range []string{"inputs", "solutions"} {
		arrays[k], err = os.ReadFile(filepath.Join(src, chunkName(k, 0, "npy")))
		require.NoError(f, err)
	}
	f.Add(manifest, record)
	f.Add(manifest, []byte(strings.Replace(string(record), `"chunk": 0`, `"chunk": 1`, 1)))
	f.Add(manifest, []byte(`{"chunk":0,"count":2,"sha256":{"inputs":"00","solutions":"00"}}`))
	f.Add([]byte(strings.Replace(string(manifest), `"grid": 6`, `"grid": 7`, 1)), record)
	f.Add([]byte(`{"grid": 1e400}`), []byte(`null`))
	f.Add([]byte{}, []byte{0xff})
	f.Fuzz(func(t *testing.T, m, rec []byte) {
		dir := t.TempDir()
		for k, b := range arrays {
			require.NoError(t, os.WriteFile(filepath.Join(dir, chunkName(k, 0, "npy")), b, 0o644))
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, "manifest.json"), m, 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "chunk-00000.json"), rec, 0o644))
		err := checkManifest(dir, want)
		var got Manifest
		if json.Unmarshal(m, &got) == nil && reflect.DeepEqual(got, want) {
			assert.NoError(t, err)
		} else {
			assert.Error(t, err, "a manifest with other settings was accepted")
		}
		if chunkDone(dir, want, 0) {
			var st ChunkStats
			require.NoError(t, json.Unmarshal(rec, &st))
			assert.Equal(t, 0, st.Chunk)
			for k, b := range arrays {
				sum := sha256.Sum256(b)
				assert.Equal(t, hex.EncodeToString(sum[:]), st.SHA256[k])
			}
		}
	})
}
