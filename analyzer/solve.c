// Solving a batch: solve.go's walks, plus the stores that C needs.
//
// Stores first. Go sends every store through a pointer to the heap; C code
// stores through pointers to its own locals all the time (a struct filled
// by an init function, an out-parameter), and that rule would flood check
// mode with false alarms. So a store *p = v waits until we know what p
// points to: pts_walk walks backwards from p and collects the locations
// whose address reaches p with derefs -1. Each store then becomes an edge
// into each of them. A pointer that may hold a value the analysis never saw
// written (loaded from a global, from the caller's memory, returned by an
// unknown function) sends the store to the heap. New edges can give
// pointers new targets, so resolve_stores repeats until nothing changes.
//
// Then the walks, exactly as Go's walkAll: from each root, walk backwards
// keeping the minimal derefs per location (a Bellman-Ford-style relaxation,
// LIFO work list). A location whose address (derefs < 0) reaches a root
// that outlives it escapes, and becomes a root itself, since anything
// stored into a heap object escapes too. A parameter reached from a root
// that outlives it leaks, which builds its summary. Each walk takes
// Θ(|E|) time and there are Θ(|roots|) of them; roots are the heap sinks,
// the result, the parameters' pointees, locals that escaped, and the
// pointer-holding locals whose block encloses another block in which an
// address is taken (the only ones that can outlive something); such a
// local is not walked once everything whose address is taken inside its
// block has escaped (worth_walking).
#include "escape.h"

#include <stdlib.h>

static enum CXChildVisitResult note_ref(CXCursor c, CXCursor parent,
                                        CXClientData data) {
  unit *u = data;
  if (c.kind == CXCursor_DeclRefExpr) {
    location *l = local_of(u, clang_getCursorReferenced(c));
    unsigned off = end_offset(c);
    if (l && off > l->last_ref)
      l->last_ref = off;
  }
  return CXChildVisit_Recurse;
}

// dead_after reports whether variable root is never used once l's block
// has ended, so that holding l's address there is harmless:
//
//     int *p = q;
//     if (c) { int x; p = &x; use(*p); }   // p is not used after the if
//
// It needs structured control flow between the two blocks (no loop body,
// no backward goto: a later iteration would read p first), and no alias of
// root (its address never taken). The last mention of each local is found
// by one extra walk of the function, done only when a case comes up.
static bool dead_after(unit *u, location *root, location *l) {
  func *fn = root->fn;
  location *r = root_of(root);
  if (fn->back_goto || r->addrtaken)
    return false;
  for (scope *s = l->scope; s && s != root->scope; s = s->parent)
    if (s->loop)
      return false;
  if (!fn->refs_scanned) {
    fn->refs_scanned = true;
    clang_visitChildren(fn->decl, note_ref, u);
  }
  return r->last_ref < scope_end(l->scope);
}

// outlives reports whether root outlives l, so that l's address must not
// reach it. The rules:
//
// The heap outlives everything, and so does a local that escaped to it.
//
// The result and the caller's memory outlive every local of the callee:
//     int *f(void) { int x; return &x; }
//     void g(int **out) { int x; *out = &x; }
//
// A variable outlives the locals of blocks nested inside its own block:
//     int *p;
//     for (...) { int x; p = &x; }   // x dies at each iteration's end
//
// unless the variable is not used after the block ends (dead_after).
static bool outlives(unit *u, location *root, location *l) {
  if (root->escapes)
    return true;
  if (root->kind == LOC_RESULT || root->kind == LOC_CONTENT)
    return true;
  if (root->kind != LOC_VAR && root->kind != LOC_FIELD &&
      root->kind != LOC_PARAM)
    return false;
  if (l->fn != root->fn || !l->scope || !root->scope)
    return false;
  return scope_encloses(root->scope, l->scope) && !dead_after(u, root, l);
}

static bool reportable(location *l) {
  return l->kind == LOC_VAR || l->kind == LOC_FIELD || l->kind == LOC_PARAM ||
         l->kind == LOC_ALLOC;
}

static escape_kind kind_of(location *root) {
  switch (root->kind) {
  case LOC_RESULT:
    return ESC_RETURN;
  case LOC_CONTENT:
    return ESC_PARAM;
  case LOC_HEAP:
    return root->sink;
  default:
    if (root->kind == LOC_ALLOC && root->alloc == ALLOC_MALLOC)
      return ESC_HEAP; // stored in heap memory, however that memory escaped
    return root->escapes ? root->why : ESC_SCOPE;
  }
}

static void mark_tree(location *l, location *root, escape_kind why,
                      vec *roots) {
  if (!l->escapes) {
    l->escapes = true;
    l->why = why;
    l->esc_root = root;
    vec_push(roots, l);
  }
  for (location *f = l->fields; f; f = f->next_field)
    mark_tree(f, root, why, roots);
}

// escape marks l as escaping to root and queues it (and, for a struct, all
// of its fields: the whole variable moves to the heap) as a new root.
static void escape(unit *u, location *root, location *l, vec *roots) {
  if (l->dst && l->dst_edge < l->dst->nedges)
    l->esc_note = l->dst->edges[l->dst_edge].notes;
  location *v = root_of(l);
  if (v != l && !v->escapes)
    v->esc_note = l->esc_note;
  if (u->opt->explain && !v->explanation)
    explain_escape(u, root, l, l->derefs); // sets l's and v's
  escape_kind why = kind_of(root);
  l->escapes = true;
  l->why = why;
  l->esc_root = root;
  vec_push(roots, l);
  mark_tree(v, root, why, roots);
}

// sink_name_of names what root stands for: a global, an unknown callee. An
// escaped local stands for the sink it escaped to.
static const char *sink_name_of(location *root) {
  for (int i = 0; i < 100 && root && root->kind != LOC_HEAP; i++)
    root = root->escapes && root->esc_root != root ? root->esc_root : NULL;
  return root && root->kind == LOC_HEAP ? root->sink_name : NULL;
}

static void leak_to(unit *u, location *root, location *l, int derefs) {
  if (!l->paramesc) {
    l->paramesc = arena_alloc(&u->arena, sizeof(leaks));
    leaks_init(l->paramesc);
  }
  leaks *s = l->paramesc;
  bool improved;
  if (root->kind == LOC_RESULT && root->fn == l->fn && !root->escapes)
    improved = leaks_add_result(s, derefs);
  else if (root->kind == LOC_CONTENT && root->fn == l->fn &&
           root->param_index >= 0 && root->param_index < MAX_LEAK_PARAMS)
    improved = leaks_add_content(s, root->param_index, derefs);
  else
    improved = leaks_add_heap(s, derefs, kind_of(root), sink_name_of(root));
  if (improved && u->opt->m >= 2)
    explain_leak(u, root, l, derefs);
}

static void push(vec *todo, location *l) {
  if (!l->queued) {
    l->queued = true;
    vec_push(todo, l);
  }
}

static void walk_one(unit *u, location *root, vec *roots) {
  vec todo = u->walk_todo; // reused: one walk per root adds up
  todo.len = 0;
  u->prog->walkgen++;
  root->walkgen = u->prog->walkgen;
  root->derefs = 0;
  root->dst = NULL;
  push(&todo, root);
  while (todo.len) {
    location *l = todo.items[--todo.len];
    l->queued = false;
    int derefs = l->derefs;
    bool address_of = derefs < 0;
    if (address_of)
      derefs = 0; // root = &l; l = x: l's address flows, x's does not
    // outlives is asked only where its answer matters: dead_after walks
    // the scopes between the two, and this runs once per visit of a walk.
    bool leaks = l->kind == LOC_PARAM;
    bool moves = address_of && reportable(l) && !l->escapes;
    if ((leaks || moves) && outlives(u, root, l)) {
      if (leaks)
        leak_to(u, root, l, derefs);
      if (moves) {
        escape(u, root, l, roots);
        continue;
      }
    }
    // The caller's memory reached by address: what the callee stores there
    // is already summarized as "to content of" that parameter, and the
    // caller applies it; walking on would claim those values flow here.
    if (address_of && l->kind == LOC_CONTENT && l != root)
      continue;
    for (int i = 0; i < l->nedges; i++) {
      edge *e = &l->edges[i];
      location *s = e->src;
      if (s->escapes)
        continue;
      int d = derefs + e->derefs;
      if (s->walkgen != u->prog->walkgen || s->derefs > d) {
        s->walkgen = u->prog->walkgen;
        s->derefs = d;
        s->dst = l;
        s->dst_edge = i;
        push(&todo, s);
      }
    }
  }
  u->walk_todo = todo;
}

// pts_walk collects the locations ptr may point to into targets, and sets
// *unknown when ptr may hold an address the analysis did not see taken.
// Unlike walk_one it must not keep only the minimal derefs: *q and q reach
// different objects, so each location is visited once per derefs level.
enum { MAX_PTS_DEREFS = 6 };

struct pts_item {
  location *l;
  int derefs;
};

// pts_push queues l at derefs d unless it was queued at that level already.
static void pts_push(unit *u, location *l, int d, bool *unknown) {
  if (l->walkgen != u->prog->walkgen) {
    l->walkgen = u->prog->walkgen;
    l->pts_levels = 0;
  }
  if (d > MAX_PTS_DEREFS) {
    *unknown = true;
    return;
  }
  if (l->pts_levels & (1u << (d + 1)))
    return;
  l->pts_levels |= 1u << (d + 1);
  if (u->pts_len == u->pts_cap) {
    u->pts_cap = u->pts_cap ? u->pts_cap * 2 : 64;
    u->pts_todo =
        must_realloc(u->pts_todo, u->pts_cap * sizeof(struct pts_item));
  }
  u->pts_todo[u->pts_len++] = (struct pts_item){l, d};
}

static void pts_walk(unit *u, location *ptr, vec *targets, bool *unknown,
                     int round) {
  u->prog->walkgen++;
  u->pts_len = 0;
  *unknown = false;
  pts_push(u, ptr, 0, unknown);
  while (u->pts_len) {
    struct pts_item it = u->pts_todo[--u->pts_len];
    location *l = it.l;
    if (it.derefs < 0) {
      if (l->kind == LOC_UNKNOWN)
        *unknown = true;
      else
        vec_push(targets, l);
      continue;
    }
    if (l->kind == LOC_UNKNOWN || l->kind == LOC_HEAP ||
        l->kind == LOC_CONTENT) {
      *unknown = true;
      continue;
    }
    l->pts_round = round;
    for (int i = 0; i < l->nedges; i++) {
      int d = it.derefs + l->edges[i].derefs;
      pts_push(u, l->edges[i].src, d < -1 ? -1 : d, unknown);
    }
  }
}

static bool has_edge(location *dst, location *src, int derefs) {
  for (int i = 0; i < dst->nedges; i++)
    if (dst->edges[i].src == src && dst->edges[i].derefs <= derefs)
      return true;
  return false;
}

// resolve_stores turns each store into edges to what its pointer may point
// to, until no store finds a new target. A new edge into t can only change
// the targets of pointers whose walk read t's value; when no walk of this
// round read it, another round would find nothing new.
static void resolve_stores(unit *u, vec *fns) {
  enum { MAX_ROUNDS = 16 };
  vec targets = {0};
  for (int round = 1;; round++) {
    bool changed = false;
    for (int f = 0; f < fns->len; f++) {
      func *fn = fns->items[f];
      for (int i = 0; i < fn->stores.len; i++) {
        store *s = fn->stores.items[i];
        bool unknown;
        targets.len = 0;
        pts_walk(u, s->ptr, &targets, &unknown, round);
        if (round == MAX_ROUNDS)
          unknown = true; // give up precision, never soundness
        if (unknown && !s->to_heap) {
          s->to_heap = true;
          add_edge(u, heap_sink(u, ESC_HEAP, NULL), s->src, s->derefs,
                   s->notes);
        }
        for (int t = 0; t < targets.len; t++) {
          location *dst = targets.items[t];
          if (has_edge(dst, s->src, s->derefs))
            continue;
          add_edge(u, dst, s->src, s->derefs, s->notes);
          changed |= dst->pts_round == round;
        }
      }
    }
    if (!changed || round == MAX_ROUNDS)
      break;
  }
  vec_free(&targets);
}

// collapse_fields makes fields flow into their variable once its address
// is taken: a read through a pointer to the variable sees every field.
static void collapse(unit *u, location *l) {
  for (location *f = l->fields; f; f = f->next_field) {
    add_edge(u, l, f, 0, NULL);
    collapse(u, f);
  }
}

static void collapse_fields(unit *u, func *fn) {
  for (int i = 0; i < fn->locations.len; i++) {
    location *l = fn->locations.items[i];
    if (!l->parent && l->fields && l->addrtaken)
      collapse(u, l);
  }
}

// give_up makes everything of a function that was lowered only in part
// escape: its address, its value, what its parameters point to.
static void give_up(unit *u, func *fn) {
  if (!fn->too_deep)
    return;
  fprintf(stderr,
          "escape-check: note: '%s' nests deeper than %d levels; everything "
          "it takes the address of is taken to escape\n",
          fn->name, MAX_NESTING);
  location *sink = heap_sink(u, ESC_HEAP, NULL);
  for (int i = 0; i < fn->locations.len; i++) {
    location *l = fn->locations.items[i];
    if (l->kind == LOC_VAR || l->kind == LOC_PARAM || l->kind == LOC_ALLOC)
      add_edge(u, sink, l, -1, NULL);
    if (l->kind == LOC_PARAM)
      add_edge(u, sink, l, 0, NULL);
  }
  if (fn->result)
    add_edge(u, fn->result, u->unknown, 0, NULL);
}

static void add_roots(func *fn, vec *roots) {
  int deepest = -1;
  for (int i = 0; i < fn->locations.len; i++) {
    location *l = fn->locations.items[i];
    if (l->addrtaken && l->scope && reportable(l) && l->scope->depth > deepest)
      deepest = l->scope->depth;
  }
  for (int i = 0; i < fn->locations.len; i++) {
    location *l = fn->locations.items[i];
    if (l->kind == LOC_RESULT || l->kind == LOC_CONTENT)
      vec_push(roots, l);
    else if ((l->kind == LOC_VAR || l->kind == LOC_FIELD ||
              l->kind == LOC_PARAM) &&
             l->has_pointers && l->scope && l->scope->depth < deepest)
      vec_push(roots, l);
  }
  for (int i = 0; i < fn->sinks.len; i++)
    vec_push(roots, fn->sinks.items[i]);
}

// summarize computes fn's summaries from its parameters' leaks and reports
// whether they changed.
static bool summarize(unit *u, func *fn) {
  bool changed = false;
  for (int i = 0; i <= fn->nparams; i++) {
    location *p = i < fn->nparams ? fn->params[i] : fn->varargs;
    leaks l;
    leaks_init(&l);
    if (p && p->paramesc) {
      l = *p->paramesc;
      leaks_optimize(&l);
      // p->a = p->b stores into *p what *p already held: nothing new for
      // the caller.
      if (i < MAX_LEAK_PARAMS && l.content[i] >= 1)
        l.content[i] = -1;
    }
    leaks *old = &fn->summary[i];
    bool same = l.heap == old->heap && l.result == old->result;
    for (int j = 0; j < MAX_LEAK_PARAMS && same; j++)
      same = l.content[j] == old->content[j];
    if (!same) {
      *old = l;
      changed = true;
    }
  }
  if (fn->result) {
    vec targets = {0};
    bool unknown;
    pts_walk(u, fn->result, &targets, &unknown, -1);
    for (int i = 0; i < targets.len && !unknown; i++)
      unknown = ((location *)targets.items[i])->kind != LOC_CONTENT;
    changed |= unknown != fn->result_unknown;
    fn->result_unknown = unknown;
    vec_free(&targets);
  }
  if (changed)
    fn->changed_at = ++u->prog->summary_clock;
  return changed;
}

// worth_walking reports whether a walk from root can still change
// anything. A local that has not escaped outlives only the locals of blocks
// strictly inside its own, so its walk can only make one of those escape:
// one whose address is taken (a location reached by address has, or is a
// field of, a variable whose address is taken: add_edge). pending holds
// the batch's locations that could still escape; once none of them lies
// inside root's block the walk would find nothing. Without this, a pointer
// declared in each of 16,000 nested blocks makes 16,000 walks of the whole
// function.
static bool worth_walking(location *root, vec *pending) {
  if (root->escapes || (root->kind != LOC_VAR && root->kind != LOC_FIELD &&
                        root->kind != LOC_PARAM))
    return true;
  for (int i = 0; i < pending->len;) {
    location *l = pending->items[i];
    if (l->escapes) {
      pending->items[i] = pending->items[--pending->len];
      continue;
    }
    if (l->fn == root->fn && l->scope && root->scope &&
        scope_encloses(root->scope, l->scope))
      return true;
    i++;
  }
  return false;
}

// solve_round resolves stores and walks every root once.
static void solve_round(unit *u, vec *fns) {
  resolve_stores(u, fns);
  vec pending = {0};
  for (int f = 0; f < fns->len; f++) {
    func *fn = fns->items[f];
    for (int i = 0; i < fn->locations.len; i++) {
      location *l = fn->locations.items[i];
      if (reportable(l) && root_of(l)->addrtaken && !l->escapes)
        vec_push(&pending, l);
    }
  }
  // The function's own roots go first, the sinks that calls created last:
  // a local reached from both is reported with its most direct escape
  // (stored through db, rather than db's pointee passed to a callee).
  vec roots = {0};
  for (int f = 0; f < fns->len; f++)
    add_roots(fns->items[f], &roots);
  for (int i = 0; i < u->sinks->len; i++)
    vec_push(&roots, u->sinks->items[i]);
  for (int f = 0; f < fns->len; f++) {
    func *fn = fns->items[f];
    for (int i = 0; i < fn->locations.len; i++) {
      location *l = fn->locations.items[i];
      if (l->escapes)
        vec_push(&roots, l); // escaped in an earlier round
    }
  }
  // Walk the initial roots in order; escaping locations are appended and
  // walked in turn.
  for (int i = 0; i < roots.len; i++)
    if (worth_walking(roots.items[i], &pending))
      walk_one(u, roots.items[i], &roots);
  vec_free(&roots);
  vec_free(&pending);
}

static void relink_batch(unit *u, vec *fns) {
  for (int f = 0; f < fns->len; f++) {
    func *fn = fns->items[f];
    for (callsite *cs = fn->calls; cs; cs = cs->next)
      link_call(u, cs, true);
  }
}

// A batch is solved as a fixpoint. Calls within it use the callees'
// current summaries, starting from "nothing escapes" and recomputed after
// each round until they stop changing: leaks only grow, so this reaches the
// least fixpoint, which keeps recursion from confusing one activation's
// locals with another's (Go connects the calls directly instead, and
// reports a caller's local as escaping when a recursive callee returns
// it). After MAX_ROUNDS the batch falls back to Go's direct connection.
//
// A split SCC (callgraph.c) is solved piece by piece, in order, and the
// pieces are iterated to a fixpoint as well: the summaries of every
// function of the SCC start as "nothing escapes", so a call into a piece
// not solved yet first uses that, optimistically. Each piece remembers the
// summary clock when it linked its calls; a piece that calls a function of
// another piece whose summary changed since (changed_at) links those calls
// again with the grown summary (the edges of the old one are a subset) and
// is solved again, from where it stood: its graph and summaries are kept
// until the whole SCC is done, and only then reported and freed. Passes
// over the pieces repeat until none is stale; after MAX_PASSES, every call
// between pieces is linked as unknown and each piece solved once more, so
// that no summary is left resting on an optimistic one.
typedef struct {
  vec *fns;
  int index;          // 1 + its position: its functions' func.piece
  vec sinks;          // the heap sinks its calls created
  unsigned linked_at; // program.summary_clock when its calls were linked
} piece;

// fresh_summary gives fn the summary "nothing escapes", the start of the
// fixpoint.
static void fresh_summary(unit *u, func *fn) {
  fn->summary = arena_alloc(&u->arena, (fn->nparams + 1) * sizeof(leaks));
  for (int i = 0; i <= fn->nparams; i++)
    leaks_init(&fn->summary[i]);
}

// iterate solves fns, their calls linked, until their summaries settle.
static void iterate(unit *u, vec *fns) {
  enum { MAX_ROUNDS = 8 };
  for (int round = 1;; round++) {
    solve_round(u, fns);
    bool changed = false;
    for (int f = 0; f < fns->len; f++)
      changed |= summarize(u, fns->items[f]);
    if (!changed)
      break;
    if (round == MAX_ROUNDS) {
      for (int f = 0; f < fns->len; f++)
        ((func *)fns->items[f])->summary = NULL;
      relink_batch(u, fns);
      solve_round(u, fns);
      for (int f = 0; f < fns->len; f++) {
        fresh_summary(u, fns->items[f]);
        summarize(u, fns->items[f]);
      }
      break;
    }
    relink_batch(u, fns);
  }
}

static void enter(unit *u, piece *pc, bool in) {
  u->sinks = &pc->sinks;
  for (int f = 0; f < pc->fns->len; f++)
    ((func *)pc->fns->items[f])->in_batch = in;
}

// solve_first links pc's calls and solves it.
static void solve_first(unit *u, piece *pc) {
  enter(u, pc, true);
  for (int f = 0; f < pc->fns->len; f++)
    fresh_summary(u, pc->fns->items[f]);
  pc->linked_at = u->prog->summary_clock;
  for (int f = 0; f < pc->fns->len; f++) {
    func *fn = pc->fns->items[f];
    for (callsite *cs = fn->calls; cs; cs = cs->next)
      link_call(u, cs, false);
  }
  for (int f = 0; f < pc->fns->len; f++) {
    collapse_fields(u, pc->fns->items[f]);
    give_up(u, pc->fns->items[f]);
  }
  iterate(u, pc->fns);
  enter(u, pc, false);
}

// stale_target reports whether g, a target of a call in pc, is in another
// piece and its summary changed since pc linked its calls.
static bool stale_target(piece *pc, func *g) {
  return g->piece && g->piece != pc->index && g->changed_at > pc->linked_at;
}

static bool stale(piece *pc) {
  for (int f = 0; f < pc->fns->len; f++) {
    func *fn = pc->fns->items[f];
    for (callsite *cs = fn->calls; cs; cs = cs->next)
      for (int i = 0; i < cs->targets.len; i++)
        if (stale_target(pc, cs->targets.items[i]))
          return true;
  }
  return false;
}

// solve_again links pc's calls into other pieces whose summaries changed
// again (as unknown calls, when giving up) and solves it on.
static void solve_again(unit *u, piece *pc, bool as_unknown) {
  enter(u, pc, true);
  for (int f = 0; f < pc->fns->len; f++) {
    func *fn = pc->fns->items[f];
    for (callsite *cs = fn->calls; cs; cs = cs->next)
      for (int i = 0; i < cs->targets.len; i++) {
        func *g = cs->targets.items[i];
        if (as_unknown && g->piece && g->piece != pc->index) {
          link_unknown(u, cs);
          break;
        }
        if (stale_target(pc, g))
          link_func(u, cs, g);
      }
  }
  pc->linked_at = u->prog->summary_clock;
  iterate(u, pc->fns);
  enter(u, pc, false);
}

// finish reports pc's functions and frees their graphs: callers need only
// the summaries now.
static void finish(piece *pc) {
  for (int f = 0; f < pc->fns->len; f++) {
    func *fn = pc->fns->items[f];
    fn->piece = 0;
    if (fn->in_main_file) {
      report_function(fn->unit, fn);
      if (fn->unit->moved)
        record_moved(fn->unit, fn);
    }
  }
  for (int i = 0; i < pc->sinks.len; i++) {
    location *s = pc->sinks.items[i];
    free(s->edges);
    s->edges = NULL;
    s->nedges = s->edges_cap = 0;
  }
  vec_free(&pc->sinks);
  for (int f = 0; f < pc->fns->len; f++)
    free_graph(pc->fns->items[f]);
}

void solve_batch(unit *u, vec *pieces) {
  enum { MAX_PASSES = 8 };
  int n = pieces->len;
  piece *pcs = must_calloc(n, sizeof(piece));
  for (int i = 0; i < n; i++) {
    pcs[i].fns = pieces->items[i];
    pcs[i].index = n > 1 ? i + 1 : 0;
    for (int f = 0; f < pcs[i].fns->len; f++) {
      func *fn = pcs[i].fns->items[f];
      fn->piece = pcs[i].index;
      fresh_summary(u, fn);
    }
  }
  for (int i = 0; i < n; i++)
    solve_first(u, &pcs[i]);
  bool again = n > 1;
  for (int pass = 1; again && pass <= MAX_PASSES; pass++) {
    again = false;
    for (int i = 0; i < n; i++)
      if (stale(&pcs[i])) {
        solve_again(u, &pcs[i], false);
        again = true;
      }
  }
  bool stuck = false;
  for (int i = 0; again && i < n && !stuck; i++)
    stuck = stale(&pcs[i]);
  for (int i = 0; stuck && i < n; i++)
    solve_again(u, &pcs[i], true);
  for (int i = 0; i < n; i++)
    finish(&pcs[i]);
  u->sinks = NULL; // pcs[i].sinks is gone
  free(pcs);
}
