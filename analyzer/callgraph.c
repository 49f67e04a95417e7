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
#include "escape.h"

typedef struct {
  int index;
  vec stack;
  void (*batch)(unit *, vec *);
} tarjan;

static void connect(tarjan *t, func *f) {
  f->index = f->lowlink = ++t->index;
  vec_push(&t->stack, f);
  f->on_stack = true;
  for (int i = 0; i < f->callees.len; i++) {
    func *g = f->callees.items[i];
    if (!g->index) {
      connect(t, g);
      if (g->lowlink < f->lowlink)
        f->lowlink = g->lowlink;
    } else if (g->on_stack && g->index < f->lowlink) {
      f->lowlink = g->index;
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
  t->batch(f->unit, &scc);
  vec_free(&scc);
}

void compute_sccs(program *p, void (*batch)(unit *, vec *)) {
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
            vec_push(&f->callees, g);
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
