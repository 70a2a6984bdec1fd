// Package parallel runs the two halves of a loop on two goroutines
// without allocating: the caller owns a Job whose Task splits its own
// work, and a fixed pool of GOMAXPROCS−1 workers, started once, picks jobs
// up. When no worker is free (all busy, or GOMAXPROCS = 1), the caller runs
// the second half itself, so a call never waits for another caller.
package parallel

import (
	"runtime"
	"sync"
)

// Task is a piece of work; Run(part, parts) does part of parts.
type Task interface {
	Run(part, parts int)
}

// Job pairs a task with the channel its helper signals on. The zero Job
// is not usable; call NewJob. A Job must not be used by two goroutines at
// once.
type Job struct {
	task Task
	done chan struct{}
}

// NewJob returns a Job for t.
func NewJob(t Task) *Job { return &Job{task: t, done: make(chan struct{}, 1)} }

var (
	once  sync.Once
	work  chan *Job
	procs int
)

func start() {
	procs = runtime.GOMAXPROCS(0)
	work = make(chan *Job)
	for range procs - 1 {
		go func() {
			for j := range work {
				j.task.Run(1, 2)
				j.done <- struct{}{}
			}
		}()
	}
}

// Workers returns how many goroutines Run2 may use (1 means sequential).
func Workers() int {
	once.Do(start)
	return min(procs, 2)
}

// Run2 runs j's task as two parts, the first on the calling goroutine
// and the second on a pool worker if one is free, and returns when both
// are done.
func Run2(j *Job) {
	once.Do(start)
	if procs > 1 {
		select {
		case work <- j:
			j.task.Run(0, 2)
			<-j.done
			return
		default:
		}
	}
	j.task.Run(0, 2)
	j.task.Run(1, 2)
}

// Range returns the bounds of part of parts of [0, n).
func Range(n, part, parts int) (lo, hi int) {
	return part * n / parts, (part + 1) * n / parts
}
