package bot

import (
	"context"
	"sync"
)

// dispatcher runs jobs: those with the same key one at a time in the order
// submitted, those with different keys in parallel, at most workers at once.
// A chat's queue has a goroutine only while it has work.
type dispatcher struct {
	sem chan struct{}

	mu     sync.Mutex
	queues map[int64][]func()
	closed bool
	wg     sync.WaitGroup
}

func newDispatcher(workers int) *dispatcher {
	return &dispatcher{sem: make(chan struct{}, workers), queues: map[int64][]func(){}}
}

// submit queues f under key. It reports false once the dispatcher is
// closed. f must not panic (wrap it).
func (d *dispatcher) submit(key int64, f func()) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return false
	}
	q, running := d.queues[key]
	d.queues[key] = append(q, f)
	if !running {
		d.wg.Add(1)
		go d.drain(key)
	}
	return true
}

func (d *dispatcher) drain(key int64) {
	defer d.wg.Done()
	for {
		d.mu.Lock()
		q := d.queues[key]
		if len(q) == 0 {
			delete(d.queues, key)
			d.mu.Unlock()
			return
		}
		f := q[0]
		q[0] = nil
		d.queues[key] = q[1:]
		d.mu.Unlock()

		d.sem <- struct{}{}
		f()
		<-d.sem
	}
}

// close refuses new jobs and waits for the queued ones until ctx is done.
// It reports whether everything finished.
func (d *dispatcher) close(ctx context.Context) bool {
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
	done := make(chan struct{})
	go func() {
		d.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-ctx.Done():
		return false
	}
}

// outside runs f without holding a worker: a job that waits on something
// slow and bounded elsewhere (a picture being downloaded and read) keeps
// its key's order but lets other keys' jobs run. Only a job the
// dispatcher is running may call it.
func (d *dispatcher) outside(f func()) {
	<-d.sem
	defer func() { d.sem <- struct{}{} }()
	f()
}
