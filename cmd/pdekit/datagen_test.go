package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pdekit/pdekit/internal/memcheck"
	"github.com/pdekit/pdekit/pde"
	"github.com/pdekit/pdekit/sparse"
)

// TestMain lets a test run the command in a separate process: the test
// binary re-executes itself with PDEKIT_MAIN_ARGS set.
func TestMain(m *testing.M) {
	if args := os.Getenv("PDEKIT_MAIN_ARGS"); args != "" {
		os.Exit(run(strings.Fields(args), os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// readNPY reads a float64 .npy file written by writeNPY, checking the
// format (magic, version, 64-byte aligned header, dtype, order).
func readNPY(t *testing.T, path string) (shape string, data []float64) {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, "\x93NUMPY\x01\x00", string(raw[:8]))
	hl := int(binary.LittleEndian.Uint16(raw[8:10]))
	require.Zero(t, (10+hl)%64, "header not 64-byte aligned")
	header := string(raw[10 : 10+hl])
	require.True(t, strings.HasSuffix(header, "\n"))
	require.Contains(t, header, "'descr': '<f8', 'fortran_order': False")
	i := strings.Index(header, "'shape': (")
	j := strings.Index(header[i:], ")")
	shape = header[i+len("'shape': (") : i+j]
	body := raw[10+hl:]
	require.Zero(t, len(body)%8)
	data = make([]float64, len(body)/8)
	for k := range data {
		data[k] = math.Float64frombits(binary.LittleEndian.Uint64(body[8*k:]))
	}
	return shape, data
}

// dataFiles returns the names of the .npy and manifest files in dir.
func dataFiles(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	var out []string
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".npy") || e.Name() == "manifest.json" {
			out = append(out, e.Name())
		}
	}
	slices.Sort(out)
	return out
}

// sameData asserts that two output directories hold byte-identical data
// files and chunk statistics equal up to timings.
func sameData(t *testing.T, a, b string) {
	t.Helper()
	fa, fb := dataFiles(t, a), dataFiles(t, b)
	require.Equal(t, fa, fb)
	for _, f := range fa {
		x, err := os.ReadFile(filepath.Join(a, f))
		require.NoError(t, err)
		y, err := os.ReadFile(filepath.Join(b, f))
		require.NoError(t, err)
		assert.True(t, bytes.Equal(x, y), "%s differs", f)
	}
	chunks, err := filepath.Glob(filepath.Join(a, "chunk-*.json"))
	require.NoError(t, err)
	for _, c := range chunks {
		var sa, sb ChunkStats
		ra, _ := os.ReadFile(c)
		rb, err := os.ReadFile(filepath.Join(b, filepath.Base(c)))
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(ra, &sa))
		require.NoError(t, json.Unmarshal(rb, &sb))
		sa.Seconds, sb.Seconds = 0, 0
		assert.Equal(t, sa, sb, c)
	}
}

var smallDarcy = []string{"datagen", "-family", "darcy", "-grid", "12", "-n", "11", "-chunk", "3", "-seed", "7", "-quiet"}

// TestDatagenSolutions: the arrays have the documented shapes, the inputs
// are the family's coefficient fields, and every stored solution solves
// its system to the requested tolerance.
func TestDatagenSolutions(t *testing.T) {
	for _, solver := range []string{"auto", "amg", "rcg", "direct"} {
		t.Run(solver, func(t *testing.T) { testDatagenSolutions(t, solver) })
	}
}

func testDatagenSolutions(t *testing.T, solver string) {
	dir := t.TempDir()
	code, stdout, stderr := pdekit(append(slices.Clone(smallDarcy), "-out", dir, "-solver", solver)...)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "11 systems")
	fam, err := pde.DarcyFamily(12, 11, 7, pde.DarcyOptions{})
	require.NoError(t, err)
	for j := range 4 {
		count := min(3, 11-3*j)
		shape, in := readNPY(t, filepath.Join(dir, chunkName("inputs", j, "npy")))
		assert.Equal(t, fmt.Sprintf("%d, 12, 12", count), shape)
		_, u := readNPY(t, filepath.Join(dir, chunkName("solutions", j, "npy")))
		for r := range count {
			p, err := fam.Problem(3*j + r)
			require.NoError(t, err)
			assert.Equal(t, p.Params, in[r*144:(r+1)*144])
			assert.LessOrEqual(t, relResidual(p.A, u[r*144:(r+1)*144], p.B), 1e-8, "sample %d", 3*j+r)
		}
	}
	var m Manifest
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &m))
	want := map[string]string{"auto": "mg"}[solver]
	if want == "" {
		want = solver
	}
	assert.Equal(t, want, m.Solver)
	raw, err = os.ReadFile(filepath.Join(dir, chunkName("chunk", 1, "json")))
	require.NoError(t, err)
	var st ChunkStats
	require.NoError(t, json.Unmarshal(raw, &st))
	assert.Equal(t, want, st.Solver)
	assert.LessOrEqual(t, st.WorstRelativeResidual, 1e-8)
	assert.Len(t, st.SHA256, 2)
	assert.Equal(t, 4, m.Chunks)
}

// TestDatagenShardsUnion: three shards run as separate processes write,
// together, exactly the files of one unsharded run; so do runs without
// recycling and for the nonsymmetric family (GCROT).
func TestDatagenShardsUnion(t *testing.T) {
	self, err := os.Executable()
	require.NoError(t, err)
	for _, extra := range [][]string{nil, {"-family", "darcy-skr"}} {
		args := append(slices.Clone(smallDarcy), extra...)
		one := t.TempDir()
		code, _, stderr := pdekit(append(args, "-out", one)...)
		require.Equal(t, 0, code, stderr)
		sharded := t.TempDir()
		var procs []*exec.Cmd
		for i := range 3 {
			cmd := exec.Command(self)
			cmd.Env = append(os.Environ(), "PDEKIT_MAIN_ARGS="+strings.Join(append(args, "-out", sharded, "-shard", fmt.Sprintf("%d/3", i)), " "))
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			require.NoError(t, cmd.Start())
			procs = append(procs, cmd)
		}
		for _, p := range procs {
			require.NoError(t, p.Wait())
		}
		sameData(t, one, sharded)
	}
}

// TestDatagenResume: an interrupted run (a chunk without its stats file,
// a truncated array, a stray temporary file) resumes, regenerates only
// what is missing, and ends with the files of an uninterrupted run.
func TestDatagenResume(t *testing.T) {
	ref := t.TempDir()
	code, _, stderr := pdekit(append(smallDarcy, "-out", ref)...)
	require.Equal(t, 0, code, stderr)
	dir := t.TempDir()
	code, _, stderr = pdekit(append(smallDarcy, "-out", dir)...)
	require.Equal(t, 0, code, stderr)
	require.NoError(t, os.Remove(filepath.Join(dir, chunkName("chunk", 1, "json"))))
	require.NoError(t, os.Truncate(filepath.Join(dir, chunkName("solutions", 2, "npy")), 100))
	// A flipped bit in a file of the right size: its checksum no longer
	// matches, so chunk 0 is redone too.
	flip := filepath.Join(dir, chunkName("solutions", 0, "npy"))
	raw, err := os.ReadFile(flip)
	require.NoError(t, err)
	raw[len(raw)-3] ^= 0x10
	require.NoError(t, os.WriteFile(flip, raw, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, chunkName("inputs", 3, "npy")+".tmp"), []byte("partial"), 0o644))
	code, stdout, stderr := pdekit(append(smallDarcy, "-out", dir)...)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "9 systems", "chunks 0, 1 and 2 (3 samples each) are redone, not 3")
	os.Remove(filepath.Join(dir, chunkName("inputs", 3, "npy")+".tmp"))
	sameData(t, ref, dir)
	code, stdout, _ = pdekit(append(smallDarcy, "-out", dir)...)
	require.Equal(t, 0, code)
	assert.Contains(t, stdout, "nothing to do")
}

// TestDatagenBadInput: unknown families, malformed shards and a directory
// holding another run's manifest are refused, and nothing is written
// over the existing data.
func TestDatagenBadInput(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := pdekit(append(smallDarcy, "-out", dir)...)
	require.Equal(t, 0, code, stderr)
	before := map[string][]byte{}
	for _, f := range dataFiles(t, dir) {
		before[f], _ = os.ReadFile(filepath.Join(dir, f))
	}
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"-family", "navier-stokes"}, 2, "unknown family"},
		{[]string{"-shard", "3/2"}, 2, "want i/k"},
		{[]string{"-shard", "1"}, 2, "want i/k"},
		{[]string{"-shard", "-1/2"}, 2, "want i/k"},
		{[]string{"-n", "0"}, 2, "positive"},
		{[]string{"-n", "9223372036854775807", "-chunk", "1"}, 2, "more than 16777216"},
		{[]string{"-n", "9223372036854775807"}, 2, "use a larger -chunk"},
		{[]string{"-pc", "mg"}, 2, "unknown preconditioner"},
		{[]string{"-solver", "frob"}, 2, "unknown method"},
		{[]string{"-maxiter", "-1"}, 2, "-maxiter must not be negative"},
		{[]string{"-solver", "mg", "-pc", "ic0"}, 2, "takes no -pc"},
		{[]string{"-family", "darcy-skr", "-solver", "cg"}, 2, "not symmetric"},
		{[]string{"-solver", "rcg"}, 1, "different settings"},
		{[]string{"-seed", "8"}, 1, "different settings"},
		{[]string{"-recycle=false"}, 1, "different settings"},
	} {
		code, _, stderr := pdekit(append(append(slices.Clone(smallDarcy), "-out", dir), c.args...)...)
		assert.Equal(t, c.code, code, "%v: %s", c.args, stderr)
		assert.Contains(t, stderr, c.msg, "%v", c.args)
	}
	for f, b := range before {
		now, err := os.ReadFile(filepath.Join(dir, f))
		require.NoError(t, err)
		assert.True(t, bytes.Equal(b, now), "%s was changed by a refused run", f)
	}

	// A solve that reaches -maxiter stops the run with the sample, the
	// reason and the partial residual; no chunk is written.
	fresh := t.TempDir()
	code, _, stderr = pdekit(append(slices.Clone(smallDarcy), "-out", fresh, "-method", "cg", "-maxiter", "2")...)
	assert.Equal(t, 1, code, stderr)
	assert.Contains(t, stderr, "DIVERGED_MAX_IT")
	assert.Regexp(t, `sample \d+ \(cg\): iteration limit reached after 2 iterations`, stderr)
	npys, _ := filepath.Glob(filepath.Join(fresh, "*.npy"))
	assert.Empty(t, npys)
}

// TestNPYHeader: the header is padded to 64 bytes and 1-D shapes keep
// Python's trailing comma.
func TestNPYHeader(t *testing.T) {
	for _, shape := range [][]int{{5}, {2, 3}, {10000, 64, 64}} {
		h := npyHeader(shape)
		assert.Zero(t, len(h)%64, "%v", shape)
	}
	assert.Contains(t, string(npyHeader([]int{5})), "'shape': (5,)")
}

// TestDeployCommands: the Kubernetes Indexed Job runs the binary itself
// (the image is distroless: no shell), with the index expanded by
// Kubernetes in args; its command line and the Slurm script's parse and
// plan with -dry-run (nothing written), and run for real at a tiny size
// (later flags override earlier ones).
func TestDeployCommands(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "deploy", "k8s-datagen-job.yaml"))
	require.NoError(t, err)
	flow := func(key string) []string {
		for _, line := range strings.Split(string(raw), "\n") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(line), key+":"); ok {
				var out []string
				require.NoError(t, json.Unmarshal([]byte(strings.TrimSpace(v)), &out), "%s is a flow sequence", key)
				return out
			}
		}
		t.Fatalf("no %s in the manifest", key)
		return nil
	}
	assert.Equal(t, []string{"/pdekit"}, flow("command"), "no shell in a distroless image")
	k8s := flow("args")
	for i, a := range k8s {
		k8s[i] = strings.ReplaceAll(a, "$(JOB_COMPLETION_INDEX)", "1")
	}
	raw2, err := os.ReadFile(filepath.Join("..", "..", "deploy", "slurm-datagen.sh"))
	require.NoError(t, err)
	text := strings.ReplaceAll(string(raw2), "\\\n", " ")
	i := strings.Index(text, "datagen -family")
	require.GreaterOrEqual(t, i, 0)
	line := text[i:]
	line = line[:strings.Index(line, "-quiet")+len("-quiet")]
	line = strings.ReplaceAll(line, "${SLURM_ARRAY_TASK_ID}", "1")
	line = strings.ReplaceAll(line, "${SLURM_ARRAY_TASK_COUNT}", "8")
	line = strings.ReplaceAll(line, "\"", "")
	slurm := strings.Fields(line)
	for name, args := range map[string][]string{"k8s": k8s, "slurm": slurm} {
		out := filepath.Join(t.TempDir(), "plan")
		dry := append(slices.Clone(args), "-out", out, "-dry-run")
		code, stdout, stderr := pdekit(dry...)
		require.Equal(t, 0, code, "%s: %v: %s", name, dry, stderr)
		assert.Contains(t, stdout, "would write 10000 samples", name)
		assert.Contains(t, stdout, "5 of them in shard 1/8", name)
		assert.NoDirExists(t, out, "-dry-run writes nothing")
		tiny := append(slices.Clone(args), "-out", t.TempDir(), "-n", "20", "-grid", "8", "-chunk", "2")
		code, stdout, stderr = pdekit(tiny...)
		assert.Equal(t, 0, code, "%s: %v: %s", name, tiny, stderr)
		assert.Contains(t, stdout, " 4 systems", "%s: shard 1/8 of 10 chunks is chunks 1 and 9, 2 samples each", name)
	}
}

// TestDatagenFNO: darcy-fno writes a and u on all s×s nodes, boundary
// included (u = 0 there), a ∈ {3, 12}, and u solves the interior system
// to the tolerance.
func TestDatagenFNO(t *testing.T) {
	dir := t.TempDir()
	s := 21
	code, _, stderr := pdekit("datagen", "-family", "darcy-fno", "-grid", fmt.Sprint(s), "-n", "3", "-chunk", "3", "-seed", "5", "-quiet", "-out", dir)
	require.Equal(t, 0, code, stderr)
	shape, a := readNPY(t, filepath.Join(dir, chunkName("inputs", 0, "npy")))
	assert.Equal(t, fmt.Sprintf("3, %d, %d", s, s), shape)
	shape, u := readNPY(t, filepath.Join(dir, chunkName("solutions", 0, "npy")))
	assert.Equal(t, fmt.Sprintf("3, %d, %d", s, s), shape)
	fam, err := pde.FNODarcyFamily(s, 3, 5)
	require.NoError(t, err)
	in := s - 2
	for r := range 3 {
		p, err := fam.Problem(r)
		require.NoError(t, err)
		assert.Equal(t, p.Params, a[r*s*s:(r+1)*s*s])
		x := make([]float64, in*in)
		for i := range s {
			for j := range s {
				v := u[r*s*s+i*s+j]
				if i == 0 || j == 0 || i == s-1 || j == s-1 {
					require.Equal(t, 0.0, v)
				} else {
					x[(i-1)*in+j-1] = v
				}
			}
		}
		assert.LessOrEqual(t, relResidual(p.A, x, p.B), 1e-8)
	}
	code, _, stderr = pdekit("datagen", "-family", "darcy-fno", "-grid", "3", "-out", t.TempDir())
	assert.Equal(t, 2, code, stderr)
}

// TestDatagenRefusesBeforeWriting: a grid that cannot fit in memory is
// refused (gen and datagen, both sizes named) and -dry-run prints the
// plan; neither creates the output directory. A manifest that is a FIFO,
// a device or a long file is refused without blocking or reading it all.
func TestDatagenRefusesBeforeWriting(t *testing.T) {
	if _, ok := memcheck.Available(); !ok {
		t.Skip("available memory cannot be read on this system")
	}
	dir := filepath.Join(t.TempDir(), "out")
	code, _, stderr := pdekit("datagen", "-grid", "40000", "-n", "1", "-out", dir)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "needs about")
	assert.NoDirExists(t, dir)
	code, _, stderr = pdekit("gen", "-grid", "40000", "-A", filepath.Join(dir, "A.mtx"))
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "needs about")
	code, stdout, stderr := pdekit("datagen", "-grid", "421", "-family", "darcy-fno", "-n", "1024", "-shard", "1/3", "-dry-run", "-out", dir)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "69 chunk(s) of 15, 23 of them in shard 1/3")
	assert.NoDirExists(t, dir)

	bad := t.TempDir()
	m := filepath.Join(bad, "manifest.json")
	require.NoError(t, syscall.Mkfifo(m, 0o644))
	code, _, stderr = pdekit(append(slices.Clone(smallDarcy), "-out", bad)...)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "named pipe, not a regular file")
	require.NoError(t, os.Remove(m))
	require.NoError(t, os.Symlink("/dev/zero", m))
	code, _, stderr = pdekit(append(slices.Clone(smallDarcy), "-out", bad)...)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "device, not a regular file")
	require.NoError(t, os.Remove(m))
	require.NoError(t, os.WriteFile(m, make([]byte, 2<<20), 0o644))
	code, _, stderr = pdekit(append(slices.Clone(smallDarcy), "-out", bad)...)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "more than the 1048576")
}

// TestDatagenLockAndTemps: a run of a shard whose lock another process
// holds is refused at once and writes nothing; temporary files a killed
// run left beside its chunks are removed by the next run of that shard
// (another shard's are kept); a manifest with other settings is not
// overwritten.
func TestDatagenLockAndTemps(t *testing.T) {
	dir := t.TempDir()
	args := append(slices.Clone(smallDarcy), "-out", dir, "-shard", "1/2")
	code, _, stderr := pdekit(args...)
	require.Equal(t, 0, code, stderr)
	release, err := lockFile(filepath.Join(dir, ".lock-shard-1-of-2"))
	require.NoError(t, err)
	// flock locks are per open file: a second open in this process
	// conflicts like another process would.
	code, _, stderr = pdekit(args...)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "being written by another run")
	release()

	own := filepath.Join(dir, "inputs-00001.npy.999.tmp")
	other := filepath.Join(dir, "inputs-00000.npy.999.tmp")
	shared := filepath.Join(dir, "manifest.json.999.tmp")
	for _, f := range []string{own, other, shared} {
		require.NoError(t, os.WriteFile(f, []byte("partial"), 0o644))
	}
	code, _, stderr = pdekit(args...)
	require.Equal(t, 0, code, stderr)
	assert.NoFileExists(t, own)
	assert.FileExists(t, other)
	assert.FileExists(t, shared)

	// A manifest with other settings is never overwritten.
	fresh := t.TempDir()
	m := Manifest{Format: manifestFormat, Family: "darcy", Grid: 5, N: 1, Chunk: 1, Chunks: 1}
	require.NoError(t, checkManifest(fresh, m))
	m2 := m
	m2.Seed = 9
	assert.ErrorContains(t, checkManifest(fresh, m2), "different settings")
}

// TestDatagenKilled: a run killed with SIGKILL mid-way (no chance to
// clean up) leaves a directory that the next run resumes — its lock gone
// with the process, complete chunks kept, the rest redone — into exactly
// the data of an uninterrupted run, with no temporary file left.
func TestDatagenKilled(t *testing.T) {
	self, err := os.Executable()
	require.NoError(t, err)
	args := []string{"datagen", "-family", "darcy", "-grid", "40", "-n", "60", "-chunk", "2", "-seed", "3", "-quiet", "-solver", "cg"}
	ref := t.TempDir()
	start := time.Now()
	code, _, stderr := pdekit(append(slices.Clone(args), "-out", ref)...)
	require.Equal(t, 0, code, stderr)
	full := time.Since(start)
	start1 := func(dir string) *exec.Cmd {
		cmd := exec.Command(self)
		cmd.Env = append(os.Environ(), "PDEKIT_MAIN_ARGS="+strings.Join(append(slices.Clone(args), "-out", dir), " "))
		require.NoError(t, cmd.Start())
		return cmd
	}

	// Killed once a few chunks are complete (or when it has finished:
	// the resume is then a no-op and the comparison still holds).
	dir := t.TempDir()
	cmd := start1(dir)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		done, _ := filepath.Glob(filepath.Join(dir, "chunk-*.json"))
		if len(done) >= 3 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	cmd.Wait()
	done, _ := filepath.Glob(filepath.Join(dir, "chunk-*.json"))
	t.Logf("killed after %d of 30 chunks", len(done))
	code, _, stderr = pdekit(append(slices.Clone(args), "-out", dir)...)
	require.Equal(t, 0, code, stderr)
	tmps, _ := filepath.Glob(filepath.Join(dir, "*.tmp"))
	assert.Empty(t, tmps)
	sameData(t, ref, dir)

	// Killed at random moments (seeded), twice per directory — in the
	// first run and again in the resumed one — then resumed to the end:
	// the same bytes as the uninterrupted run every time.
	rng := rand.New(rand.NewPCG(7, 8))
	for trial := range 4 {
		dir := t.TempDir()
		for kill := range 2 {
			cmd := start1(dir)
			time.Sleep(time.Duration(rng.Float64() * float64(full)))
			cmd.Process.Signal(syscall.SIGKILL) // it may have finished already
			cmd.Wait()
			done, _ := filepath.Glob(filepath.Join(dir, "chunk-*.json"))
			t.Logf("trial %d kill %d: %d of 30 chunks complete", trial, kill, len(done))
		}
		code, _, stderr = pdekit(append(slices.Clone(args), "-out", dir)...)
		require.Equal(t, 0, code, stderr)
		sameData(t, ref, dir)
	}
}

// TestDatagenUnwritable: an output directory that cannot be created or
// written is a clear error before any solve, and leaves nothing behind.
func TestDatagenUnwritable(t *testing.T) {
	base := t.TempDir()
	file := filepath.Join(base, "file")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o644))
	args := []string{"datagen", "-family", "darcy", "-grid", "8", "-n", "4", "-seed", "1", "-quiet"}
	// A path below a regular file (refused even for root).
	code, _, stderr := pdekit(append(slices.Clone(args), "-out", filepath.Join(file, "data"))...)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "not a directory")
	if os.Geteuid() != 0 { // root writes through permission bits
		ro := filepath.Join(base, "ro")
		require.NoError(t, os.Mkdir(ro, 0o555))
		code, _, stderr = pdekit(append(slices.Clone(args), "-out", ro)...)
		assert.Equal(t, 1, code)
		assert.Contains(t, stderr, "permission denied")
		entries, _ := os.ReadDir(ro)
		assert.Empty(t, entries)
	}
}

func relResidual(a *sparse.CSR, x, b []float64) float64 {
	r := make([]float64, len(b))
	a.MulVecTo(r, x)
	var rr, bb float64
	for i := range r {
		rr += (b[i] - r[i]) * (b[i] - r[i])
		bb += b[i] * b[i]
	}
	return math.Sqrt(rr / bb)
}

// TestDatagenHeatAndHelmholtz: heat trajectories are [sample, steps+1,
// s, s] with step 0 = u₀ = the input and every later step the
// Crank–Nicolson solve from the one before (to -rtol); helmholtz-skr
// solutions solve L·diag(a)·u − k²u = 1 with the k the chunk record
// lists.
func TestDatagenHeatAndHelmholtz(t *testing.T) {
	const s, steps = 10, 4
	dir := t.TempDir()
	code, _, stderr := pdekit("datagen", "-family", "heat", "-grid", "10", "-n", "5", "-chunk", "3", "-steps", "4", "-dt", "0.01", "-seed", "2", "-quiet", "-out", dir)
	require.Equal(t, 0, code, stderr)
	fam, step, err := pde.HeatFamily(s, 5, 2, 0.01, pde.GRF{})
	require.NoError(t, err)
	for j, count := range []int{3, 2} {
		shape, in := readNPY(t, filepath.Join(dir, chunkName("inputs", j, "npy")))
		assert.Equal(t, fmt.Sprintf("%d, 10, 10", count), shape)
		shape, u := readNPY(t, filepath.Join(dir, chunkName("solutions", j, "npy")))
		assert.Equal(t, fmt.Sprintf("%d, 5, 10, 10", count), shape)
		for r := range count {
			p, err := fam.Problem(3*j + r)
			require.NoError(t, err)
			traj := u[r*(steps+1)*s*s : (r+1)*(steps+1)*s*s]
			assert.Equal(t, p.Params, in[r*s*s:(r+1)*s*s])
			assert.Equal(t, p.Params, traj[:s*s], "step 0 is u₀")
			b := make([]float64, s*s)
			for k := 1; k <= steps; k++ {
				step.RHSTo(b, traj[(k-1)*s*s:k*s*s], nil, nil)
				assert.LessOrEqual(t, relResidual(step.LHS, traj[k*s*s:(k+1)*s*s], b), 1e-8, "sample %d step %d", 3*j+r, k)
			}
		}
	}
	code, _, stderr = pdekit("datagen", "-family", "heat", "-grid", "10", "-n", "5", "-solver", "gcrot", "-out", t.TempDir())
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "use -method mg")
	code, _, stderr = pdekit("datagen", "-family", "heat", "-grid", "10", "-n", "5", "-dt", "-1", "-out", t.TempDir())
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "-dt")

	hz := t.TempDir()
	code, _, stderr = pdekit("datagen", "-family", "helmholtz-skr", "-grid", "10", "-n", "4", "-chunk", "4", "-seed", "5", "-quiet", "-out", hz)
	require.Equal(t, 0, code, stderr)
	hf, err := pde.HelmholtzFamily(s, 4, 5, 1, pde.DarcyOptions{Form: pde.DarcyNonsymmetric})
	require.NoError(t, err)
	raw, err := os.ReadFile(filepath.Join(hz, chunkName("chunk", 0, "json")))
	require.NoError(t, err)
	var st ChunkStats
	require.NoError(t, json.Unmarshal(raw, &st))
	assert.Equal(t, "gcrot", st.Solver)
	require.Len(t, st.K, 4)
	_, u := readNPY(t, filepath.Join(hz, chunkName("solutions", 0, "npy")))
	for r := range 4 {
		p, err := hf.Problem(r)
		require.NoError(t, err)
		assert.Equal(t, p.Params[s*s], st.K[r])
		assert.LessOrEqual(t, relResidual(p.A, u[r*s*s:(r+1)*s*s], p.B), 1e-8)
	}
	code, _, stderr = pdekit("datagen", "-family", "helmholtz-skr", "-grid", "10", "-n", "4", "-solver", "mg", "-out", t.TempDir())
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "not symmetric")
}

// TestProgressOnlyOnTerminals: the progress bar (systems/s, ETA) is drawn
// on a terminal only; a log file or a pipe gets the summary line alone.
func TestProgressOnlyOnTerminals(t *testing.T) {
	var buf bytes.Buffer
	assert.False(t, isTerminal(&buf))
	f, err := os.CreateTemp(t.TempDir(), "log")
	require.NoError(t, err)
	defer f.Close()
	assert.False(t, isTerminal(f))
	args := []string{"datagen", "-grid", "8", "-n", "4", "-chunk", "2", "-out", t.TempDir()}
	code := run(args, io.Discard, f)
	require.Equal(t, 0, code)
	raw, err := os.ReadFile(f.Name())
	require.NoError(t, err)
	assert.NotContains(t, string(raw), "ETA")
	bar := progress{w: &buf, total: 4, start: time.Now().Add(-time.Second)}
	bar.add(4)
	assert.Contains(t, buf.String(), "ETA 0 s")
	assert.Contains(t, buf.String(), "4/4 systems")
}

// TestDatagenConcurrentSeeds: two processes started at once on one
// directory with different seeds never both succeed, and the directory
// then holds exactly the winner's data (five trials: the manifest is
// created exclusively, so the loser sees the winner's and is refused).
func TestDatagenConcurrentSeeds(t *testing.T) {
	self, err := os.Executable()
	require.NoError(t, err)
	for trial := range 5 {
		dir := t.TempDir()
		var procs []*exec.Cmd
		var outs []*bytes.Buffer
		for _, seed := range []string{"1", "2"} {
			args := []string{"datagen", "-grid", "10", "-n", "6", "-chunk", "2", "-quiet", "-seed", seed, "-out", dir}
			cmd := exec.Command(self)
			cmd.Env = append(os.Environ(), "PDEKIT_MAIN_ARGS="+strings.Join(args, " "))
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			require.NoError(t, cmd.Start())
			procs, outs = append(procs, cmd), append(outs, &out)
		}
		ok := 0
		winner := ""
		for k, p := range procs {
			if p.Wait() == nil {
				ok++
				winner = []string{"1", "2"}[k]
			} else {
				assert.Contains(t, outs[k].String(), "different settings", "trial %d", trial)
			}
		}
		require.Equal(t, 1, ok, "trial %d: exactly one run succeeds", trial)
		ref := t.TempDir()
		code, _, stderr := pdekit("datagen", "-grid", "10", "-n", "6", "-chunk", "2", "-quiet", "-seed", winner, "-out", ref)
		require.Equal(t, 0, code, stderr)
		sameData(t, ref, dir)
	}
}
