package linsolve

import "sync"

// workPool hands out work space to concurrent callers. The first caller
// at any moment gets the owned item, which the garbage collector never
// reclaims (a sync.Pool alone drops its items at each collection, and a
// multigrid hierarchy's vectors at n = 10⁶ are tens of megabytes to
// reallocate); callers arriving while it is in use get one from the pool.
type workPool[T any] struct {
	mu    sync.Mutex
	own   *T
	extra sync.Pool
	make  func() *T
}

func newWorkPool[T any](make func() *T) *workPool[T] {
	return &workPool[T]{make: make}
}

func (p *workPool[T]) get() *T {
	if p.mu.TryLock() {
		if p.own == nil {
			p.own = p.make()
		}
		return p.own
	}
	if w, ok := p.extra.Get().(*T); ok {
		return w
	}
	return p.make()
}

func (p *workPool[T]) put(w *T) {
	if w == p.own {
		p.mu.Unlock()
		return
	}
	p.extra.Put(w)
}
