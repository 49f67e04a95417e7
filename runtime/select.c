// Select.
//
// Go's select.go (selectgo), in C. A select statement over n cases:
//
//	1. Shuffle the cases into a random poll order (a uniformly random
//	   permutation, so that the choice among ready cases is fair) and sort
//	   the distinct channels by address into a lock order.
//	2. Lock every channel, in lock order, so that no other goroutine can
//	   change any of them while the cases are looked at.
//	3. Pass 1: in poll order, take the first case that can proceed now.
//	   With a default case (block false) and none ready, unlock and return.
//	4. Pass 2: enqueue a sudog (on this stack) on every case's channel,
//	   and park; the channels are unlocked once the goroutine is parked.
//	5. Woken by the first goroutine that completed one of them (the
//	   sudog's g.selectdone, set once, keeps others from completing a
//	   second), lock every channel again and, pass 3, take the other
//	   sudogs out of their queues.
//
// g.waiting links the sudogs while they are queued, and keeps the stack
// from shrinking under them (stackcopy.c).
#include "runtime.h"

#include "escape/go.h"

#include <string.h>

// Go's limit on a select's cases.
#define MAX_CASES 65536

// sellock locks the distinct channels in lock order.
static void sellock(escrt_select_case *cases, const uint16_t *lockorder,
                    int n) {
  escrt_chan *last = NULL;
  for (int i = 0; i < n; i++) {
    escrt_chan *c = cases[lockorder[i]].chan;
    if (c != last)
      mutex_lock(&c->lock);
    last = c;
  }
}

static void selunlock(escrt_select_case *cases, const uint16_t *lockorder,
                      int n) {
  for (int i = n - 1; i >= 0; i--) {
    escrt_chan *c = cases[lockorder[i]].chan;
    if (i > 0 && c == cases[lockorder[i - 1]].chan)
      continue; // unlock each channel once, at its first occurrence
    mutex_unlock(&c->lock);
  }
}

typedef struct selpark {
  escrt_select_case *cases;
  const uint16_t *lockorder;
  int n;
} selpark;

static bool selparkcommit(g *gp, void *arg) {
  (void)gp;
  selpark *sp = arg;
  selunlock(sp->cases, sp->lockorder, sp->n);
  return true;
}

// sort_lockorder sorts the case indexes by channel address (insertion sort
// for the usual handful; heap sort is Go's, for the worst case).
static void sort_lockorder(escrt_select_case *cases, uint16_t *order, int n) {
  if (n <= 16) {
    for (int i = 1; i < n; i++) {
      uint16_t x = order[i];
      uintptr_t cx = (uintptr_t)cases[x].chan;
      int j = i;
      while (j > 0 && (uintptr_t)cases[order[j - 1]].chan > cx) {
        order[j] = order[j - 1];
        j--;
      }
      order[j] = x;
    }
    return;
  }
  // Heap sort: build a max-heap, then pop.
  for (int i = 1; i < n; i++) {
    int j = i;
    uint16_t x = order[i];
    uintptr_t cx = (uintptr_t)cases[x].chan;
    while (j > 0 && (uintptr_t)cases[order[(j - 1) / 2]].chan < cx) {
      order[j] = order[(j - 1) / 2];
      j = (j - 1) / 2;
    }
    order[j] = x;
  }
  for (int i = n - 1; i > 0; i--) {
    uint16_t x = order[i];
    uintptr_t cx = (uintptr_t)cases[x].chan;
    order[i] = order[0];
    int j = 0;
    for (;;) {
      int k = 2 * j + 1;
      if (k >= i)
        break;
      if (k + 1 < i &&
          (uintptr_t)cases[order[k]].chan < (uintptr_t)cases[order[k + 1]].chan)
        k++;
      if (cx >= (uintptr_t)cases[order[k]].chan)
        break;
      order[j] = order[k];
      j = k;
    }
    order[j] = x;
  }
}

// poll is pass 1: the first case in poll order that can proceed, which it
// completes; -1 if none. Every channel is locked; a completed case unlocks
// them all.
static int poll(escrt_select_case *cases, const uint16_t *pollorder,
                const uint16_t *lockorder, int n) {
  for (int i = 0; i < n; i++) {
    int casi = pollorder[i];
    escrt_select_case *cas = &cases[casi];
    escrt_chan *c = cas->chan;
    sudog *sg;
    if (cas->dir == ESCRT_SELECT_RECV) {
      if ((sg = waitq_dequeue(&c->sendq)) != NULL) {
        // chan_recv_direct unlocks c; unlock the others first.
        for (int j = n - 1; j >= 0; j--) {
          escrt_chan *cj = cases[lockorder[j]].chan;
          if (cj != c && (j == 0 || cj != cases[lockorder[j - 1]].chan))
            mutex_unlock(&cj->lock);
        }
        chan_recv_direct(c, sg, cas->elem);
        cas->ok = true;
        return casi;
      }
      if (c->qcount > 0) {
        chan_buf_recv(c, cas->elem);
        selunlock(cases, lockorder, n);
        cas->ok = true;
        return casi;
      }
      if (c->closed) {
        selunlock(cases, lockorder, n);
        if (cas->elem != NULL)
          memset(cas->elem, 0, c->elemsize);
        cas->ok = false;
        return casi;
      }
    } else {
      if (c->closed) {
        selunlock(cases, lockorder, n);
        panic_goroutine("send on closed channel");
      }
      if ((sg = waitq_dequeue(&c->recvq)) != NULL) {
        for (int j = n - 1; j >= 0; j--) {
          escrt_chan *cj = cases[lockorder[j]].chan;
          if (cj != c && (j == 0 || cj != cases[lockorder[j - 1]].chan))
            mutex_unlock(&cj->lock);
        }
        chan_send_direct(c, sg, cas->elem);
        return casi;
      }
      if (c->qcount < c->dataqsiz) {
        chan_buf_send(c, cas->elem);
        selunlock(cases, lockorder, n);
        return casi;
      }
    }
  }
  return -1;
}

// selectgo runs the select over n cases, live of them with a channel;
// orders has room for 2 * live indexes and sgs for n sudogs.
static int selectgo(escrt_select_case *cases, int n, int live, bool block,
                    uint16_t *orders, sudog *sgs) {
  uint16_t *pollorder = orders, *lockorder = orders + live;
  // 1. Orders, over the cases with a channel: a nil channel never proceeds.
  int norder = 0;
  for (int i = 0; i < n; i++) {
    if (cases[i].chan == NULL)
      continue;
    int j = (int)fastrandn((uint32_t)norder + 1);
    pollorder[norder] = pollorder[j];
    pollorder[j] = (uint16_t)i;
    lockorder[norder] = (uint16_t)i;
    norder++;
  }
  n = norder;
  sort_lockorder(cases, lockorder, n);
  // 2, 3. Lock, and look for a case that is ready.
  sellock(cases, lockorder, n);
  int casi = poll(cases, pollorder, lockorder, n);
  if (casi >= 0)
    return casi;
  if (!block) {
    selunlock(cases, lockorder, n);
    return -1;
  }
  // 4. Wait on every channel.
  g *gp = getg_blocking();
  atomic_store(&gp->selectdone, 0);
  gp->param = NULL;
  sudog **link = &gp->waiting;
  for (int i = 0; i < n; i++) {
    int k = lockorder[i];
    escrt_select_case *cas = &cases[k];
    sudog *sg = &sgs[k];
    *sg = (sudog){.g = gp, .elem = cas->elem, .isselect = true};
    *link = sg;
    link = &sg->waitlink;
    waitq_enqueue(cas->dir == ESCRT_SELECT_RECV ? &cas->chan->recvq
                                                : &cas->chan->sendq,
                  sg);
  }
  *link = NULL;
  selpark sp = {cases, lockorder, n};
  gopark(selparkcommit, &sp);
  // 5. Woken: dequeue the sudogs that did not fire.
  sellock(cases, lockorder, n);
  sudog *fired = gp->param;
  gp->param = NULL;
  casi = -1;
  for (sudog *sg = gp->waiting; sg != NULL; sg = sg->waitlink) {
    int k = (int)(sg - sgs);
    if (sg == fired) {
      casi = k;
      continue;
    }
    escrt_select_case *cas = &cases[k];
    waitq_remove(cas->dir == ESCRT_SELECT_RECV ? &cas->chan->recvq
                                               : &cas->chan->sendq,
                 sg);
  }
  gp->waiting = NULL;
  selunlock(cases, lockorder, n);
  if (casi < 0)
    throw("selectgo: bad wakeup");
  escrt_select_case *cas = &cases[casi];
  if (cas->dir == ESCRT_SELECT_RECV)
    cas->ok = fired->success;
  else if (!fired->success)
    panic_goroutine("send on closed channel");
  return casi;
}

int escrt_select(escrt_select_case *cases, int n, bool block) {
  if (n < 0 || n > MAX_CASES)
    fatal("select: bad number of cases");
  int live = 0;
  for (int i = 0; i < n; i++) {
    if (cases[i].dir != ESCRT_SELECT_SEND && cases[i].dir != ESCRT_SELECT_RECV)
      fatal("select: case direction is neither send nor receive");
    if (cases[i].chan != NULL)
      live++;
  }
  if (live == 0) {
    if (!block)
      return -1;
    gopark(NULL, NULL); // block forever
    throw("unreachable");
  }
  // The orders and the sudogs go on this stack: make room first.
  ESCRT_STACK_RESERVE((size_t)n * (2 * sizeof(uint16_t) + sizeof(sudog)) + 512);
  uint16_t orders[2 * live];
  sudog sgs[n];
  return selectgo(cases, n, live, block, orders, sgs);
}
