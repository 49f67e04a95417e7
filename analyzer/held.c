// Check mode's flow-sensitive pass: is the address still held when the
// local dies?
//
// Go's analysis is flow-insensitive: once g = &x appears anywhere in a
// function, x moves to the heap. That is the right verdict for -m and for
// escape-cc (a heap object never dangles), but not for a warning, because C
// code saves and restores, clears what it set, and reuses its pointers:
//
//     lj.previous = L->errorJmp;   // Lua's luaD_rawrunprotected
//     L->errorJmp = &lj;
//     f(L, ud);
//     L->errorJmp = lj.previous;   // undone: nothing holds &lj on return
//
//     char *p = buf; fill(p); p = must_strdup(buf); return p;   // not &buf
//
// A check-mode warning means that on some path the address is still held
// when the local dies. So in check mode (never with -m) lowering also
// builds a control-flow graph of the few events that matter (stmt.c splits
// blocks at branches and jumps, expr.c records reads and assignments of
// places), and once a function is lowered this file solves which
// assignments reach which point, and changes the graph in two ways before
// the solver runs as usual:
//
//   1. An assignment into a place that is *undone* loses its edges and
//      store records: on every path from it the place is assigned again
//      before anything can see what it holds.
//   2. Each read of a pointer variable (a local or parameter whose address
//      is never taken) gets a temporary of its own, which receives the
//      values of the assignments that reach the read, not all of the
//      variable's: a pointer reassigned before it is returned is not a
//      returned address. A parameter's value on entry is an assignment
//      made first; once the body assigns the parameter, reads that see the
//      entry value take it from a second location standing for it, which
//      leaks as the parameter (entry_value).
//
// Parameter summaries in check mode are therefore flow-sensitive too.
//
// A place is an access path: a variable and steps, g, p, s.f, *out,
// L->errorJmp (L, deref, .errorJmp); a union's members are the union. What
// a place holds is seen by:
//
//   - a read that copies the place, a struct holding it, or a path it
//     extends (q = g, M = L, a copy of s), not one that tests or compares
//     it (if (g), p == &x); a read through a pointer reads the pointers on
//     its way (L in L->errorJmp), since the graph finds memory from them;
//   - a call argument naming the place, or a struct that holds it. A call
//     passed L may still read L->errorJmp: that is the callee's business,
//     as the save/restore idiom needs;
//   - the function's return, for places that outlive the call (globals,
//     statics, what parameters point to);
//   - the end of a block that declares locals, for a place that outlives
//     the block and an assignment made inside it: one of the block's locals
//     may be the one whose address it holds (a scope escape);
//   - an assignment to a variable the path goes through (L = M leaves the
//     old L->errorJmp behind), and inline assembly, after which everything
//     counts as seen. A function with a computed goto or an asm goto, which
//     jump where the graph has no edge, is left as Go's analysis sees it.
//
// A place whose address is taken anywhere in the function (&p, &s, a
// cleanup attribute) may be read through an alias: its assignments are
// never undone, and its reads are not versioned. An assignment in a
// conditionally evaluated operand (?:, &&, ||) overwrites nothing. A
// branch on p == &q (or !=) knows where p does not hold &q:
//
//     if (!p) p = &q;
//     if (p == &q) p = 0;   // no path past this if has p == &q
//
// The analysis is a forward may-analysis of the live assignments, one bit
// each, per basic block, solved with a work list: each block's events are
// applied in order, and a live assignment meeting a use is marked used,
// with where (report.c's note "still holds the address here"); a last pass
// over the solved blocks collects what reaches each versioned read. The
// work is bounded (MAX_BITS, MAX_WORK): past it the pass gives up, nothing
// is undone and reads see every assignment, as Go's analysis does.
//
// A setjmp returns again when a later call longjmps: each call lowered
// after it also jumps to where it returned (held_call).
//
// What it cannot see: a callee, or the same memory under another name
// (M->errorJmp with M == L, *gp with gp == &g), copying the place between
// the assignment and its undo.
#include "escape.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum {
  MAX_PATH = 16,        // steps in a place's access path
  MAX_SCOPES = 64,      // blocks one jump may leave before it is opaque
  MAX_BITS = 1 << 21,   // bitset words (blocks x assignments / 64): 16 MB
  MAX_WORK = 1 << 26,   // bitset words touched by the solve
  MAX_ANCESTRY = 64,    // blocks between two before assuming the worst
  MAX_COPIES = 1 << 16, // edges versioned reads may copy, beyond the graph's
};

// A key is one access path, interned: a root variable, or a step from its
// parent (a dereference, or a member).
typedef struct {
  int parent, depth; // parent: -1 for a root variable
  bool deref;        // this step dereferences (*p, and the p-> of p->f)
  bool nonlocal;     // outlives the function: a global root, or a deref
  bool aliased;      // its address is taken somewhere in the function
  bool versioned;    // a pointer variable whose reads are versioned (solve)
  bool shifted;      // p++, p += n: it may point past what was assigned
  scope *scope;      // a local root's block
  location *var;     // a local root's location
  CXCursor what;     // the root's declaration, or the member's FieldDecl
  unsigned hash;
} hkey;

// Each event reads some places; EV_STORE also writes one. Reading s.f
// reads what was assigned to s as a whole, and a path through pointers
// (p->f, *q) reads the pointers on its way too, since the graph finds the
// memory from their values: these are the place's prefixes.
typedef enum {
  EV_STORE,  // an assignment into a place (p: the held_store); reads the
             // prefixes it goes through a pointer from
  EV_COPY,   // a read of the value of a place: the place, its prefixes, and
             // what extends it (all that a copy of it reaches)
  EV_PASS,   // a call argument: the place, its prefixes, its members
  EV_DEREF,  // a store through the place: the place's value only
  EV_BASE,   // the address of a place is taken: the prefixes it goes
             // through a pointer from
  EV_END,    // a block that declares locals ends (p: the scope)
  EV_UNLESS, // a branch where the place is known not to hold &X (p: X)
  EV_VREAD,  // a versioned read of a pointer variable (p: its hvread); if
             // the variable is not versioned after all, EV_COPY or EV_DEREF
  EV_OPAQUE, // anything may read anything
} ev_kind;

typedef struct {
  ev_kind kind;
  int key;
  void *p;
  CXSourceLocation at;
} hevent;

typedef struct {
  hevent *ev;
  int nev, ev_cap;
  int *succ;
  int nsucc, succ_cap;
} hblock;

typedef struct {
  int block;
  scope *scope;
} hlabel;

// A versioned read: r receives the values of the assignments to l that
// reach the read, instead of all of l's.
typedef struct {
  location *r, *l;
  int key;
  bool through; // what the pointer points to may be read through the value
                // (a copy of it, p[i]); not when it is a call argument, or
                // the base of a place whose own read is an event (p->f)
  vec reach;    // held_store*: the assignments of key live at the read
} hvread;

// A goto leaves blocks that only its label's position tells: it keeps the
// blocks with locals it is in, and they are resolved once every label is.
typedef struct {
  int block;
  CXCursor target;
  CXSourceLocation at;
  scope *left[MAX_SCOPES];
  int nleft;
} hgoto;

struct held {
  hblock *blocks;
  int nblocks, blocks_cap;
  int cur; // the block lowering appends to
  hkey *keys;
  int nkeys, keys_cap;
  int *slots; // hash table of keys: index + 1, 0 when empty
  unsigned nslots;
  vec stores;      // held_store*, by id
  vec locals;      // scope*: the enclosing blocks that declare locals
  held_jump *jump; // innermost loop or switch
  cursor_map labels;
  vec gotos;  // hgoto*
  vec vreads; // hvread*
  // A parameter's value on entry is an assignment of its own, made first;
  // a parameter assigned in the body gets a second location for the reads
  // that see its entry value (entry_value), sharing its leaks.
  held_store **entry;     // [fn->nparams]
  location **entry_value; // [fn->nparams]
  int *records;           // pairs: an index in fn->stores, the held_store's id
  int nrecords, records_cap;
  vec returns;  // (int) blocks where a setjmp returns, perhaps again
  int ends;     // EV_END events so far
  int in_path;  // lowering the inner parts of a place already recorded
  int cond;     // inside a conditionally evaluated operand
  bool gave_up; // control flow the graph does not follow (held_give_up)
  func *fn;
  CXFile file; // where fn is written: block ends are offsets in it
};

// xrealloc is realloc or the end, as util.c's: the pass's arrays grow one
// element at a time.
static void *grow(void *p, int *cap, size_t size) {
  *cap = *cap ? *cap * 2 : 8;
  return must_realloc(p, *cap * size);
}

static int new_block(held *h) {
  if (h->nblocks == h->blocks_cap)
    h->blocks = grow(h->blocks, &h->blocks_cap, sizeof(hblock));
  h->blocks[h->nblocks] = (hblock){0};
  return h->nblocks++;
}

static void edge_to(held *h, int from, int to) {
  if (from < 0 || to < 0)
    return;
  hblock *b = &h->blocks[from];
  for (int i = 0; i < b->nsucc; i++)
    if (b->succ[i] == to)
      return;
  if (b->nsucc == b->succ_cap)
    b->succ = grow(b->succ, &b->succ_cap, sizeof(int));
  b->succ[b->nsucc++] = to;
}

static void event_in(held *h, int block, ev_kind kind, int key, void *p,
                     CXSourceLocation at) {
  hblock *b = &h->blocks[block];
  if (b->nev == b->ev_cap)
    b->ev = grow(b->ev, &b->ev_cap, sizeof(hevent));
  b->ev[b->nev++] = (hevent){kind, key, p, at};
}

static void event(held *h, ev_kind kind, int key, void *p,
                  CXSourceLocation at) {
  event_in(h, h->cur, kind, key, p, at);
}

// jump_from starts the block for a jump's own events, and returns the
// block of the code after the jump: one that nothing falls into, unless the
// jump sits in an operand evaluated only sometimes (c ? ({ return 0; }) :
// 1), when the code after it is also reached from before it.
static int jump_from(held *h) {
  int after = new_block(h);
  if (h->cond) {
    int jump = new_block(h);
    edge_to(h, h->cur, jump);
    edge_to(h, h->cur, after);
    h->cur = jump;
  }
  return after;
}

//
// Places
//

static unsigned key_hash(int parent, bool deref, CXCursor what) {
  unsigned h = (unsigned)parent * 2654435761u + deref;
  return deref ? h : h ^ clang_hashCursor(what) * 40503u;
}

static bool key_equal(const hkey *k, int parent, bool deref, CXCursor what) {
  return k->parent == parent && k->deref == deref &&
         (deref || clang_equalCursors(k->what, what));
}

static void rehash(held *h) {
  free(h->slots);
  h->nslots = h->nslots ? h->nslots * 2 : 64;
  h->slots = must_realloc(NULL, h->nslots * sizeof(int));
  memset(h->slots, 0, h->nslots * sizeof(int));
  for (int i = 0; i < h->nkeys; i++) {
    unsigned s = h->keys[i].hash & (h->nslots - 1);
    while (h->slots[s])
      s = (s + 1) & (h->nslots - 1);
    h->slots[s] = i + 1;
  }
}

// intern returns the key of (parent, step), making it on first use.
static int intern(held *h, int parent, bool deref, CXCursor what,
                  location *var) {
  if ((unsigned)(h->nkeys + 1) * 2 > h->nslots)
    rehash(h);
  unsigned hash = key_hash(parent, deref, what);
  unsigned s = hash & (h->nslots - 1);
  for (; h->slots[s]; s = (s + 1) & (h->nslots - 1))
    if (h->keys[h->slots[s] - 1].hash == hash &&
        key_equal(&h->keys[h->slots[s] - 1], parent, deref, what))
      return h->slots[s] - 1;
  if (h->nkeys == h->keys_cap)
    h->keys = grow(h->keys, &h->keys_cap, sizeof(hkey));
  hkey k = {.parent = parent, .deref = deref, .what = what, .hash = hash};
  if (parent >= 0) {
    hkey *p = &h->keys[parent];
    k.depth = p->depth + 1;
    k.nonlocal = p->nonlocal || deref;
    k.scope = p->scope;
    k.var = p->var;
  } else {
    k.nonlocal = var == NULL;
    k.scope = var ? var->scope : NULL;
    k.var = var;
  }
  h->keys[h->nkeys] = k;
  h->slots[s] = h->nkeys + 1;
  return h->nkeys++;
}

static int root_key(unit *u, CXCursor decl) {
  if (decl.kind != CXCursor_VarDecl && decl.kind != CXCursor_ParmDecl)
    return -1;
  location *l = local_of(u, decl);
  return intern(u->held, -1, false, clang_getCanonicalCursor(decl), l);
}

static int step(held *h, int parent, bool deref, CXCursor what) {
  if (parent < 0 || h->keys[parent].depth >= MAX_PATH)
    return -1;
  return intern(h, parent, deref, what, NULL);
}

// place_key returns the key of the place expression c names, or -1 when c
// is not an access path through variables, members and dereferences, at
// most MAX_PATH steps long (deeper ones are not followed: linear time).
static int path_key(unit *u, CXCursor c, int depth) {
  held *h = u->held;
  if (depth > MAX_PATH)
    return -1;
  c = strip_implicit(u, c);
  int n;
  CXCursor *k;
  switch (c.kind) {
  case CXCursor_DeclRefExpr:
    return root_key(u, clang_getCursorReferenced(c));
  case CXCursor_MemberRefExpr: {
    CXCursor field = clang_getCursorReferenced(c);
    k = unit_children(u, c, &n);
    if (n < 1 || field.kind != CXCursor_FieldDecl)
      return -1;
    CXType rec = clang_getCanonicalType(clang_getCursorType(k[0]));
    int base = path_key(u, k[0], depth + 1);
    if (type_is_pointer(rec)) {
      base = step(h, base, true, clang_getNullCursor());
      rec = clang_getPointeeType(rec);
    } else if (!type_is_record(rec)) {
      return -1;
    }
    if (base < 0 || type_is_union(rec))
      return base; // members of a union are the union
    return step(h, base, false, field);
  }
  case CXCursor_UnaryOperator:
    if (clang_getCursorUnaryOperatorKind(c) != CXUnaryOperator_Deref)
      return -1;
    k = unit_children(u, c, &n);
    if (n < 1)
      return -1;
    return step(h, path_key(u, k[n - 1], depth + 1), true,
                clang_getNullCursor());
  default:
    return -1;
  }
}

static int place_key(unit *u, CXCursor c) { return path_key(u, c, 0); }

// below reports whether key t is k or lies under it; with fields_only, only
// through members (what a copy of k's value carries), and with strict, not
// k itself.
static bool below(held *h, int t, int k, bool fields_only, bool strict) {
  if (t == k)
    return !strict;
  bool deref = false;
  while (t >= 0 && h->keys[t].depth > h->keys[k].depth) {
    deref |= h->keys[t].deref;
    t = h->keys[t].parent;
  }
  return t == k && !(fields_only && deref);
}

// above reports whether key t is a strict prefix of k: a struct holding k
// (s for s.f), or a pointer on k's way (L for L->errorJmp), which with
// through_pointer must be dereferenced below t (L, or s for s.p->f).
static bool above(held *h, int t, int k, bool through_pointer) {
  if (t == k)
    return false;
  bool deref = false;
  for (; k >= 0 && h->keys[k].depth > h->keys[t].depth; k = h->keys[k].parent)
    deref |= h->keys[k].deref;
  return k == t && (deref || !through_pointer);
}

static bool aliased(held *h, int k) {
  for (; k >= 0; k = h->keys[k].parent) {
    if (h->keys[k].aliased)
      return true;
    if (h->keys[k].parent < 0 && h->keys[k].var &&
        root_of(h->keys[k].var)->addrtaken)
      return true;
  }
  return false;
}

//
// Events, as lowering meets them
//

static CXSourceLocation where(CXCursor c) { return clang_getCursorLocation(c); }

// is_argument reports whether hole k is a call's argument (call.c notes it).
static bool is_argument(hole k) {
  return k.notes && k.notes->why && !strcmp(k.notes->why, "call parameter");
}

// versionable reports whether reads of local l can be versioned: a pointer
// variable, not a struct or array whose parts are places of their own.
static bool versionable(location *l) {
  return l && (l->kind == LOC_VAR || l->kind == LOC_PARAM) && !l->parent &&
         !l->aggregate && !l->is_array && !l->fields && l->has_pointers &&
         l->param_index != -1;
}

bool held_read(unit *u, CXCursor c, hole k) {
  held *h = u->held;
  if (!h || h->in_path)
    return false;
  if (c.kind == CXCursor_UnaryOperator) {
    if (clang_getCursorUnaryOperatorKind(c) != CXUnaryOperator_Deref)
      return false;
  } else if (c.kind != CXCursor_DeclRefExpr &&
             c.kind != CXCursor_MemberRefExpr) {
    return false;
  }
  int key = place_key(u, c);
  if (key < 0)
    return false;
  h->in_path++; // its parts are part of this read, not reads of their own
  if (h->keys[key].parent < 0 && versionable(h->keys[key].var) && k.derefs >= 0)
    return true; // held_version records it
  if (k.derefs < 0) {
    h->keys[key].aliased = true;
    if (k.dst)
      event(h, EV_BASE, key, NULL, where(c));
  } else if (k.dst) {
    event(h, is_argument(k) ? EV_PASS : EV_COPY, key, NULL, where(c));
  }
  return true;
}

location *held_version(unit *u, location *l, hole k, CXCursor c) {
  held *h = u->held;
  if (!h || !k.dst || k.derefs < 0 || !versionable(l))
    return l;
  int key = root_key(u, l->decl);
  if (key < 0)
    return l;
  hvread *v = arena_alloc(&u->arena, sizeof(hvread));
  v->r = new_location(u, u->fn, LOC_TEMP, l->name);
  v->r->has_pointers = true;
  v->r->decl = l->decl;
  v->r->where = l->where;
  v->l = l;
  v->key = key;
  v->through = !h->in_path && !is_argument(k);
  vec_push(&h->vreads, v);
  event(h, EV_VREAD, key, v, where(c));
  return v->r;
}

void held_deref(unit *u, location *ptr, note *why) {
  if (!u->held || (ptr->kind != LOC_VAR && ptr->kind != LOC_PARAM))
    return;
  int key = root_key(u, ptr->decl);
  if (key >= 0)
    event(u->held, EV_DEREF, key, NULL,
          why ? where(why->where) : clang_getNullLocation());
}

void held_shift(unit *u, CXCursor c) {
  int key = u->held ? place_key(u, c) : -1;
  if (key >= 0)
    u->held->keys[key].shifted = true;
}

void held_path(unit *u, int delta) {
  if (u->held)
    u->held->in_path += delta;
}

void held_cond(unit *u, int delta) {
  if (u->held)
    u->held->cond += delta;
}

void held_copy(unit *u, CXCursor c) {
  if (!u->held)
    return;
  int key = place_key(u, c);
  if (key >= 0)
    event(u->held, EV_COPY, key, NULL, where(c));
}

// address_of returns the local whose address expression c is (&x, or an
// array x that decays), or NULL.
static location *address_of(unit *u, CXCursor c) {
  int n;
  for (int i = 0; i < MAX_PATH; i++) {
    CXCursor *k = unit_children(u, c, &n);
    if (c.kind == CXCursor_UnaryOperator &&
        clang_getCursorUnaryOperatorKind(c) == CXUnaryOperator_AddrOf && n) {
      CXCursor x = strip_implicit(u, k[n - 1]);
      return x.kind == CXCursor_DeclRefExpr
                 ? local_of(u, clang_getCursorReferenced(x))
                 : NULL;
    }
    if (c.kind == CXCursor_DeclRefExpr) {
      location *l = local_of(u, clang_getCursorReferenced(c));
      return l && l->is_array ? l : NULL;
    }
    if ((c.kind != CXCursor_ParenExpr && c.kind != CXCursor_UnexposedExpr &&
         c.kind != CXCursor_CStyleCastExpr) ||
        n < 1)
      return NULL;
    c = k[n - 1];
  }
  return NULL;
}

static held_store *new_store(unit *u, int key, CXCursor lhs, CXCursor rhs) {
  held *h = u->held;
  if (key < 0)
    return NULL;
  held_store *s = arena_alloc(&u->arena, sizeof(held_store));
  s->lhs = lhs;
  s->address_of = clang_Cursor_isNull(rhs) ? NULL : address_of(u, rhs);
  s->key = key;
  s->scope = u->scope;
  s->kills = h->cond == 0;
  s->ends = h->ends;
  s->id = h->stores.len;
  vec_push(&h->stores, s);
  return s;
}

held_store *held_assign(unit *u, CXCursor lhs, CXCursor rhs) {
  return u->held ? new_store(u, place_key(u, lhs), lhs, rhs) : NULL;
}

held_store *held_init(unit *u, CXCursor decl, CXCursor init) {
  return u->held ? new_store(u, root_key(u, decl), decl, init) : NULL;
}

// held_unless records, at the start of a branch of a test on cond, what
// the branch knows: in if (p == &q) A else B, p does not hold &q in B (nor
// in A for !=), so assignments of &q to p are not held there:
//
//     if (!p) p = &q;
//     ...
//     if (p == &q) p = 0;   // p holds &q on no path past this if
void held_unless(unit *u, CXCursor cond, bool taken) {
  held *h = u->held;
  if (!h)
    return;
  int n;
  CXCursor c = strip_implicit(u, cond), *k;
  for (int i = 0; i < MAX_PATH && c.kind == CXCursor_UnaryOperator &&
                  clang_getCursorUnaryOperatorKind(c) == CXUnaryOperator_LNot;
       i++) {
    k = unit_children(u, c, &n);
    if (n < 1)
      return;
    c = strip_implicit(u, k[n - 1]);
    taken = !taken;
  }
  if (c.kind != CXCursor_BinaryOperator)
    return;
  enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(c);
  if (!(op == CXBinaryOperator_EQ && !taken) &&
      !(op == CXBinaryOperator_NE && taken))
    return;
  k = unit_children(u, c, &n);
  for (int i = 0; n == 2 && i < 2; i++) {
    location *x = address_of(u, k[1 - i]);
    int key = x ? place_key(u, k[i]) : -1;
    if (key >= 0) {
      event(h, EV_UNLESS, key, x, where(c));
      return;
    }
  }
}

void held_stored(unit *u, held_store *s) {
  held *h = u->held;
  if (!h || !s)
    return;
  // A block of the value's own ended on the way, as in p = ({ int x; &x; }):
  // what is stored may already be dangling.
  if (s->ends != h->ends) {
    s->use = HELD_BLOCK;
    s->use_at = where(s->lhs);
  }
  event(h, EV_STORE, s->key, s, where(s->lhs));
}

void held_store_record(unit *u, int index, held_store *s) {
  held *h = u->held;
  if (!h)
    return;
  if (h->nrecords + 2 > h->records_cap)
    h->records = grow(h->records, &h->records_cap, sizeof(int));
  h->records[h->nrecords++] = index;
  h->records[h->nrecords++] = s->id;
}

// returns_twice reports whether the function named so returns a second
// time when something later jumps back to it.
static bool returns_twice(const char *name) {
  static const char *const names[] = {
      "setjmp",           "_setjmp", "sigsetjmp", "__sigsetjmp",
      "__builtin_setjmp", "savectx", "vfork",     "getcontext"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    if (!strcmp(name, names[i]))
      return true;
  return false;
}

// held_call follows call c: after a setjmp, any later call may longjmp back
// to where setjmp returned, with what it then holds.
void held_call(unit *u, CXCursor c) {
  held *h = u->held;
  if (!h)
    return;
  bool twice = returns_twice(cursor_name(u, c));
  if (!twice && !h->returns.len)
    return;
  int next = new_block(h);
  edge_to(h, h->cur, next);
  for (int i = 0; i < h->returns.len && !twice; i++)
    edge_to(h, h->cur, (int)(intptr_t)h->returns.items[i]);
  if (twice)
    vec_push(&h->returns, (void *)(intptr_t)next);
  h->cur = next;
}

// held_give_up gives up on the function: a computed goto or an asm goto
// may jump to labels the graph has no edge to.
void held_give_up(unit *u) {
  if (u->held)
    u->held->gave_up = true;
}

void held_opaque(unit *u) {
  if (u->held)
    event(u->held, EV_OPAQUE, -1, NULL, clang_getNullLocation());
}

//
// Control flow, as stmt.c lowers it
//

int held_block(unit *u) { return u->held ? new_block(u->held) : -1; }

int held_here(unit *u) { return u->held ? u->held->cur : -1; }

void held_edge(unit *u, int from, int to) {
  if (u->held)
    edge_to(u->held, from, to);
}

void held_start(unit *u, int b) {
  if (u->held && b >= 0)
    u->held->cur = b;
}

void held_local(unit *u) {
  held *h = u->held;
  if (h && (!h->locals.len || h->locals.items[h->locals.len - 1] != u->scope))
    vec_push(&h->locals, u->scope);
}

// end_location is where scope s ends: its closing brace, for a note.
static CXSourceLocation end_location(unit *u, scope *s) {
  unsigned end = u->held->file ? scope_end(s) : 0;
  if (!end)
    return clang_getNullLocation();
  return clang_getLocationForOffset(u->tu, u->held->file, end - 1);
}

void held_scope_end(unit *u, scope *s) {
  held *h = u->held;
  if (!h || !h->locals.len || h->locals.items[h->locals.len - 1] != s)
    return;
  event(h, EV_END, -1, s, end_location(u, s));
  h->ends++;
  h->locals.len--;
}

// leave records the ends of the blocks with locals that a jump at `at`
// leaves, up to (not including) block upto; NULL: the whole function.
static void leave(held *h, scope *upto, CXSourceLocation at) {
  for (int i = h->locals.len - 1, n = 0; i >= 0; i--, n++) {
    scope *s = h->locals.items[i];
    if (upto && s->depth <= upto->depth)
      return;
    if (n == MAX_SCOPES) {
      event(h, EV_OPAQUE, -1, NULL, at);
      return;
    }
    event(h, EV_END, -1, s, at);
  }
}

void held_return(unit *u, CXCursor c) {
  held *h = u->held;
  if (!h)
    return;
  int after = jump_from(h);
  leave(h, NULL, where(c));
  h->cur = after;
}

void held_push_jump(unit *u, held_jump *j, int brk, int cont, int head) {
  held *h = u->held;
  if (!h)
    return;
  *j = (held_jump){h->jump, u->scope, brk, cont, head, false};
  h->jump = j;
}

void held_pop_jump(unit *u) {
  if (u->held)
    u->held->jump = u->held->jump->outer;
}

void held_break(unit *u, CXCursor c, bool is_continue) {
  held *h = u->held;
  if (!h)
    return;
  held_jump *j = h->jump;
  while (j && (is_continue ? j->cont : j->brk) < 0)
    j = j->outer;
  int after = jump_from(h);
  if (!j) {
    event(h, EV_OPAQUE, -1, NULL, where(c));
  } else {
    leave(h, j->scope, where(c));
    edge_to(h, h->cur, is_continue ? j->cont : j->brk);
  }
  h->cur = after;
}

void held_case(unit *u, bool is_default) {
  held *h = u->held;
  if (!h)
    return;
  held_jump *j = h->jump;
  while (j && j->head < 0)
    j = j->outer;
  int b = new_block(h);
  edge_to(h, h->cur, b);
  if (j) {
    edge_to(h, j->head, b);
    j->has_default |= is_default;
  }
  h->cur = b;
}

void held_label(unit *u, CXCursor c) {
  held *h = u->held;
  if (!h)
    return;
  hlabel *l = arena_alloc(&u->arena, sizeof(hlabel));
  l->block = new_block(h);
  l->scope = u->scope;
  edge_to(h, h->cur, l->block);
  h->cur = l->block;
  cursor_map_put(&h->labels, c, l);
}

void held_goto(unit *u, CXCursor c) {
  held *h = u->held;
  if (!h)
    return;
  int after = jump_from(h);
  if (h->locals.len > MAX_SCOPES) {
    event(h, EV_OPAQUE, -1, NULL, where(c));
    h->cur = after;
    return;
  }
  hgoto *g = arena_alloc(&u->arena, sizeof(hgoto));
  g->block = h->cur;
  g->target = clang_getCursorReferenced(c);
  g->at = where(c);
  for (int i = h->locals.len - 1; i >= 0; i--)
    g->left[g->nleft++] = h->locals.items[i];
  vec_push(&h->gotos, g);
  h->cur = after;
}

// encloses reports whether block s is t or encloses it, or `unsure` when
// they are too far apart to look.
static bool encloses(scope *s, scope *t, bool unsure) {
  if (t && t->depth - s->depth > MAX_ANCESTRY)
    return unsure;
  while (t && t->depth > s->depth)
    t = t->parent;
  return t == s;
}

// resolve_gotos connects each goto to its label, ending on the way the
// blocks with locals that the label is not in.
static void resolve_gotos(held *h) {
  for (int i = 0; i < h->gotos.len; i++) {
    hgoto *g = h->gotos.items[i];
    hlabel *l = cursor_map_get(&h->labels, g->target);
    if (!l) {
      event_in(h, g->block, EV_OPAQUE, -1, NULL, g->at);
      continue;
    }
    for (int j = 0; j < g->nleft && !encloses(g->left[j], l->scope, false); j++)
      event_in(h, g->block, EV_END, -1, g->left[j], g->at);
    edge_to(h, g->block, l->block);
  }
}

//
// Solving
//

typedef struct {
  held *h;
  uint64_t *live;
  int words;
  long work;
  bool collect; // the last pass: versioned reads note what reaches them
} solver;

static void use(held_store *t, held_use how, CXSourceLocation at) {
  if (!t->use) {
    t->use = how;
    t->use_at = at;
  }
}

// prefix_read reports whether reading place k reads t's value on the way:
// a struct holding k, or, with through_pointer only, a pointer it goes
// through. A versioned variable's own reads are versioned reads.
static bool prefix_read(held *h, int t, int k, bool through_pointer) {
  return !h->keys[t].versioned && above(h, t, k, through_pointer);
}

// apply runs event e over the live assignments.
static void apply(solver *sv, hevent *e) {
  held *h = sv->h;
  ev_kind kind = e->kind;
  hvread *v = kind == EV_VREAD ? e->p : NULL;
  if (v && !h->keys[v->key].versioned)
    kind = v->through ? EV_COPY : EV_DEREF;
  sv->work += sv->words;
  for (int w = 0; w < sv->words; w++) {
    for (uint64_t bits = sv->live[w]; bits; bits &= bits - 1) {
      held_store *t = h->stores.items[w * 64 + __builtin_ctzll(bits)];
      hkey *k = &h->keys[t->key];
      sv->work += MAX_PATH; // below, above and encloses walk that far
      uint64_t bit = UINT64_C(1) << (t->id % 64);
      switch (kind) {
      case EV_STORE: {
        held_store *s = e->p;
        if (t->key == s->key && s->kills)
          sv->live[w] &= ~bit;
        else if (below(h, t->key, s->key, false, true))
          use(t, HELD_MOVED, e->at); // its path now leads elsewhere
        else if (prefix_read(h, t->key, s->key, true))
          use(t, HELD_READ, e->at);
        break;
      }
      case EV_COPY:
      case EV_PASS:
        if (below(h, t->key, e->key, kind == EV_PASS, false) ||
            prefix_read(h, t->key, e->key, false))
          use(t, HELD_READ, e->at);
        break;
      case EV_VREAD:
        // The variable's own value goes to the read's temporary; what a
        // copy of the pointer reaches through it is read as by a copy.
        if (t->key == v->key && sv->collect)
          vec_push(&v->reach, t);
        else if (v->through && below(h, t->key, v->key, false, true))
          use(t, HELD_READ, e->at);
        break;
      case EV_DEREF:
        if (t->key == e->key)
          use(t, HELD_READ, e->at);
        break;
      case EV_BASE:
        if (prefix_read(h, t->key, e->key, true))
          use(t, HELD_READ, e->at);
        break;
      case EV_END: {
        scope *s = e->p;
        if (!k->nonlocal && k->scope == s)
          sv->live[w] &= ~bit; // the place dies
        else if ((k->nonlocal || k->scope->depth < s->depth) &&
                 encloses(s, t->scope, true))
          use(t, s->parent ? HELD_BLOCK : HELD_RETURN, e->at);
        break;
      }
      case EV_UNLESS:
        if (t->key == e->key && t->address_of == e->p && !k->shifted)
          sv->live[w] &= ~bit;
        break;
      case EV_OPAQUE:
        use(t, HELD_OTHER, e->at);
        break;
      }
    }
  }
  if (kind == EV_STORE) {
    held_store *s = e->p;
    sv->live[s->id / 64] |= UINT64_C(1) << (s->id % 64);
  }
}

static void run_block(solver *sv, uint64_t *in, int b) {
  memcpy(sv->live, in + (size_t)b * sv->words, sv->words * 8);
  hblock *blk = &sv->h->blocks[b];
  for (int i = 0; i < blk->nev; i++)
    apply(sv, &blk->ev[i]);
}

// solve runs the analysis to its fixpoint, then once more over every block
// for what reaches the versioned reads; false when it gave up.
static bool solve(held *h) {
  int words = (h->stores.len + 63) / 64;
  if ((size_t)h->nblocks * words > MAX_BITS)
    return false;
  for (int i = 0; i < h->nkeys; i++) {
    hkey *k = &h->keys[i];
    k->versioned = k->parent < 0 && versionable(k->var) && !aliased(h, i);
  }
  uint64_t *in = must_realloc(NULL, (size_t)h->nblocks * words * 8);
  memset(in, 0, (size_t)h->nblocks * words * 8);
  int *queue = must_realloc(NULL, h->nblocks * sizeof(int));
  bool *queued = must_realloc(NULL, h->nblocks);
  solver sv = {h, must_realloc(NULL, words * 8), words, 0, false};
  int head = 0, len = h->nblocks;
  for (int b = 0; b < h->nblocks; b++) {
    queue[b] = b;
    queued[b] = true;
  }
  while (len && sv.work <= MAX_WORK) {
    int b = queue[head];
    head = (head + 1) % h->nblocks;
    len--;
    queued[b] = false;
    run_block(&sv, in, b);
    hblock *blk = &h->blocks[b];
    for (int i = 0; i < blk->nsucc; i++) {
      int s = blk->succ[i];
      uint64_t *to = in + (size_t)s * words;
      bool changed = false;
      for (int w = 0; w < words; w++) {
        changed |= (sv.live[w] & ~to[w]) != 0;
        to[w] |= sv.live[w];
      }
      if (changed && !queued[s]) {
        queued[s] = true;
        queue[(head + len++) % h->nblocks] = s;
      }
    }
  }
  bool done = sv.work <= MAX_WORK;
  sv.collect = true;
  for (int b = 0; b < h->nblocks && done; b++)
    run_block(&sv, in, b);
  free(in);
  free(queue);
  free(queued);
  free(sv.live);
  return done;
}

// entry_value returns the location that versioned reads of parameter p take
// its entry value from: p itself while nothing is assigned to it, else a
// second location holding only what p holds on entry, which leaks as p.
static location *entry_value(unit *u, held *h, location *p) {
  bool assigned = false;
  for (int i = 0; i < p->nedges && !assigned; i++)
    assigned = p->edges[i].held != NULL;
  if (!assigned)
    return p;
  location **e = &h->entry_value[p->param_index];
  if (!*e) {
    if (!p->paramesc) {
      p->paramesc = arena_alloc(&u->arena, sizeof(leaks));
      leaks_init(p->paramesc);
    }
    location *c = *e = new_location(u, h->fn, LOC_PARAM, p->name);
    c->decl = p->decl;
    c->where = p->where;
    c->scope = p->scope;
    c->param_index = p->param_index;
    c->has_pointers = true;
    c->content = p->content;
    c->paramesc = p->paramesc; // its leaks are p's
    for (int i = 0; i < p->nedges; i++)
      if (!p->edges[i].held)
        add_edge(u, *e, p->edges[i].src, p->edges[i].derefs, p->edges[i].notes);
  }
  return *e;
}

// connect gives each versioned read's temporary its edges: from the
// assignments that reach it (and the parameter's entry value), or, when
// the variable is not versioned after all, from the variable itself.
static void connect(unit *u, held *h, bool solved) {
  long copies = 0;
  for (int i = 0; i < h->vreads.len; i++) {
    hvread *v = h->vreads.items[i];
    location *l = v->l;
    if (!solved || !h->keys[v->key].versioned || copies > MAX_COPIES) {
      add_edge(u, v->r, l, 0, NULL);
      continue;
    }
    for (int j = 0; j < v->reach.len; j++) {
      held_store *s = v->reach.items[j];
      if (s->entry)
        add_edge(u, v->r, entry_value(u, h, l), 0, NULL);
    }
    for (int j = 0; j < l->nedges; j++) {
      edge *e = &l->edges[j];
      bool reaches = !e->held && l->kind != LOC_PARAM;
      for (int r = 0; r < v->reach.len && !reaches; r++)
        reaches = e->held == v->reach.items[r];
      if (reaches) {
        add_edge(u, v->r, e->src, e->derefs, e->notes);
        copies++;
      }
    }
  }
}

// prune removes the edges and store records of undone assignments.
static void prune_edges(location *l) {
  int n = 0;
  for (int i = 0; i < l->nedges; i++)
    if (!l->edges[i].held || !l->edges[i].held->undone)
      l->edges[n++] = l->edges[i];
  l->nedges = n;
}

static void prune(held *h, func *fn) {
  for (int i = 0; i < fn->locations.len; i++)
    prune_edges(fn->locations.items[i]);
  for (int i = 0; i < fn->sinks.len; i++)
    prune_edges(fn->sinks.items[i]);
  for (int i = 0; i < h->nrecords; i += 2) {
    held_store *s = h->stores.items[h->records[i + 1]];
    if (s->undone)
      fn->stores.items[h->records[i]] = NULL;
  }
  int n = 0;
  for (int i = 0; i < fn->stores.len; i++)
    if (fn->stores.items[i])
      fn->stores.items[n++] = fn->stores.items[i];
  fn->stores.len = n;
}

void held_begin(unit *u, func *fn) {
  if (u->opt->m)
    return;
  held *h = must_realloc(NULL, sizeof(held));
  *h = (held){.fn = fn};
  clang_getExpansionLocation(clang_getCursorLocation(fn->decl), &h->file, NULL,
                             NULL, NULL);
  h->cur = new_block(h);
  vec_push(&h->locals, fn->top); // the parameters' block
  u->held = h;
  h->entry = arena_alloc(&u->arena, (fn->nparams + 1) * sizeof(held_store *));
  h->entry_value =
      arena_alloc(&u->arena, (fn->nparams + 1) * sizeof(location *));
  for (int i = 0; i < fn->nparams; i++) {
    location *p = fn->params[i];
    if (!versionable(p) || p->decl.kind != CXCursor_ParmDecl)
      continue; // a block's params[0], the block itself, is no variable
    h->entry[i] =
        new_store(u, root_key(u, p->decl), p->decl, clang_getNullCursor());
    h->entry[i]->entry = true;
    held_stored(u, h->entry[i]);
  }
}

void held_end(unit *u, func *fn) {
  held *h = u->held;
  if (!h)
    return;
  u->held = NULL;
  resolve_gotos(h);
  bool solved = !fn->too_deep && !h->gave_up && h->stores.len && solve(h);
  connect(u, h, solved);
  bool any = false;
  for (int i = 0; i < h->stores.len; i++) {
    held_store *s = h->stores.items[i];
    if (!solved)
      s->use = HELD_OTHER;
    s->undone = solved && !s->use && !aliased(h, s->key);
    any |= s->undone;
  }
  if (any)
    prune(h, fn);
  for (int i = 0; i < h->vreads.len; i++)
    vec_free(&((hvread *)h->vreads.items[i])->reach);
  vec_free(&h->vreads);
  for (int i = 0; i < h->nblocks; i++) {
    free(h->blocks[i].ev);
    free(h->blocks[i].succ);
  }
  free(h->blocks);
  free(h->keys);
  free(h->slots);
  free(h->records);
  vec_free(&h->stores);
  vec_free(&h->locals);
  vec_free(&h->gotos);
  vec_free(&h->returns);
  cursor_map_free(&h->labels);
  free(h);
}
