// The call graph and its strongly connected components.
//
// Functions are analyzed bottom-up, as Go's ir.VisitFuncsBottomUp orders
// them: a function's callees are solved (and summarized) before it, and
// the functions of one SCC (mutual recursion) are solved together, as one
// batch, their calls connected directly. Tarjan's algorithm emits SCCs in
// exactly that order: every SCC after all the SCCs it reaches.
//
// An edge f -> g exists when a call in f may reach g: a direct call, a call
// through a local that only holds known functions, or a call through a
// const table that holds g. The graph spans the program's units: a batch
// is solved with the unit of the function that closed it (its reports
// still go to each function's own unit).
//
// Calls through struct fields and function-pointer parameters (iface.c)
// make weak edges. They can close cycles that span much of a program (a
// tree walker whose callbacks walk the tree again; a pager whose callbacks
// call back into the pager), and a batch costs each round a walk of all of
// it: a batch of hundreds of functions took more time than the rest of
// the analysis. So an SCC of more than MAX_BATCH functions that only weak
// edges hold together is split: its functions are ordered again by their
// other edges alone, into pieces, the SCCs of those edges, and solve_batch
// iterates the pieces to a fixpoint (solve.c): a call into a piece not yet
// solved first uses that piece's current summary, and is linked again when
// it grows.
#include "escape.h"

#include <stdlib.h>

enum { MAX_BATCH = 64 };

typedef struct {
  int index;
  vec stack;
  void (*batch)(unit *, vec *pieces);
} tarjan;

static void emit(tarjan *t, func *f, vec *scc);

static void connect(tarjan *t, func *f) {
  f->index = f->lowlink = ++t->index;
  vec_push(&t->stack, f);
  f->on_stack = true;
  for (int w = 0; w < 2; w++) {
    vec *out = w ? &f->weak_callees : &f->callees;
    for (int i = 0; i < out->len; i++) {
      func *g = out->items[i];
      if (!g->index) {
        connect(t, g);
        if (g->lowlink < f->lowlink)
          f->lowlink = g->lowlink;
      } else if (g->on_stack && g->index < f->lowlink) {
        f->lowlink = g->index;
      }
    }
  }
  if (f->lowlink != f->index)
    return;
  vec scc = {0};
  func *g;
  do {
    g = t->stack.items[--t->stack.len];
    g->on_stack = false;
    vec_push(&scc, g);
  } while (g != f);
  emit(t, f, &scc);
  vec_free(&scc);
}

// A split is Tarjan's algorithm again over one SCC's strong edges, its
// state in arrays indexed by scc_pos; it collects the pieces in order.
typedef struct {
  vec *scc;
  int *index, *low, next;
  bool *on_stack;
  vec stack;
  vec pieces; // vec* of func*
} split;

static bool in_split(split *s, func *g) {
  return g->scc_pos >= 0 && g->scc_pos < s->scc->len &&
         s->scc->items[g->scc_pos] == g;
}

static void split_connect(split *s, func *f) {
  int v = f->scc_pos;
  s->index[v] = s->low[v] = ++s->next;
  vec_push(&s->stack, f);
  s->on_stack[v] = true;
  for (int i = 0; i < f->callees.len; i++) {
    func *g = f->callees.items[i];
    if (!in_split(s, g))
      continue;
    int w = g->scc_pos;
    if (!s->index[w]) {
      split_connect(s, g);
      if (s->low[w] < s->low[v])
        s->low[v] = s->low[w];
    } else if (s->on_stack[w] && s->index[w] < s->low[v]) {
      s->low[v] = s->index[w];
    }
  }
  if (s->low[v] != s->index[v])
    return;
  vec *part = must_calloc(1, sizeof(vec));
  func *g;
  do {
    g = s->stack.items[--s->stack.len];
    s->on_stack[g->scc_pos] = false;
    vec_push(part, g);
  } while (g != f);
  vec_push(&s->pieces, part);
}

// emit solves scc, whose root is f: as one batch, or split.
static void emit(tarjan *t, func *f, vec *scc) {
  bool weak = false;
  for (int i = 0; i < scc->len && !weak; i++)
    weak = ((func *)scc->items[i])->weak_callees.len > 0;
  if (scc->len <= MAX_BATCH || !weak) {
    vec whole = {0};
    vec_push(&whole, scc);
    t->batch(f->unit, &whole);
    vec_free(&whole);
    for (int i = 0; i < scc->len; i++)
      ((func *)scc->items[i])->solved = true;
    return;
  }
  split s = {scc, NULL, NULL, 0, NULL, {0}, {0}};
  s.index = must_calloc(scc->len, sizeof(int));
  s.low = must_calloc(scc->len, sizeof(int));
  s.on_stack = must_calloc(scc->len, sizeof(bool));
  for (int i = 0; i < scc->len; i++)
    ((func *)scc->items[i])->scc_pos = i;
  // The targets of weak calls first, so that they are solved, when their
  // own calls allow, before the functions that call them; then the rest.
  for (int i = scc->len - 1; i >= 0; i--) {
    func *f = scc->items[i];
    for (int j = 0; j < f->weak_callees.len; j++) {
      func *g = f->weak_callees.items[j];
      if (in_split(&s, g) && !s.index[g->scc_pos])
        split_connect(&s, g);
    }
  }
  for (int i = scc->len - 1; i >= 0; i--)
    if (!s.index[i])
      split_connect(&s, scc->items[i]);
  for (int i = 0; i < scc->len; i++)
    ((func *)scc->items[i])->scc_pos = -1;
  free(s.index), free(s.low), free(s.on_stack);
  vec_free(&s.stack);
  t->batch(f->unit, &s.pieces);
  for (int i = 0; i < scc->len; i++)
    ((func *)scc->items[i])->solved = true;
  for (int i = 0; i < s.pieces.len; i++) {
    vec_free(s.pieces.items[i]);
    free(s.pieces.items[i]);
  }
  vec_free(&s.pieces);
}

void compute_sccs(program *p, void (*batch)(unit *, vec *pieces)) {
  for (int k = 0; k < p->units.len; k++) {
    unit *u = p->units.items[k];
    for (int i = 0; i < u->all_funcs.len; i++) {
      func *f = u->all_funcs.items[i];
      for (callsite *cs = f->calls; cs; cs = cs->next) {
        callsite_targets(u, cs, &cs->targets, &cs->unknown_target);
        for (int j = 0; j < cs->targets.len; j++) {
          func *g = cs->targets.items[j];
          if (g->unit != u)
            unit_import(u, g->name, g);
          if (!g->summary_only) // solved already, in an earlier run
            vec_push(cs->weak ? &f->weak_callees : &f->callees, g);
        }
        if (cs->unknown_target && cs->kind == CALLEE_DIRECT &&
            clang_getCursorLinkage(cs->callee_ref) == CXLinkage_External)
          unit_import(u, cs->callee_name, NULL);
      }
    }
  }
  tarjan t = {0, {0}, batch};
  for (int k = 0; k < p->units.len; k++) {
    unit *u = p->units.items[k];
    for (int i = 0; i < u->all_funcs.len; i++) {
      func *f = u->all_funcs.items[i];
      if (!f->index)
        connect(&t, f);
    }
  }
  vec_free(&t.stack);
}
