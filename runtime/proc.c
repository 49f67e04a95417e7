// Goroutine scheduler.
//
// Go's proc.go, in C. The scheduler's job is to distribute ready-to-run
// goroutines over worker threads. The main concepts are:
//
//	G - goroutine: a function running on its own small stack (stack.c,
//	    stackcopy.c), suspended in a gobuf when not running (gobuf.c).
//	M - worker thread, or machine. Its own pthread stack is g0, where the
//	    scheduler itself runs.
//	P - processor, a resource that is required to execute goroutines. An M
//	    must hold a P to run a G; there are GOMAXPROCS Ps. A P has a local
//	    run queue of 256 and a runnext slot, and a free list of dead Gs.
//
// An M runs mstart: find a runnable G (findrunnable), switch to it
// (execute), and when the G switches back to g0, do what it asked (m.action,
// Go's mcall functions): park it (running the unlock function that releases
// the channel lock it held, now that its registers are saved, so that no
// other M can resume it half-switched), put it on the global queue
// (gosched), grow its stack (morestack), or free it (goexit). Every switch
// goes through g0: two switches per handoff, as in Go.
//
// Finding work follows Go: runnext, then the local queue (the global queue
// first every 61st time, for fairness), then the global queue, then, as a
// spinning M, stealing half of another P's queue (its runnext too, at the
// last attempt, after giving its owner 3 us to run it). An M that finds
// nothing gives up its P, spins for 20 us, and sleeps on a futex. Readying a G
// puts it in runnext of the readier's P and wakes an idle P's M if no M is
// spinning (wakep): Go's conservative wakeup policy, which keeps at most one
// spinning M and lets parallelism ramp up when work is found. Timers (time.c)
// are run by whichever M looks for work; the last M to sleep sleeps until the
// next timer.
//
// Deadlock: when the last P goes idle while an escrt_run caller waits for
// its main goroutine, with no runnable G and no sleeping one, every
// goroutine is blocked for good: "fatal error: all goroutines are asleep -
// deadlock!", exit status 2, as Go's checkdead. A goroutine inside a
// system call or in escrt_systemstack holds its P, so it is never counted
// as asleep.
//
// Preemption: sysmon, a thread of its own, asks a goroutine that has run
// for 10 ms to yield at its next stack check (Go's stackPreempt).
//
// Code that may go deep (allocation, thread creation, the run queue's slow
// path) runs on the system stack: newproc and goready switch to g0's stack
// first (gobuf_systemstack), as Go's systemstack does, so that the 2 KB
// goroutine stacks need only the guard's headroom for the runtime.
#define _GNU_SOURCE // sched_getaffinity
#include "runtime.h"

#include "escape/go.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

// Dead Gs a P keeps for reuse before it moves half to the global list, and
// dead Gs the global list keeps before it frees them (with their stacks).
#define GFREE_LOCAL_MAX 64
#define GFREE_GLOBAL_MAX 4096
// Steal attempts over all Ps before an M gives up (Go's stealTries).
#define STEAL_TRIES 4
// How long an M with nothing to do spins before it sleeps: about what a
// futex wake-up costs the waker and the woken together.
#define IDLE_SPIN_NS 20000
// How long a thief waits for a running P to take its own runnext before
// it steals it (Go's usleep(3) in runqgrab).
#define RUNNEXT_GRACE_NS 3000
// How often sysmon looks for a goroutine that has run too long: one that
// has been running since its last look is asked to yield (Go's forcePreemptNS
// is 10 ms too).
#define SYSMON_PERIOD_US 10000
// The stack guard that makes the next check fail, so that the goroutine
// calls escrt_morestack and yields there (Go's stackPreempt).
#define STACK_PREEMPT UINTPTR_MAX
// GOMAXPROCS beyond this is taken as this.
#define MAX_GOMAXPROCS 256

__thread g *tls_g;
__thread m *tls_m;
__thread uintptr_t escrt_stackguard;

// runwait is an escrt_run caller waiting for its main goroutine.
typedef struct runwait {
  _Atomic uint32_t done;
} runwait;

static struct {
  mutex lock;
  g *runq_head, *runq_tail; // the global run queue
  _Atomic int32_t runq_size;
  p *pidle; // idle Ps
  _Atomic int32_t npidle;
  m *midle; // idle Ms
  int32_t mcount;
  _Atomic(m *) allm; // every M, newest first; Ms are never freed
  _Atomic int32_t nmspinning;
  g *gfree; // dead Gs
  int32_t ngfree;
  int32_t nmain; // escrt_run callers waiting
  p *allp;
  int32_t gomaxprocs;
  _Atomic int64_t goidgen;
  _Atomic int64_t ngoroutine;
} sched;

static pthread_once_t sched_once = PTHREAD_ONCE_INIT;

// ---------------------------------------------------------------------------
// Clocks, random numbers
// ---------------------------------------------------------------------------

int64_t nanotime(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static __thread uint64_t rand_state;

// fastrandn returns a pseudo-random number in [0, n) (Go's fastrandn:
// wyrand, and Lemire's multiply-shift instead of a modulo).
uint32_t fastrandn(uint32_t n) {
  if (unlikely(rand_state == 0))
    rand_state = (uint64_t)nanotime() ^ (uintptr_t)&rand_state;
  rand_state += 0xa0761d6478bd642full;
  __uint128_t t =
      (__uint128_t)rand_state * (rand_state ^ 0xe7037ed1a0b428dbull);
  uint32_t r = (uint32_t)((uint64_t)(t >> 64) ^ (uint64_t)t);
  return (uint32_t)(((uint64_t)r * n) >> 32);
}

// ---------------------------------------------------------------------------
// Initialization
// ---------------------------------------------------------------------------

static int32_t ncpu(void) {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
    return CPU_COUNT(&set);
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int32_t)n : 1;
}

// read_gomaxprocs reads GOMAXPROCS as Go does: a positive decimal number,
// anything else ignored.
static int32_t read_gomaxprocs(void) {
  int32_t n = ncpu();
  const char *env = getenv("GOMAXPROCS");
  if (env != NULL && *env != '\0') {
    char *end;
    errno = 0;
    long v = strtol(env, &end, 10);
    if (errno == 0 && *end == '\0' && v > 0)
      n = v > MAX_GOMAXPROCS ? MAX_GOMAXPROCS : (int32_t)v;
  }
  return n > MAX_GOMAXPROCS ? MAX_GOMAXPROCS : n;
}

// sysmon is Go's system monitor, for preemption only: every
// SYSMON_PERIOD_US it asks each M whose goroutine has been running since
// its last look to yield, by poisoning the M's stack guard. The goroutine
// yields at its next ESCRT_STACK_CHECK (escrt_morestack). Code without
// checks (a loop that calls nothing escape-cc compiled) is not preempted.
// A request may land after the M switched goroutines; the next one then
// yields once, early, which is harmless.
static void *sysmon(void *arg) {
  (void)arg;
  for (;;) {
    usleep(SYSMON_PERIOD_US);
    for (m *mp = atomic_load(&sched.allm); mp != NULL; mp = mp->alllink) {
      uint32_t ticks = atomic_load_explicit(&mp->ticks, memory_order_relaxed);
      uintptr_t *guardp = atomic_load(&mp->guardp);
      if (__atomic_load_n(&mp->curg, __ATOMIC_RELAXED) != NULL &&
          ticks == mp->sysmon_ticks && guardp != NULL) {
        atomic_store(&mp->preempt, true);
        __atomic_store_n(guardp, STACK_PREEMPT, __ATOMIC_RELAXED);
      }
      mp->sysmon_ticks = ticks;
    }
  }
  return NULL;
}

static void schedinit(void) {
  if (!malloc_init())
    fatal("out of memory");
  sched.gomaxprocs = read_gomaxprocs();
  // Ps are cache-line aligned (runtime.h).
  char *mem = persistent_alloc(sizeof(p) * (size_t)sched.gomaxprocs + 64);
  if (mem == NULL)
    fatal("out of memory");
  sched.allp = (p *)(((uintptr_t)mem + 63) & ~(uintptr_t)63);
  for (int32_t i = sched.gomaxprocs - 1; i >= 0; i--) {
    p *pp = &sched.allp[i];
    memset(pp, 0, sizeof *pp);
    pp->id = i;
    pp->link = sched.pidle;
    sched.pidle = pp;
  }
  sched.npidle = sched.gomaxprocs;
  if (newosproc(sysmon, NULL, 64 << 10) != 0)
    fatal("newosproc: cannot create a thread");
}

void procs_init(void) { pthread_once(&sched_once, schedinit); }

// ---------------------------------------------------------------------------
// Run queues (Go's runqput, runqget, runqgrab, runqsteal)
// ---------------------------------------------------------------------------

static inline g *slot_load(p *pp, uint32_t i) {
  return __atomic_load_n(&pp->runq[i % RUNQ_SIZE], __ATOMIC_RELAXED);
}
static inline void slot_store(p *pp, uint32_t i, g *gp) {
  __atomic_store_n(&pp->runq[i % RUNQ_SIZE], gp, __ATOMIC_RELAXED);
}

// globrunqput puts a batch of n Gs linked through schedlink on the global
// queue. sched.lock is held.
static void globrunqput_batch(g *head, g *tail, int32_t n) {
  tail->schedlink = NULL;
  if (sched.runq_tail != NULL)
    sched.runq_tail->schedlink = head;
  else
    sched.runq_head = head;
  sched.runq_tail = tail;
  atomic_fetch_add(&sched.runq_size, n);
}

// runqput_slow moves half of pp's full local queue and gp to the global
// queue. It fails if a thief got there first.
static bool runqput_slow(p *pp, g *gp, uint32_t h, uint32_t t) {
  g *batch[RUNQ_SIZE / 2 + 1];
  uint32_t n = (t - h) / 2;
  for (uint32_t i = 0; i < n; i++)
    batch[i] = slot_load(pp, h + i);
  if (!atomic_compare_exchange_strong_explicit(
          &pp->runqhead, &h, h + n, memory_order_release, memory_order_relaxed))
    return false;
  batch[n] = gp;
  for (uint32_t i = 0; i < n; i++)
    batch[i]->schedlink = batch[i + 1];
  mutex_lock(&sched.lock);
  globrunqput_batch(batch[0], batch[n], (int32_t)n + 1);
  mutex_unlock(&sched.lock);
  return true;
}

// runqput puts gp on pp's local queue, or in runnext (kicking the previous
// runnext to the queue's tail). Only pp's owner calls it. It returns
// whether the queue was full and half of it went to the global queue.
static bool runqput(p *pp, g *gp, bool next) {
  if (next) {
    gp = atomic_exchange(&pp->runnext, gp);
    if (gp == NULL)
      return false;
  }
  for (;;) {
    uint32_t h = atomic_load_explicit(&pp->runqhead, memory_order_acquire);
    uint32_t t = atomic_load_explicit(&pp->runqtail, memory_order_relaxed);
    if (t - h < RUNQ_SIZE) {
      slot_store(pp, t, gp);
      atomic_store_explicit(&pp->runqtail, t + 1, memory_order_release);
      return false;
    }
    if (runqput_slow(pp, gp, h, t))
      return true;
  }
}

// runqget takes the next G of pp's local queue. Only pp's owner calls it.
static g *runqget(p *pp) {
  g *next = atomic_load_explicit(&pp->runnext, memory_order_relaxed);
  if (next != NULL && atomic_compare_exchange_strong(&pp->runnext, &next, NULL))
    return next;
  for (;;) {
    uint32_t h = atomic_load_explicit(&pp->runqhead, memory_order_acquire);
    uint32_t t = atomic_load_explicit(&pp->runqtail, memory_order_relaxed);
    if (t == h)
      return NULL;
    g *gp = slot_load(pp, h);
    if (atomic_compare_exchange_strong_explicit(&pp->runqhead, &h, h + 1,
                                                memory_order_release,
                                                memory_order_relaxed))
      return gp;
  }
}

static bool runqempty(p *pp) {
  return atomic_load(&pp->runqtail) == atomic_load(&pp->runqhead) &&
         atomic_load(&pp->runnext) == NULL;
}

// runqgrab takes half of victim's queue into thief's ring from position
// at; with steal_next, victim's runnext if the queue is empty.
static uint32_t runqgrab(p *victim, p *thief, uint32_t at, bool steal_next) {
  for (;;) {
    uint32_t h = atomic_load_explicit(&victim->runqhead, memory_order_acquire);
    uint32_t t = atomic_load_explicit(&victim->runqtail, memory_order_acquire);
    uint32_t n = t - h;
    n = n - n / 2;
    if (n == 0) {
      if (!steal_next)
        return 0;
      g *next = atomic_load(&victim->runnext);
      if (next == NULL)
        return 0;
      // The victim is about to run it, most likely (it just readied it):
      // give it the time to, rather than move the goroutine to this P.
      int64_t until = nanotime() + RUNNEXT_GRACE_NS;
      while (atomic_load(&victim->runnext) == next && nanotime() < until)
        cpu_relax();
      if (!atomic_compare_exchange_strong(&victim->runnext, &next, NULL))
        continue;
      slot_store(thief, at, next);
      return 1;
    }
    if (n > RUNQ_SIZE / 2) // read an inconsistent h and t
      continue;
    for (uint32_t i = 0; i < n; i++)
      slot_store(thief, at + i, slot_load(victim, h + i));
    if (atomic_compare_exchange_strong_explicit(&victim->runqhead, &h, h + n,
                                                memory_order_release,
                                                memory_order_relaxed))
      return n;
  }
}

// runqsteal steals half of victim's queue into pp's and returns one G.
static g *runqsteal(p *pp, p *victim, bool steal_next) {
  uint32_t t = atomic_load_explicit(&pp->runqtail, memory_order_relaxed);
  uint32_t n = runqgrab(victim, pp, t, steal_next);
  if (n == 0)
    return NULL;
  n--;
  g *gp = slot_load(pp, t + n);
  if (n == 0)
    return gp;
  atomic_store_explicit(&pp->runqtail, t + n, memory_order_release);
  return gp;
}

// globrunqget takes a batch from the global queue for pp: one G to run and
// the rest to pp's local queue. sched.lock is held.
static g *globrunqget(p *pp, int32_t max) {
  int32_t size = atomic_load(&sched.runq_size);
  if (size == 0)
    return NULL;
  int32_t n = size / sched.gomaxprocs + 1;
  if (n > size)
    n = size;
  if (max > 0 && n > max)
    n = max;
  if (n > RUNQ_SIZE / 2)
    n = RUNQ_SIZE / 2;
  atomic_fetch_sub(&sched.runq_size, n);
  g *gp = sched.runq_head;
  sched.runq_head = gp->schedlink;
  for (int32_t i = 1; i < n; i++) {
    g *next = sched.runq_head;
    sched.runq_head = next->schedlink;
    runqput(pp, next, false);
  }
  if (sched.runq_head == NULL)
    sched.runq_tail = NULL;
  return gp;
}

// ---------------------------------------------------------------------------
// Idle Ps and Ms
// ---------------------------------------------------------------------------

// pidleget and pidleput: sched.lock is held.
static p *pidleget(void) {
  p *pp = sched.pidle;
  if (pp != NULL) {
    sched.pidle = pp->link;
    atomic_fetch_sub(&sched.npidle, 1);
  }
  return pp;
}

static void pidleput(p *pp) {
  pp->link = sched.pidle;
  sched.pidle = pp;
  atomic_fetch_add(&sched.npidle, 1);
}

static void *mstart(void *arg);

// An idle M's note (m.note): it spins, then sleeps on the futex; a waker
// (startm) makes the system call only for a sleeper.
enum { NOTE_IDLE, NOTE_WOKEN, NOTE_SLEEPING };

// newm starts a thread for mp, which holds mp->nextp.
static void newm(m *mp) {
  if (newosproc(mstart, mp, 0) != 0)
    fatal("newosproc: cannot create a thread");
}

// startm gives an idle P to an idle M, or to a new one. With spinning, the
// caller has counted it in nmspinning already.
static void startm(bool spinning) {
  mutex_lock(&sched.lock);
  p *pp = pidleget();
  if (pp == NULL) {
    mutex_unlock(&sched.lock);
    if (spinning)
      atomic_fetch_sub(&sched.nmspinning, 1);
    return;
  }
  m *mp = sched.midle;
  if (mp != NULL) {
    sched.midle = mp->schedlink;
    mp->nextp = pp;
    mp->spinning = spinning;
    // The note changes under the lock, so that an M whose timer came due
    // sees it was taken; only the system call waits for the unlock.
    bool sleeping = atomic_exchange(&mp->note, NOTE_WOKEN) == NOTE_SLEEPING;
    mutex_unlock(&sched.lock);
    if (sleeping)
      futexwakeup(&mp->note, 1);
    return;
  }
  int id = sched.mcount++;
  mutex_unlock(&sched.lock);
  mp = persistent_alloc(sizeof(m));
  if (mp == NULL)
    fatal("out of memory");
  memset(mp, 0, sizeof *mp);
  mp->id = id;
  mp->nextp = pp;
  mp->spinning = spinning;
  mutex_lock(&sched.lock);
  mp->alllink = atomic_load(&sched.allm);
  atomic_store(&sched.allm, mp);
  mutex_unlock(&sched.lock);
  newm(mp);
}

// wakep starts a spinning M if there is an idle P and no M spinning.
static void wakep(void) {
  if (atomic_load_explicit(&sched.npidle, memory_order_relaxed) == 0)
    return;
  int32_t zero = 0;
  if (atomic_load_explicit(&sched.nmspinning, memory_order_relaxed) != 0 ||
      !atomic_compare_exchange_strong(&sched.nmspinning, &zero, 1))
    return;
  startm(true);
}

// resetspinning: mp, spinning, found work. If it was the last spinner,
// another M takes its place, so that the work that may follow is found.
static void resetspinning(m *mp) {
  mp->spinning = false;
  if (atomic_fetch_sub(&sched.nmspinning, 1) == 1)
    wakep();
}

// checkdead stops the program if no goroutine can ever run again. The last
// P has just gone idle; sched.lock is held.
static void checkdead(void) {
  if (sched.nmain == 0 || atomic_load(&sched.npidle) != sched.gomaxprocs ||
      atomic_load(&sched.runq_size) != 0 || timers_next() != 0)
    return;
  for (int32_t i = 0; i < sched.gomaxprocs; i++)
    if (!runqempty(&sched.allp[i]))
      return;
  fatal("all goroutines are asleep - deadlock!");
}

// stopm puts mp to sleep until it is handed a P, or until the next timer
// is due, when it takes an idle P itself if there is one.
static void stopm(m *mp) {
  for (;;) {
    mutex_lock(&sched.lock);
    checkdead();
    atomic_store(&mp->note, NOTE_IDLE);
    mp->schedlink = sched.midle;
    sched.midle = mp;
    mutex_unlock(&sched.lock);
    int64_t next = timers_next();
    // Spin a little first: work that comes back at once (a handoff between
    // two Ps) then needs no system call to wake this M, nor to sleep it.
    int64_t spin_until = nanotime() + IDLE_SPIN_NS;
    while (atomic_load(&mp->note) == NOTE_IDLE && nanotime() < spin_until)
      for (int i = 0; i < 32; i++)
        cpu_relax();
    uint32_t idle = NOTE_IDLE;
    if (atomic_compare_exchange_strong(&mp->note, &idle, NOTE_SLEEPING)) {
      while (atomic_load(&mp->note) == NOTE_SLEEPING) {
        int64_t wait = next == 0 ? -1 : next - nanotime();
        if (next != 0 && wait <= 0)
          break;
        futexsleep(&mp->note, NOTE_SLEEPING, wait);
      }
    }
    if (atomic_load(&mp->note) == NOTE_WOKEN)
      break;
    // The next timer is due: leave the idle list unless a waker took mp.
    mutex_lock(&sched.lock);
    if (atomic_load(&mp->note) == NOTE_WOKEN) {
      mutex_unlock(&sched.lock);
      break;
    }
    m **link = &sched.midle;
    while (*link != mp)
      link = &(*link)->schedlink;
    *link = mp->schedlink;
    p *pp = pidleget();
    mutex_unlock(&sched.lock);
    if (pp != NULL) {
      mp->p = pp;
      return;
    }
  }
  mp->p = mp->nextp;
  mp->nextp = NULL;
}

// ---------------------------------------------------------------------------
// Finding and running goroutines
// ---------------------------------------------------------------------------

// steal tries to take work from other Ps.
static g *steal(m *mp) {
  p *pp = mp->p;
  int32_t n = sched.gomaxprocs;
  for (int i = 0; i < STEAL_TRIES; i++) {
    uint32_t start = fastrandn((uint32_t)n);
    for (int32_t j = 0; j < n; j++) {
      p *victim = &sched.allp[(start + (uint32_t)j) % (uint32_t)n];
      if (victim == pp)
        continue;
      g *gp = runqsteal(pp, victim, i == STEAL_TRIES - 1);
      if (gp != NULL)
        return gp;
    }
  }
  return NULL;
}

// findrunnable returns a G to run, sleeping until there is one. mp holds a
// P on entry and on return.
static g *findrunnable(m *mp) {
  for (;;) {
    p *pp = mp->p;
    g *gp;
    if (timers_next() != 0)
      timers_run(nanotime());
    if (pp->schedtick % 61 == 0 && atomic_load(&sched.runq_size) > 0) {
      mutex_lock(&sched.lock);
      gp = globrunqget(pp, 1);
      mutex_unlock(&sched.lock);
      if (gp != NULL)
        return gp;
    }
    if ((gp = runqget(pp)) != NULL)
      return gp;
    if (atomic_load(&sched.runq_size) > 0) {
      mutex_lock(&sched.lock);
      gp = globrunqget(pp, 0);
      mutex_unlock(&sched.lock);
      if (gp != NULL)
        return gp;
    }
    // Steal, as a spinning M; at most half the busy Ps' worth spin.
    int32_t busy = sched.gomaxprocs - atomic_load(&sched.npidle);
    if (sched.gomaxprocs > 1 &&
        (mp->spinning || 2 * atomic_load(&sched.nmspinning) < busy)) {
      if (!mp->spinning) {
        mp->spinning = true;
        atomic_fetch_add(&sched.nmspinning, 1);
      }
      if ((gp = steal(mp)) != NULL)
        return gp;
    }
    // Nothing: give up the P, then look once more before sleeping.
    mutex_lock(&sched.lock);
    if ((gp = globrunqget(pp, 0)) != NULL) {
      mutex_unlock(&sched.lock);
      return gp;
    }
    pidleput(pp);
    mp->p = NULL;
    mutex_unlock(&sched.lock);
    if (mp->spinning) {
      mp->spinning = false;
      atomic_fetch_sub(&sched.nmspinning, 1);
      bool work = atomic_load(&sched.runq_size) > 0;
      for (int32_t i = 0; i < sched.gomaxprocs && !work; i++)
        work = !runqempty(&sched.allp[i]);
      if (work) {
        mutex_lock(&sched.lock);
        pp = pidleget();
        mutex_unlock(&sched.lock);
        if (pp != NULL) {
          mp->p = pp;
          mp->spinning = true;
          atomic_fetch_add(&sched.nmspinning, 1);
          continue;
        }
      }
    }
    stopm(mp);
  }
}

static _Noreturn void stack_clobbered(void) {
  fatal("goroutine stack overflow: the guard word at the stack's end was "
        "overwritten");
}

static void goexit0(m *mp, g *gp);

// execute runs gp on mp until gp parks, yields or exits; a morestack is
// served and gp resumed at once.
static void execute(m *mp, g *gp) {
  mp->p->schedtick++;
  atomic_fetch_add_explicit(&mp->ticks, 1, memory_order_relaxed);
  if (gp->sched.stk.hi - gp->sched.stk.lo > STARTING_STACK &&
      gp->waiting == NULL)
    shrinkstack(gp);
  for (;;) {
    atomic_store_explicit(&gp->status, G_RUNNING, memory_order_relaxed);
    gp->m = mp;
    __atomic_store_n(&mp->curg, gp, __ATOMIC_RELAXED);
    tls_g = gp;
    escrt_stackguard = gp->stackguard;
    gobuf_switch(&mp->g0, &gp->sched);
    tls_g = NULL;
    escrt_stackguard = 0;
    __atomic_store_n(&mp->curg, NULL, __ATOMIC_RELAXED);
    if (unlikely(gp->sched.sp <= gp->sched.stk.lo ||
                 *(uintptr_t *)gp->sched.stk.lo != STACK_GUARD_WORD))
      stack_clobbered();
    switch (mp->action) {
    case ACT_MORESTACK:
      newstack(gp);
      continue;
    case ACT_PARK:
      // After unlockf releases the lock, a waker may ready gp and another M
      // run it: gp is not touched again unless unlockf refuses.
      atomic_store(&gp->status, G_WAITING);
      if (mp->unlockf == NULL || mp->unlockf(gp, mp->unlock_arg))
        return;
      continue;
    case ACT_GOSCHED:
      atomic_store(&gp->status, G_RUNNABLE);
      mutex_lock(&sched.lock);
      globrunqput_batch(gp, gp, 1);
      mutex_unlock(&sched.lock);
      return;
    case ACT_EXIT:
      goexit0(mp, gp);
      return;
    default:
      throw("bad m.action");
    }
  }
}

static void *mstart(void *arg) {
  m *mp = arg;
  tls_m = mp;
  gc_register_thread(); // the collector scans it, and stops it by signal
  atomic_store(&mp->guardp, &escrt_stackguard);
  mp->p = mp->nextp;
  mp->nextp = NULL;
  for (;;) {
    g *gp = findrunnable(mp);
    if (mp->spinning)
      resetspinning(mp);
    execute(mp, gp);
  }
  return NULL;
}

// ---------------------------------------------------------------------------
// Creating and ending goroutines
// ---------------------------------------------------------------------------

// allg_add and allg_remove keep allgs, the list the collector walks to
// scan goroutine stacks: a G joins when it is allocated and leaves when
// its struct is freed (dead Gs stay on it while they wait for reuse).
mutex allg_lock;
g *allg_first;

static void allg_add(g *gp) {
  mutex_lock(&allg_lock);
  gp->allprev = NULL;
  gp->allnext = allg_first;
  if (allg_first != NULL)
    allg_first->allprev = gp;
  allg_first = gp;
  mutex_unlock(&allg_lock);
}

static void allg_remove(g *gp) {
  mutex_lock(&allg_lock);
  if (gp->allprev != NULL)
    gp->allprev->allnext = gp->allnext;
  else
    allg_first = gp->allnext;
  if (gp->allnext != NULL)
    gp->allnext->allprev = gp->allprev;
  mutex_unlock(&allg_lock);
}

// gfput puts dead gp on pp's free list, keeping a starting-size stack.
static void gfput(p *pp, g *gp) {
  if (gp->sched.stk.hi - gp->sched.stk.lo != STARTING_STACK) {
    stackfree(gp->sched.stk);
    gp->sched.stk = (stack){0, 0};
  }
  gp->schedlink = pp->gfree;
  pp->gfree = gp;
  if (++pp->ngfree < GFREE_LOCAL_MAX)
    return;
  // Move half to the global list; free what it cannot keep.
  g *drop = NULL;
  mutex_lock(&sched.lock);
  while (pp->ngfree > GFREE_LOCAL_MAX / 2) {
    gp = pp->gfree;
    pp->gfree = gp->schedlink;
    pp->ngfree--;
    if (sched.ngfree < GFREE_GLOBAL_MAX) {
      gp->schedlink = sched.gfree;
      sched.gfree = gp;
      sched.ngfree++;
    } else {
      gp->schedlink = drop;
      drop = gp;
    }
  }
  mutex_unlock(&sched.lock);
  while (drop != NULL) {
    gp = drop;
    drop = gp->schedlink;
    if (gp->sched.stk.lo != 0)
      stackfree(gp->sched.stk);
    allg_remove(gp);
    escrt_free(gp);
  }
}

// gfget takes a dead G from pp's free list, or from the global one.
static g *gfget(p *pp) {
  if (pp != NULL && pp->gfree == NULL && sched.gfree != NULL) {
    mutex_lock(&sched.lock);
    while (pp->ngfree < GFREE_LOCAL_MAX / 2 && sched.gfree != NULL) {
      g *gp = sched.gfree;
      sched.gfree = gp->schedlink;
      sched.ngfree--;
      gp->schedlink = pp->gfree;
      pp->gfree = gp;
      pp->ngfree++;
    }
    mutex_unlock(&sched.lock);
  }
  if (pp == NULL || pp->gfree == NULL)
    return NULL;
  g *gp = pp->gfree;
  pp->gfree = gp->schedlink;
  pp->ngfree--;
  return gp;
}

static void goexit1(void);

// gostart is where every goroutine begins, on its own stack.
static void gostart(void *arg) {
  g *gp = arg;
  gp->fn(gp->arg);
  goexit1();
}

// injectg puts gp on the global queue from a thread without a P, and starts
// an M for it if a P is idle.
static void injectg(g *gp) {
  mutex_lock(&sched.lock);
  globrunqput_batch(gp, gp, 1);
  mutex_unlock(&sched.lock);
  if (atomic_load(&sched.npidle) > 0)
    startm(false);
}

typedef struct newproc_args {
  void (*fn)(void *);
  void *arg;
  runwait *main;
  bool full; // out: the P's run queue overflowed
} newproc_args;

// newproc1 makes a G for fn(arg) and queues it; on the system stack.
static void newproc1(void *arg) {
  newproc_args *np = arg;
  m *mp = tls_m;
  p *pp = mp != NULL ? mp->p : NULL;
  g *gp = gfget(pp);
  if (gp == NULL) {
    gp = escrt_malloc(sizeof(g));
    if (gp == NULL)
      fatal("out of memory");
    memset(gp, 0, sizeof *gp);
    allg_add(gp);
  }
  if (gp->sched.stk.lo == 0)
    gp->sched.stk = stackalloc(STARTING_STACK);
  stack stk = gp->sched.stk;
  gp->fn = np->fn;
  gp->arg = np->arg;
  gp->main = np->main;
  gp->goid = atomic_fetch_add(&sched.goidgen, 1) + 1;
  gp->waiting = NULL;
  gp->param = NULL;
  gobuf_init(&gp->sched, stk, gostart, gp);
  *(uintptr_t *)stk.lo = STACK_GUARD_WORD;
  gp->stackguard = stk.lo + STACK_GUARD;
  atomic_fetch_add(&sched.ngoroutine, 1);
  atomic_store(&gp->status, G_RUNNABLE);
  if (pp != NULL) {
    np->full = runqput(pp, gp, true);
    wakep();
  } else {
    injectg(gp);
  }
}

// goexit0 frees gp, which has returned from its function; on g0.
static void goexit0(m *mp, g *gp) {
  runwait *w = gp->main;
  atomic_store(&gp->status, G_DEAD);
  atomic_fetch_sub(&sched.ngoroutine, 1);
  gp->fn = NULL;
  gp->arg = NULL;
  gp->main = NULL;
  gp->m = NULL;
  gfput(mp->p, gp);
  if (w != NULL) {
    mutex_lock(&sched.lock);
    sched.nmain--;
    mutex_unlock(&sched.lock);
    atomic_store(&w->done, 1);
    futexwakeup(&w->done, 1);
  }
}

// ---------------------------------------------------------------------------
// Switching to g0 (Go's mcall)
// ---------------------------------------------------------------------------

// mcall switches from the running goroutine to its M's g0, which does
// what action says. It returns when the goroutine is resumed, maybe on
// another M.
static void mcall(int action) {
  g *gp = tls_g;
  m *mp = gp->m;
  mp->action = action;
  gobuf_switch(&gp->sched, &mp->g0);
}

static void goexit1(void) {
  mcall(ACT_EXIT);
  throw("goexit returned");
}

g *getg_blocking(void) {
  g *gp = tls_g;
  if (gp == NULL)
    fatal("blocking operation outside a goroutine (use escrt_run)");
  return gp;
}

void gopark(bool (*unlockf)(g *, void *), void *arg) {
  g *gp = getg_blocking();
  m *mp = gp->m;
  mp->unlockf = unlockf;
  mp->unlock_arg = arg;
  mcall(ACT_PARK);
}

bool mutex_unlockf(g *gp, void *arg) {
  (void)gp;
  mutex_unlock(arg);
  return true;
}

static void ready(void *arg) {
  g *gp = arg;
  atomic_store(&gp->status, G_RUNNABLE);
  m *mp = tls_m;
  if (mp != NULL && mp->p != NULL) {
    runqput(mp->p, gp, true);
    wakep();
  } else {
    injectg(gp);
  }
}

void goready(g *gp) { escrt_systemstack(ready, gp); }

void goready_tail(g *gp) {
  atomic_store(&gp->status, G_RUNNABLE);
  m *mp = tls_m;
  if (tls_g == NULL && mp != NULL && mp->p != NULL) {
    runqput(mp->p, gp, false);
    wakep();
  } else {
    goready(gp);
  }
}

// ---------------------------------------------------------------------------
// The public interface
// ---------------------------------------------------------------------------

void escrt_systemstack(void (*fn)(void *), void *arg) {
  g *gp = tls_g;
  if (gp == NULL) {
    fn(arg);
    return;
  }
  // fn runs as g0: stack checks pass, and blocking is refused.
  tls_g = NULL;
  escrt_stackguard = 0;
  gobuf_systemstack(&gp->sched, &gp->m->g0, fn, arg);
  tls_g = gp;
  escrt_stackguard = gp->stackguard;
}

// escrt_go queues the new goroutine to run next on this P. A goroutine
// that spawns faster than the others can run yields when its P's queue
// overflows, so that they run and end (and their stacks are reused)
// before it goes on: without preemption, a loop of a million escrt_go
// would otherwise hold a million stacks at once.
void escrt_go(void (*fn)(void *), void *arg) {
  if (fn == NULL)
    panic_goroutine("go of nil func value");
  procs_init();
  newproc_args np = {fn, arg, NULL, false};
  escrt_systemstack(newproc1, &np);
  if (np.full && tls_g != NULL)
    mcall(ACT_GOSCHED);
}

void escrt_run(void (*fn)(void *), void *arg) {
  if (tls_m != NULL)
    fatal("escrt_run called on a goroutine");
  procs_init();
  runwait w = {0};
  mutex_lock(&sched.lock);
  sched.nmain++;
  mutex_unlock(&sched.lock);
  newproc_args np = {fn, arg, &w, false};
  newproc1(&np);
  while (atomic_load(&w.done) == 0)
    futexsleep(&w.done, 0, -1);
}

void escrt_main(void (*fn)(void *), void *arg) {
  escrt_run(fn, arg);
  exit(0);
}

void escrt_gosched(void) {
  if (tls_g != NULL)
    mcall(ACT_GOSCHED);
  else
    sched_yield();
}

// escrt_morestack grows the stack, or yields when sysmon asked the
// goroutine to (its guard was poisoned): then the stack grows only if it
// also had to.
void escrt_morestack(size_t need) {
  g *gp = tls_g;
  if (gp == NULL)
    return;
  // Not while it holds a runtime lock (tls_nostop): it would take the lock
  // to another M.
  if ((atomic_exchange(&gp->m->preempt, false) ||
       escrt_stackguard == STACK_PREEMPT) &&
      tls_nostop == 0) {
    escrt_stackguard = gp->stackguard;
    if (escrt_sp_() - need >= gp->stackguard) {
      mcall(ACT_GOSCHED);
      // execute may have shrunk the stack as it resumed gp, taking the
      // room just checked for (a reserve larger than the guard): check
      // again, as Go reruns the prologue after a preemption.
      if (escrt_sp_() - need >= gp->stackguard)
        return;
    }
  }
  gp->need = need;
  mcall(ACT_MORESTACK);
}

// gc_gomaxprocs is GOMAXPROCS for the collector's trace, without starting
// the scheduler.
int gc_gomaxprocs(void) {
  return sched.gomaxprocs > 0 ? sched.gomaxprocs : read_gomaxprocs();
}

int escrt_gomaxprocs(void) {
  procs_init();
  return sched.gomaxprocs;
}

int64_t escrt_goid(void) { return tls_g != NULL ? tls_g->goid : 0; }

int64_t escrt_numgoroutine(void) { return atomic_load(&sched.ngoroutine); }

// panic_print writes Go's panic text for the running goroutine and exits.
static void panic_print(void *arg) {
  const char *msg = arg;
  die_panic(msg, tls_m != NULL && tls_m->curg != NULL ? tls_m->curg->goid : 0);
}

void panic_goroutine(const char *msg) {
  escrt_systemstack(panic_print, (void *)msg);
  throw("panic returned");
}
