// goroutines.go: the workloads of bench/goroutines.c in Go, the anchor that
// bench/goroutines.sh measures our goroutine runtime against. Built with
// Debian's golang-go (Go 1.19) as a single file (GO111MODULE=off).
//
// The workloads, the output line and the argv are those of goroutines.c,
// whose top comment describes them; this file keeps them line for line, so
// that both programs do the same work: the same number of goroutines,
// channel operations, stack frames and 64-bit integers. Each workload runs
// in the main goroutine (in goroutines.c, the main goroutine of escrt_run),
// timed by the monotonic clock around the workload alone, and prints one
// line:
//
//	WORKLOAD seconds=S gomaxprocs=P [NAME=VALUE...]
//
// Everything but seconds= and bytes_per_goroutine= must be the same in both
// programs; the script checks it.
//
// usage: goroutines spawn | idle | pingpong | sieve | deep
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	spawnGoroutines = 1000000
	idleGoroutines  = 100000
	idleSettle      = 20 * time.Millisecond // for the last ones to reach the receive
	pingpongTrips   = 1000000
	sievePrimes     = 5000 // the 5000th prime is 48611
	deepDepth       = 1000000
)

// ---- spawn: start a million goroutines that each do one wg.Done ----

var spawnWG sync.WaitGroup

func spawnOne() { spawnWG.Done() }

func spawn() string {
	for i := 0; i < spawnGoroutines; i++ {
		spawnWG.Add(1)
		go spawnOne()
	}
	spawnWG.Wait()
	return fmt.Sprintf("goroutines=%d", spawnGoroutines)
}

// ---- idle: the memory of 100,000 goroutines parked on a receive ----

var (
	idleChan   chan int64
	idleParked sync.WaitGroup // each goroutine is about to receive
	idleExited sync.WaitGroup
)

func idleOne() {
	idleParked.Done()
	<-idleChan
	idleExited.Done()
}

// rssBytes returns the resident set size, from the second field of
// /proc/self/statm (in pages).
func rssBytes() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		fatal(err.Error())
	}
	f := strings.Fields(string(b))
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		fatal(err.Error())
	}
	return pages * int64(os.Getpagesize())
}

// idle adds the settling (and the RSS read with everything parked) to
// untimed: the time is that of the spawns until all have signalled, plus
// the close until all have exited.
func idle() string {
	idleChan = make(chan int64)
	rss0 := rssBytes()
	idleParked.Add(idleGoroutines)
	idleExited.Add(idleGoroutines)
	for i := 0; i < idleGoroutines; i++ {
		go idleOne()
	}
	idleParked.Wait()
	t0 := time.Now()
	for runtime.NumGoroutine() < idleGoroutines+1 {
		runtime.Gosched()
	}
	time.Sleep(idleSettle)
	rss1 := rssBytes()
	untimed = time.Since(t0)
	close(idleChan)
	idleExited.Wait()
	return fmt.Sprintf("goroutines=%d bytes_per_goroutine=%d", idleGoroutines,
		(rss1-rss0)/idleGoroutines)
}

// ---- pingpong: a million round trips between two goroutines ----

var pongExited sync.WaitGroup

func ponger(ping <-chan int64, pong chan<- int64) {
	for v := range ping {
		pong <- v + 1
	}
	pongExited.Done()
}

func pingpong() string {
	ping, pong := make(chan int64), make(chan int64)
	pongExited.Add(1)
	go ponger(ping, pong)
	var sum int64
	for i := int64(0); i < pingpongTrips; i++ {
		ping <- i
		sum += <-pong
	}
	close(ping)
	pongExited.Wait()
	return fmt.Sprintf("roundtrips=%d sum=%d", pingpongTrips, sum)
}

// ---- sieve: the concurrent prime sieve of Go's documentation ----

// generate sends 2, 3, 4, ... to ch.
func generate(ch chan<- int64) {
	for i := int64(2); ; i++ {
		ch <- i
	}
}

// filter copies the values from in to out, removing those divisible by
// prime.
func filter(in <-chan int64, out chan<- int64, prime int64) {
	for {
		i := <-in
		if i%prime != 0 {
			out <- i
		}
	}
}

// sieve prints the first sievePrimes primes' last; the generator and the
// filters stay blocked when it returns.
func sieve() string {
	ch := make(chan int64)
	go generate(ch)
	var prime int64
	for i := 0; i < sievePrimes; i++ {
		prime = <-ch
		ch1 := make(chan int64)
		go filter(ch, ch1, prime)
		ch = ch1
	}
	return fmt.Sprintf("primes=%d last_prime=%d", sievePrimes, prime)
}

// ---- deep: one goroutine recursing a million frames deep ----

var (
	deepExited sync.WaitGroup
	deepSum    uint64
)

// deep recurses n frames deeper, each with 64 bytes of locals that it
// writes and reads back after the call returns.
//
//go:noinline
func deep(n uint64) uint64 {
	var buf [64]byte
	for i := range buf {
		buf[i] = byte(n + uint64(i))
	}
	if n == 0 {
		return uint64(buf[63])
	}
	r := deep(n - 1)
	return r + uint64(buf[n&63])
}

func deepMain() {
	deepSum = deep(deepDepth)
	deepExited.Done()
}

func deepRun() string {
	deepExited.Add(1)
	go deepMain()
	deepExited.Wait()
	return fmt.Sprintf("depth=%d checksum=%d", deepDepth, deepSum)
}

// ---- main ----

func fatal(msg string) {
	fmt.Fprintf(os.Stderr, "goroutines: %s\n", msg)
	os.Exit(2)
}

// untimed is the time a workload excludes from its own.
var untimed time.Duration

func main() {
	workloads := map[string]func() string{
		"spawn": spawn, "idle": idle, "pingpong": pingpong, "sieve": sieve,
		"deep": deepRun,
	}
	if len(os.Args) != 2 || workloads[os.Args[1]] == nil {
		fatal("usage: goroutines spawn | idle | pingpong | sieve | deep")
	}
	t0 := time.Now()
	extra := workloads[os.Args[1]]()
	elapsed := time.Since(t0) - untimed
	fmt.Printf("%s seconds=%.6f gomaxprocs=%d %s\n", os.Args[1],
		elapsed.Seconds(), runtime.GOMAXPROCS(0), extra)
}
