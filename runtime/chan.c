// Channels.
//
// Go's chan.go, in C. Invariants:
//
//	At least one of c.sendq and c.recvq is empty, except for an unbuffered
//	channel with a single goroutine blocked on it for both sending and
//	receiving in a select statement.
//	For buffered channels: c.qcount > 0 implies c.recvq is empty;
//	c.qcount < c.dataqsiz implies c.sendq is empty.
//
// A blocked sender or receiver waits in a sudog on its own stack, linked
// from the channel's queue; the goroutine that completes the operation
// copies the element straight between the two goroutines' stacks (or the
// buffer), sets sudog.success, and readies the waiter. A goroutine's stack
// never moves while it waits (stackcopy.c), so the pointers into it that
// the queues hold stay good. The channel lock is released only once the
// parked goroutine's registers are saved (gopark's unlockf, on g0).
//
// Misuse panics with Go's words: "send on closed channel", "close of closed
// channel", "close of nil channel". Operations on a nil channel block
// forever, which the scheduler reports as a deadlock if nothing else runs.
#include "runtime.h"

#include "escape/go.h"

#include <string.h>

// ---------------------------------------------------------------------------
// Wait queues
// ---------------------------------------------------------------------------

void waitq_enqueue(waitq *q, sudog *sg) {
  sg->next = NULL;
  sg->prev = q->last;
  if (q->last != NULL)
    q->last->next = sg;
  else
    q->first = sg;
  q->last = sg;
}

void waitq_remove(waitq *q, sudog *sg) {
  if (sg->prev != NULL)
    sg->prev->next = sg->next;
  else if (q->first == sg)
    q->first = sg->next;
  else
    return; // not in q: a waker dequeued it
  if (sg->next != NULL)
    sg->next->prev = sg->prev;
  else
    q->last = sg->prev;
  sg->next = sg->prev = NULL;
}

// waitq_dequeue takes the first waiter that can still be woken: a select's
// sudog only if its select was not completed by another channel already.
sudog *waitq_dequeue(waitq *q) {
  for (;;) {
    sudog *sg = q->first;
    if (sg == NULL)
      return NULL;
    q->first = sg->next;
    if (q->first != NULL)
      q->first->prev = NULL;
    else
      q->last = NULL;
    sg->next = sg->prev = NULL;
    if (sg->isselect) {
      uint32_t zero = 0;
      if (!atomic_compare_exchange_strong(&sg->g->selectdone, &zero, 1))
        continue;
    }
    return sg;
  }
}

// ---------------------------------------------------------------------------
// Making channels
// ---------------------------------------------------------------------------

// Go's limit on the buffer: maxAlloc less the header.
#define MAX_CHAN_BYTES ((size_t)1 << 47)

typedef struct make_args {
  size_t elemsize, cap;
  escrt_chan *c;
} make_args;

static void makechan(void *arg) {
  make_args *a = arg;
  size_t bytes = a->elemsize * a->cap;
  escrt_chan *c = escrt_malloc(sizeof(escrt_chan) + bytes);
  if (c == NULL)
    fatal("out of memory");
  memset(c, 0, sizeof *c);
  c->buf = (char *)(c + 1); // never NULL, for elements of 0 bytes too
  c->elemsize = a->elemsize;
  c->dataqsiz = a->cap;
  a->c = c;
}

escrt_chan *escrt_chan_make(size_t elemsize, size_t cap) {
  if (elemsize >= (1 << 16))
    fatal("makechan: invalid channel element type");
  if (cap != 0 && (elemsize > MAX_CHAN_BYTES / cap))
    panic_goroutine("makechan: size out of range");
  make_args a = {elemsize, cap, NULL};
  escrt_systemstack(makechan, &a);
  return a.c;
}

void escrt_chan_free(escrt_chan *c) {
  if (c == NULL)
    return;
  if (c->recvq.first != NULL || c->sendq.first != NULL)
    fatal("escrt_chan_free: goroutines are waiting on the channel");
  escrt_free(c);
}

size_t escrt_chan_len(escrt_chan *c) {
  return c == NULL ? 0 : __atomic_load_n(&c->qcount, __ATOMIC_RELAXED);
}

size_t escrt_chan_cap(escrt_chan *c) { return c == NULL ? 0 : c->dataqsiz; }

static inline char *chanbuf(escrt_chan *c, size_t i) {
  return c->buf + i * c->elemsize;
}

// ---------------------------------------------------------------------------
// Sending
// ---------------------------------------------------------------------------

// chan_send_direct completes a send to the waiting receiver sg: the element
// goes straight to the receiver's stack. c is locked; it unlocks it.
void chan_send_direct(escrt_chan *c, sudog *sg, const void *ep) {
  if (sg->elem != NULL && c->elemsize > 0)
    memcpy(sg->elem, ep, c->elemsize);
  sg->success = true;
  g *gp = sg->g;
  gp->param = sg;
  mutex_unlock(&c->lock);
  goready(gp);
}

// chan_buf_send puts the element in the buffer. c is locked.
void chan_buf_send(escrt_chan *c, const void *ep) {
  memcpy(chanbuf(c, c->sendx), ep, c->elemsize);
  if (++c->sendx == c->dataqsiz)
    c->sendx = 0;
  __atomic_store_n(&c->qcount, c->qcount + 1, __ATOMIC_RELAXED);
}

// chan_wait parks the calling goroutine in q, waiting for the goroutine
// that will send the element at ep or receive into it, straight to or from
// this stack. It returns sudog.success: false if c was closed instead.
// c is locked; it is unlocked once the goroutine is parked.
static bool chan_wait(escrt_chan *c, waitq *q, void *ep) {
  g *gp = getg_blocking();
  sudog mysg = {.g = gp, .elem = ep};
  gp->param = NULL;
  waitq_enqueue(q, &mysg);
  gopark(mutex_unlockf, &c->lock);
  gp->param = NULL;
  return mysg.success;
}

static _Noreturn void park_forever(void) {
  gopark(NULL, NULL);
  throw("unreachable");
}

static bool chansend(escrt_chan *c, const void *ep, bool block) {
  if (c == NULL) {
    if (!block)
      return false;
    park_forever();
  }
  // Fast path: a non-blocking send on a full channel fails without the lock.
  if (!block && !__atomic_load_n(&c->closed, __ATOMIC_ACQUIRE) &&
      (c->dataqsiz == 0
           ? __atomic_load_n(&c->recvq.first, __ATOMIC_RELAXED) == NULL
           : escrt_chan_len(c) == c->dataqsiz))
    return false;
  mutex_lock(&c->lock);
  if (c->closed) {
    mutex_unlock(&c->lock);
    panic_goroutine("send on closed channel");
  }
  sudog *sg = waitq_dequeue(&c->recvq);
  if (sg != NULL) {
    chan_send_direct(c, sg, ep);
    return true;
  }
  if (c->qcount < c->dataqsiz) {
    chan_buf_send(c, ep);
    mutex_unlock(&c->lock);
    return true;
  }
  if (!block) {
    mutex_unlock(&c->lock);
    return false;
  }
  // Block: wait for a receiver to take the element from this stack.
  if (!chan_wait(c, &c->sendq, (void *)ep))
    panic_goroutine("send on closed channel");
  return true;
}

void escrt_chan_send(escrt_chan *c, const void *elem) {
  chansend(c, elem, true);
}

// ---------------------------------------------------------------------------
// Receiving
// ---------------------------------------------------------------------------

// chan_recv_direct completes a receive from the waiting sender sg. On an
// unbuffered channel the element comes from the sender's stack; on a full
// buffered one, from the buffer's head, and the sender's element takes
// the freed slot at the tail. c is locked; it unlocks it.
void chan_recv_direct(escrt_chan *c, sudog *sg, void *ep) {
  if (c->dataqsiz == 0) {
    if (ep != NULL && c->elemsize > 0)
      memcpy(ep, sg->elem, c->elemsize);
  } else {
    char *slot = chanbuf(c, c->recvx);
    if (ep != NULL)
      memcpy(ep, slot, c->elemsize);
    memcpy(slot, sg->elem, c->elemsize);
    if (++c->recvx == c->dataqsiz)
      c->recvx = 0;
    c->sendx = c->recvx;
  }
  sg->elem = NULL;
  sg->success = true;
  g *gp = sg->g;
  gp->param = sg;
  mutex_unlock(&c->lock);
  goready(gp);
}

// chan_buf_recv takes the element at the buffer's head. c is locked.
void chan_buf_recv(escrt_chan *c, void *ep) {
  char *slot = chanbuf(c, c->recvx);
  if (ep != NULL)
    memcpy(ep, slot, c->elemsize);
  memset(slot, 0, c->elemsize);
  if (++c->recvx == c->dataqsiz)
    c->recvx = 0;
  __atomic_store_n(&c->qcount, c->qcount - 1, __ATOMIC_RELAXED);
}

// chanrecv receives into ep (NULL: drop the element). It returns whether
// a case proceeded (always, when blocking) and, in *received, whether a
// value came rather than the close.
static bool chanrecv(escrt_chan *c, void *ep, bool block, bool *received) {
  if (c == NULL) {
    if (!block)
      return false;
    park_forever();
  }
  if (!block && escrt_chan_len(c) == 0 &&
      __atomic_load_n(&c->sendq.first, __ATOMIC_RELAXED) == NULL &&
      !__atomic_load_n(&c->closed, __ATOMIC_ACQUIRE))
    return false;
  mutex_lock(&c->lock);
  if (c->closed && c->qcount == 0) {
    mutex_unlock(&c->lock);
    if (ep != NULL)
      memset(ep, 0, c->elemsize);
    *received = false;
    return true;
  }
  sudog *sg = waitq_dequeue(&c->sendq);
  if (sg != NULL) {
    chan_recv_direct(c, sg, ep);
    *received = true;
    return true;
  }
  if (c->qcount > 0) {
    chan_buf_recv(c, ep);
    mutex_unlock(&c->lock);
    *received = true;
    return true;
  }
  if (!block) {
    mutex_unlock(&c->lock);
    return false;
  }
  // Block: wait for a sender to put the element on this stack.
  *received = chan_wait(c, &c->recvq, ep);
  return true;
}

bool escrt_chan_recv(escrt_chan *c, void *elem) {
  bool received = false;
  chanrecv(c, elem, true, &received);
  return received;
}

// ---------------------------------------------------------------------------
// Closing
// ---------------------------------------------------------------------------

void escrt_chan_close(escrt_chan *c) {
  if (c == NULL)
    panic_goroutine("close of nil channel");
  mutex_lock(&c->lock);
  if (c->closed) {
    mutex_unlock(&c->lock);
    panic_goroutine("close of closed channel");
  }
  __atomic_store_n(&c->closed, true, __ATOMIC_RELEASE);
  // Release every receiver (with zero values) and every sender (who will
  // panic), readying them once the lock is dropped.
  g *glist = NULL;
  sudog *sg;
  while ((sg = waitq_dequeue(&c->recvq)) != NULL) {
    if (sg->elem != NULL)
      memset(sg->elem, 0, c->elemsize);
    sg->elem = NULL;
    sg->success = false;
    sg->g->param = sg;
    sg->g->schedlink = glist;
    glist = sg->g;
  }
  while ((sg = waitq_dequeue(&c->sendq)) != NULL) {
    sg->elem = NULL;
    sg->success = false;
    sg->g->param = sg;
    sg->g->schedlink = glist;
    glist = sg->g;
  }
  mutex_unlock(&c->lock);
  while (glist != NULL) {
    g *gp = glist;
    glist = gp->schedlink;
    goready(gp);
  }
}
