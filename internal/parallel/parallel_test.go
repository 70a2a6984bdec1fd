package parallel

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

type sum struct {
	x    []float64
	part [2]float64
}

func (s *sum) Run(part, parts int) {
	lo, hi := Range(len(s.x), part, parts)
	var t float64
	for _, v := range s.x[lo:hi] {
		t += v
	}
	s.part[part] = t
}

func TestRun2(t *testing.T) {
	s := &sum{x: make([]float64, 1001)}
	for i := range s.x {
		s.x[i] = float64(i)
	}
	j := NewJob(s)
	for range 100 {
		Run2(j)
		assert.Equal(t, 1000.0*1001/2, s.part[0]+s.part[1])
	}
	assert.Equal(t, 0.0, testing.AllocsPerRun(100, func() { Run2(j) }))
	lo, hi := Range(10, 1, 2)
	assert.Equal(t, [2]int{5, 10}, [2]int{lo, hi})
	assert.GreaterOrEqual(t, Workers(), 1)
}

// Concurrent callers never deadlock: a busy pool means sequential runs.
func TestRun2Concurrent(t *testing.T) {
	done := make(chan bool)
	for range 8 {
		go func() {
			s := &sum{x: make([]float64, 100)}
			for i := range s.x {
				s.x[i] = float64(i)
			}
			j := NewJob(s)
			for range 1000 {
				Run2(j)
			}
			done <- s.part[0]+s.part[1] == 4950
		}()
	}
	for range 8 {
		assert.True(t, <-done)
	}
}
