// escape.h is the analyzer's one internal header, sectioned by the file that
// implements each part, as chibicc.h is. The data structures are Go's
// (cmd/compile/internal/escape): locations, edges carrying dereference
// counts, holes that say where a value flows, and per-parameter leak
// summaries. See escape.c for the design essay.
#ifndef ESCAPE_H
#define ESCAPE_H

#include <clang-c/Index.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct arena arena;
typedef struct textbuf textbuf;
typedef struct cursor_map cursor_map;
typedef struct location location;
typedef struct edge edge;
typedef struct note note;
typedef struct hole hole;
typedef struct store store;
typedef struct callsite callsite;
typedef struct leaks leaks;
typedef struct func func;
typedef struct scope scope;
typedef struct unit unit;
typedef struct program program;
typedef struct cache cache;
typedef struct report report;
typedef struct options options;
typedef struct moved_local moved_local;
typedef struct held held;
typedef struct held_store held_store;
typedef struct held_jump held_jump;
typedef struct block_body block_body;
typedef struct field_fact field_fact;

//
// util.c: arenas, growable buffers, a cursor-keyed hash map
//

struct arena {
  char *chunk; // current chunk; chunks are chained through their first word
  size_t used, cap;
};

// The analyzer's one out-of-memory policy: the must_ functions are the C
// library's allocators that never return NULL. When memory runs out they
// call out_of_memory, which says so and aborts; supervise.c then names the
// file being analyzed and runs again without it, as for any crash.
_Noreturn void out_of_memory(void);
void *must_malloc(size_t n);
void *must_calloc(size_t n, size_t size);
void *must_realloc(void *p, size_t n);
char *must_strdup(const char *s);
char *must_strndup(const char *s, size_t n);
FILE *must_open_memstream(char **text, size_t *len);
// read_whole_file returns a regular file's bytes, NUL-terminated (malloc'd),
// and their number; NULL when path is not a readable regular file (a FIFO
// is refused, not waited on).
char *read_whole_file(const char *path, size_t *size);

void *arena_alloc(arena *a, size_t size); // zeroed, 16-byte aligned
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
void arena_free(arena *a);

// An arena_mark remembers an arena's top, so that scratch allocations made
// after it can be dropped together (arena_release).
typedef struct {
  char *chunk;
  size_t used;
} arena_mark;

arena_mark arena_top(arena *a);
void arena_release(arena *a, arena_mark m);

struct textbuf {
  char *data;
  size_t len, cap;
};

void textbuf_printf(textbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void textbuf_free(textbuf *b);

// A growable array of pointers.
typedef struct {
  void **items;
  int len, cap;
} vec;

void vec_push(vec *v, void *item);
void vec_free(vec *v);

// An fn_set is what a function pointer may hold: functions with bodies in
// the program, functions named without a body here (another unit may define
// them; else annotations or the C library model say what they do), and
// whether it may also hold anything else.
typedef struct {
  vec funcs;    // func*
  vec bodyless; // CXCursor* (in the unit's arena)
  bool unknown;
} fn_set;

// cursor_map maps declaration cursors (clang_equalCursors) to pointers.
struct cursor_map {
  struct cursor_map_slot *slots;
  size_t len, cap;
};

void *cursor_map_get(cursor_map *m, CXCursor c);
void cursor_map_put(cursor_map *m, CXCursor c, void *value);
void cursor_map_free(cursor_map *m);

// cursor_children returns the children of c in an arena-allocated array.
CXCursor *cursor_children(arena *a, CXCursor c, int *n);
// unit_children is cursor_children on the unit's scratch arena, remembering
// recent answers: lowering asks for the same node's children several times
// (strip_implicit, then the node's own case). unit_children_reset forgets
// them when the scratch arena is released.
CXCursor *unit_children(unit *u, CXCursor c, int *n);
void unit_children_reset(unit *u);
// cursor_name returns c's spelling in the unit's arena; "?" when it has none.
const char *cursor_name(unit *u, CXCursor c);
// cursor_text returns the source text of c with whitespace collapsed,
// abbreviated to at most max bytes; "" if the text is not in one file.
const char *cursor_text(unit *u, CXCursor c, size_t max);

//
// types.c: what a C type means to the analysis
//

// type_has_pointers reports whether a value of type t can carry an address.
// As in Go, a value whose type holds no pointers carries no escape.
bool type_has_pointers(unit *u, CXType t);
bool type_is_array(CXType t);
bool type_is_pointer(CXType t);
bool type_is_record(CXType t);
bool type_is_union(CXType t);
bool type_is_function_pointer(CXType t);
bool type_is_block_pointer(CXType t); // block.c
// is_block_byref says whether variable d is declared __block (block.c).
bool is_block_byref(unit *u, CXCursor d);
bool type_is_va_list(CXType t);
bool type_is_integer(CXType t); // _Bool, char ... __int128, enums

//
// graph.c: locations, edges and holes
//

typedef enum {
  LOC_HEAP,    // a sink that outlives everything: globals, unknown memory
  LOC_UNKNOWN, // a source: memory the analysis did not see written
  LOC_VAR,     // a local variable (or a by-value parameter's storage)
  LOC_FIELD,   // one member path of a local struct variable
  LOC_PARAM,   // a parameter's value
  LOC_CONTENT, // what a pointer parameter points to: the caller's memory
  LOC_RESULT,  // the function's result, ~r0
  LOC_ALLOC,   // an allocation site: malloc family, compound literal, alloca
  LOC_TEMP,    // an intermediate value
} loc_kind;

// escape_kind says how a location escaped: it picks the warning of check
// mode, one kind per way of escaping.
typedef enum {
  ESC_NONE,
  ESC_RETURN, // returned to the caller
  ESC_GLOBAL, // stored in a global or static variable
  ESC_HEAP,   // stored in heap memory or memory the analysis cannot see
  ESC_PARAM,  // stored through a pointer parameter (an out-parameter)
  ESC_CALL,   // passed to an unknown function or function pointer
  ESC_THREAD, // handed to another thread
  ESC_SEND,   // sent on a channel (Go's ch <- p): to whichever goroutine
              // receives it
  ESC_SCOPE,  // stored in a pointer that outlives the variable's block
  ESC_KINDS
} escape_kind;

typedef enum {
  ALLOC_NONE,
  ALLOC_MALLOC,  // malloc-family call: heap memory in C
  ALLOC_LITERAL, // compound literal: automatic storage of its block
  ALLOC_ALLOCA,  // alloca: automatic storage of the function
  ALLOC_BLOCK,   // clang block literal
} alloc_kind;

struct note {
  note *next;
  CXCursor where;   // the expression or statement the flow passed through
  const char *why;  // a constant reason: "address-of", "assign", ...
  held_store *held; // check mode: the flow is the value of this assignment
};

struct edge {
  location *src;
  int derefs; // dereferences minus address-ofs along this flow
  note *notes;
  held_store *held; // check mode: the assignment that made it (held.c)
};

struct location {
  loc_kind kind;
  alloc_kind alloc;
  const char *name; // as -m=2 prints it: x, ~r0, {heap}, s.f
  func *fn;         // owner; NULL for sinks shared by a batch
  scope *scope;     // lifetime: the block the location lives in
  CXCursor decl;    // declaration or allocating expression; a field's FieldDecl
  CXCursor where;   // position to report (decl name, expression start)
  location *parent; // LOC_FIELD: the containing variable or field
  location *fields; // first field child; siblings through next_field
  location *next_field;
  escape_kind sink;      // LOC_HEAP: the kind of escape it stands for
  const char *sink_name; // LOC_HEAP: the global or function it stands for
  const char *via;       // LOC_HEAP: the callee whose summary led here

  edge *edges; // incoming flows: values that flow into this location
  int nedges, edges_cap;

  // walkgen, derefs and the dst links are the state of one walk from a
  // root (solve.c): the minimal derefs from the root, and the edge by which
  // the walk reached this location, to explain the flow.
  unsigned walkgen;
  vec walk_todo;             // walk_one's work list, reused
  struct pts_item *pts_todo; // pts_walk's work list, reused
  int pts_len, pts_cap;
  int derefs;
  location *dst;
  int dst_edge;
  bool queued;

  // Attributes, set by lowering.
  bool addrtaken;  // its address (or a field's) is taken
  bool is_array;   // decays to its own address
  bool aggregate;  // a struct or array: whole reads go through `whole`
  location *whole; // reads of the whole value: the location and every field,
                   // connected once the function is lowered (finish_fields)
  bool has_pointers;
  fn_set holds;    // a function-pointer variable or parameter: what it may hold
  int param_index; // LOC_PARAM, LOC_CONTENT: which parameter; -1 = "..."
  location *content; // LOC_PARAM: its LOC_CONTENT
  location *param;   // LOC_CONTENT: its LOC_PARAM

  struct leaks *paramesc; // LOC_PARAM: its summary, accumulated by walks
  unsigned pts_levels;    // pts walks: derefs levels visited (bitmask)
  unsigned sink_hash;     // LOC_HEAP: hash of (sink, sink_name, via)
  int pts_round;          // last resolve_stores round that read it
  unsigned last_ref;      // file offset of the last mention of the variable

  // Results of the solver.
  bool escapes;       // address outlives it: moved to heap
  escape_kind why;    // how, for check mode
  location *esc_root; // the root it escaped to
  char *explanation;  // -m=2 flow lines, or NULL
  note *esc_note;     // the first step of the escaping flow (&x)
  note *esc_last;     // the notes of its last step, into the root
};

// A hole is a context for evaluating an expression: where its value flows
// (dst), through how many dereferences, and why. A store hole (store) means
// "into whatever dst points to": the value of *dst receives the flow.
struct hole {
  location *dst; // NULL: the value is discarded
  int derefs;
  bool store;
  note *notes;
  held_store *held; // check mode: the flow is the value of this store
};

// A store records "*ptr = src (derefs)" until the solver knows what ptr
// points to (solve.c).
struct store {
  location *ptr;
  location *src;
  int derefs;
  note *notes;
  bool to_heap; // already sent to the heap
};

location *new_location(unit *u, func *fn, loc_kind kind, const char *name);
location *heap_sink(unit *u, escape_kind kind, const char *name);
location *heap_sink_via(unit *u, escape_kind kind, const char *name,
                        const char *via);
void add_edge(unit *u, location *dst, location *src, int derefs, note *notes);
void add_held_edge(unit *u, location *dst, location *src, int derefs,
                   note *notes, held_store *held);
void flow(unit *u, hole k, location *src);
hole hole_of(location *l);
hole hole_discard(void);
hole hole_note(unit *u, hole k, CXCursor where, const char *why);
hole hole_shift(hole k, int delta);
hole hole_addr(unit *u, hole k, CXCursor where, const char *why);
hole hole_deref(unit *u, hole k, CXCursor where, const char *why);
location *root_of(location *l); // a field's variable; l otherwise
location *field_location(unit *u, location *parent, CXCursor field,
                         const char *name);

//
// stmt.c, expr.c, assign.c and field.c: lowering the AST into the graph
//

struct scope {
  scope *parent;
  int depth;
  bool loop; // a loop body, or the code between a label and a backward goto
  // pre and post number the block's opening and its closing in the order
  // of lowering, so that s strictly encloses t iff s->pre < t->pre and
  // t->post < s->post: scope_encloses asks in constant time, however deep
  // the nesting. A backward goto's loop is no block: its pre is 0.
  unsigned pre, post;
  CXCursor block; // the statement or expression the block spans
  unsigned end;   // file offset where the block ends, once end_known
  bool end_known; // (scope_end: an else-if chain's extent costs its depth)
};

// MAX_NESTING bounds how deep lowering recurses into the AST (a 30,000-arm
// else-if chain, a 50,000-term sum). A function nested deeper is given up
// on: everything in it escapes (solve.c). main.c runs the analysis on a
// thread whose stack holds this depth with room to spare.
enum { MAX_NESTING = 20000 };

void lower_function(unit *u, func *fn);
// lower_param makes fn's parameter index (-1: "...") declared by p, named
// name (NULL: p's own name), and puts it in fn->params.
location *lower_param(unit *u, func *fn, int index, CXCursor p,
                      const char *name);
void lower_stmt(unit *u, CXCursor c);
void lower_expr(unit *u, hole k, CXCursor c);
hole lower_addr(unit *u, CXCursor c); // the hole for storing into lvalue c
// atomic.c: lowers c if it is an atomic operation (an AtomicExpr, or a call
// to a __sync builtin) as the loads and stores it makes; false otherwise.
bool lower_atomic(unit *u, hole k, CXCursor c);
scope *push_scope(unit *u, CXCursor block);
unsigned end_offset(CXCursor c);
unsigned scope_end(scope *s);
bool scope_encloses(const scope *outer, const scope *inner);
void pop_scope(unit *u);
location *local_of(unit *u, CXCursor decl);  // NULL for globals, functions
location *global_of(unit *u, CXCursor decl); // a global's heap sink, or NULL
CXCursor strip_implicit(unit *u, CXCursor c);
// last_expr returns c's last child that is an expression (a cast's operand
// comes after the TypeRef of its target type), or a null cursor.
CXCursor last_expr(unit *u, CXCursor c);
// is_array_expr reports whether c is an array object. A parameter declared
// with an array type is a pointer in C, whatever libclang says its type is.
bool is_array_expr(unit *u, CXCursor c);
// array_base returns the array that subscript c indexes into, or a null
// cursor when it indexes through a pointer; *ptr and *index receive the two
// sides.
CXCursor array_base(unit *u, CXCursor c, CXCursor *ptr, CXCursor *index);
// carries_address reports whether integer expression c holds an address:
// a pointer converted to an integer, perhaps offset or masked.
bool carries_address(unit *u, CXCursor c);
// lower_int_address lowers c, an integer that carries_address says holds an
// address, into k, as Go's unsafe.Pointer(uintptr(p) + off).
void lower_int_address(unit *u, hole k, CXCursor c);

// assign.c
void lower_assign(unit *u, hole k, CXCursor c, CXCursor lhs, CXCursor rhs);
// lower_int_store lowers lhs = rhs (or lhs += rhs) when rhs is an integer
// that carries_address says holds an address, and lhs an integer place
// that keeps it; false, lowering nothing, otherwise.
bool lower_int_store(unit *u, hole k, CXCursor c, CXCursor lhs, CXCursor rhs);
void note_fn_target(unit *u, location *l, CXCursor rhs);
void lower_var_init(unit *u, location *l, CXCursor decl, CXCursor init);

// field.c
// A field_list is the fields of a struct type, in order (the first 256).
typedef struct {
  CXCursor items[256];
  int len;
} field_list;

void list_fields(CXType t, field_list *out);
void read_location(unit *u, hole k, location *l);
location *member_location(unit *u, location *parent, CXCursor field);
CXCursor member_base(unit *u, CXCursor c);
CXCursor element_array(unit *u, CXCursor c);
location *field_of(unit *u, CXCursor c);
bool struct_copy(unit *u, location *t, CXCursor c, CXCursor rhs);
void init_fields(unit *u, location *l, CXCursor list, CXCursor where);
void finish_fields(unit *u, func *fn);

//
// held.c: check mode's flow-sensitive pass over each function
//

// held_use says how an assignment that was not undone is still held.
typedef enum {
  HELD_NONE,   // not known (or undone)
  HELD_RETURN, // when the function returns
  HELD_BLOCK,  // when a block with locals ends
  HELD_READ,   // copied by a read
  HELD_MOVED,  // the path to the place changed (L = M under L->f)
  HELD_OTHER,  // something the pass does not follow
} held_use;

// held_store is one assignment of a pointer into a place held.c follows.
struct held_store {
  CXCursor lhs; // the place as written, or the variable declared
  bool undone;  // assigned again on every path before being seen
  held_use use; // else how it is seen first, and where
  CXSourceLocation use_at;
  int id, key;          // held.c's numbering
  scope *scope;         // the block of the assignment
  bool kills;           // replaces the place's value (not under ?:, &&, ||)
  int ends;             // blocks ended before its value was lowered
  location *address_of; // the local whose address it stores (p = &x), if
                        // the value says so
  bool entry;           // a parameter's value on entry, not an assignment
};

// held_jump is a loop or switch that break, continue and case refer to.
struct held_jump {
  held_jump *outer;
  scope *scope;     // the statement's own block: jumps leave what is inside
  int brk, cont;    // target blocks; -1 when it has none (a switch's continue)
  int head;         // a switch's head, which jumps to each case; else -1
  bool has_default; // a switch's default was seen
};

// Each function is a no-op returning -1 or NULL outside check mode.
void held_begin(unit *u, func *fn); // after fn->top is pushed
void held_end(unit *u, func *fn);   // solve; prune the undone assignments
int held_block(unit *u);            // a new basic block
int held_here(unit *u);             // the block lowering appends to
void held_edge(unit *u, int from, int to);
void held_start(unit *u, int b); // continue lowering in block b
void held_local(unit *u);        // u->scope declares an automatic object
void held_scope_end(unit *u, scope *s);
void held_push_jump(unit *u, held_jump *j, int brk, int cont, int head);
void held_pop_jump(unit *u);
void held_break(unit *u, CXCursor c, bool is_continue);
void held_case(unit *u, bool is_default);
void held_label(unit *u, CXCursor c);
void held_goto(unit *u, CXCursor c);
void held_return(unit *u, CXCursor c);
void held_opaque(unit *u);           // anything may read anything here
void held_give_up(unit *u);          // flow the graph cannot follow
void held_call(unit *u, CXCursor c); // after lowering call c
// held_read records expression c, evaluated into hole k, when it names a
// place; it returns true then, and the caller ends it with held_path(u, -1)
// once c is lowered (its inner parts are not reads of their own).
bool held_read(unit *u, CXCursor c, hole k);
void held_path(unit *u, int delta);
void held_shift(unit *u, CXCursor c); // c++, c += n: c moves within its object
void held_cond(unit *u, int delta);   // around conditionally evaluated operands
void held_copy(unit *u, CXCursor c);  // a struct copy reads c
held_store *held_assign(unit *u, CXCursor lhs, CXCursor rhs);
held_store *held_init(unit *u, CXCursor decl, CXCursor init);
void held_unless(unit *u, CXCursor cond, bool taken); // a branch of cond
void held_stored(unit *u, held_store *s); // after its value is lowered
// held_store_record notes that u->fn->stores.items[index] carries s's value.
void held_store_record(unit *u, int index, held_store *s);
// held_deref notes a store through local ptr, whose value it reads.
void held_deref(unit *u, location *ptr, note *why);
// held_version returns where a read c of local l into hole k takes its
// value from: in check mode, for a pointer variable, a temporary that
// receives only the assignments reaching the read; else l.
location *held_version(unit *u, location *l, hole k, CXCursor c);

//
// call.c and libc.c: calls, summaries applied at call sites, the C library
//

typedef enum {
  CALLEE_DIRECT,  // a named function
  CALLEE_LOCAL,   // through a local function-pointer variable
  CALLEE_TABLE,   // through a const global table of functions
  CALLEE_BLOCK,   // a block literal's body (block.c)
  CALLEE_FIELD,   // through a function-pointer struct field (iface.c)
  CALLEE_UNKNOWN, // any other function pointer
} callee_kind;

struct callsite {
  callsite *next;
  func *caller;
  scope *scope;     // the block of the call: an allocation's lifetime
  scope *goto_loop; // set when the call sits in a backward-goto loop
  CXCursor call;
  callee_kind kind;
  CXCursor callee_decl;  // CALLEE_DIRECT: the function; TABLE: the global
  CXCursor callee_ref;   // CALLEE_DIRECT: the declaration the call names
  location *callee_var;  // CALLEE_LOCAL
  CXCursor callee_field; // CALLEE_FIELD: the FieldDecl
  func *block;           // CALLEE_BLOCK: the literal's body
  bool block_call;       // args[0] is the block called, not an argument
  const char *callee_name;
  int nargs;
  location **args;  // one temp per argument (NULL: no pointers)
  location *result; // temp receiving the call's value, or NULL
  // Resolved once, by compute_sccs, once every function is lowered.
  vec targets;         // func*: the functions with bodies it may call
  bool unknown_target; // it may also call something without a body
  bool weak;           // through a field or a parameter (callgraph.c)
  vec bodyless;        // CXCursor*: named targets no unit defines
};

void lower_call(unit *u, hole k, CXCursor c);
void lower_cleanup(unit *u, location *l, CXCursor decl);
void link_call(unit *u, callsite *cs, bool in_batch_only);
// link_func applies f's current summary (or, without one, f's own graph) to
// cs; link_unknown links cs as a call to an unknown function.
void link_func(unit *u, callsite *cs, func *f);
void link_unknown(unit *u, callsite *cs);
// unit_import records that u's verdicts depend on what fn, defined in
// another file, does, or (fn NULL) on no file defining name.
void unit_import(unit *u, const char *name, func *fn);
void callsite_targets(unit *u, callsite *cs, vec *out, bool *unknown);
// callee_of classifies the function-pointer expression e as a callee,
// without lowering it: cs's kind, callee_var, callee_field, callee_decl.
void callee_of(unit *u, callsite *cs, CXCursor e);

// A libc_model describes a C library function's effect on its arguments.
typedef struct libc_model libc_model;
const libc_model *libc_lookup(const char *name);
void apply_libc_model(unit *u, callsite *cs, const libc_model *m);
bool libc_model_frees(const libc_model *m);
bool libc_models_sorted(void); // the table's invariant, for its unit test
void add_store(unit *u, callsite *cs, location *ptr, location *src, int derefs,
               note *n);
note *call_note(unit *u, callsite *cs, const char *why);

//
// block.c: clang block literals, their bodies and calls
//

// lower_block lowers block literal c: the block object, what it captures,
// and its body, a func of its own.
void lower_block(unit *u, hole k, CXCursor c);
func *block_func(unit *u, CXCursor c);
// block_read flows the value of variable d, named by c in the body of the
// block being lowered, into k, and returns true, if the block captures d.
bool block_read(unit *u, hole k, CXCursor c, CXCursor d);
// block_lvalue sets *k to the hole for storing into d, named by c, and
// returns true, if the block being lowered captures d.
bool block_lvalue(unit *u, CXCursor c, CXCursor d, hole *k);
// lower_block_callee lowers the block that cs calls into cs->args[0] and
// finds which literal it is, when it is known.
void lower_block_callee(unit *u, callsite *cs, CXCursor callee);

//
// iface.c: interface calls, what function-pointer fields and parameters hold
//

// A field_fact is what one unit, or one cached file, lets a function-pointer
// struct field hold: the functions its stores and initializers name, and
// whether anything else may get there. The program unites the facts of
// every file for the same key (index_fields).
struct field_fact {
  const char *key; // "field:", the struct's USR, '.', the field's name
  unit *unit;      // NULL: read from a cache entry
  fn_set set;      // the unit's functions (unit facts)
  vec names;       // cached facts: the targets' names (const char*)
  vec hexes;       // ... and per name, the hash of its summary when it has
                   // internal linkage (const char*; "" otherwise)
  bool local;      // cached facts: a target has internal linkage there
  int rank;        // the file's position among the program's
};

// note_fn_value adds to s what function-pointer expression e may be: a
// named function, NULL, either branch of ?:; anything else makes s unknown.
void note_fn_value(unit *u, fn_set *s, CXCursor e);
void fn_set_free(fn_set *s);
// fn_field reports whether e (stripped) reads or writes a function-pointer
// field, p->f, s.f or p->f[i] for an array of them, and gives its FieldDecl.
bool fn_field(unit *u, CXCursor e, CXCursor *field);
void note_field_store(unit *u, CXCursor field, CXCursor rhs);
void note_field_address(unit *u, CXCursor e); // &p->f: written unseen
void note_init_list(unit *u, CXCursor list);
void note_pointer_cast(unit *u, CXType from, CXType to);
// note_call_args records what call c's arguments tell: function pointers
// passed to a static function, structs written raw by a bodyless one.
void note_call_args(unit *u, callsite *cs, CXCursor c);
void note_fn_use(unit *u, CXCursor decl); // a function used as a value
void scan_global_init(unit *u, CXCursor var);
// resolve_params settles, once u is lowered, what the function-pointer
// parameters of its static functions may hold.
void resolve_params(unit *u);
void index_fields(program *p);
// field_targets is what a call through cs's field may reach, program-wide.
void field_targets(unit *u, callsite *cs, fn_set *out);
// field_first returns the index of key's first entry in p->fields, or -1.
int field_first(program *p, const char *key);
void free_field_facts(unit *u);

//
// leaks.c: parameter summaries
//

#define MAX_LEAK_PARAMS 64

// leaks is a parameter's summary: the minimal derefs with which its value
// reaches the heap, the result, or the memory another parameter points to;
// -1 when it does not.
struct leaks {
  int heap;
  escape_kind heap_kind;
  const char *heap_name;
  int result;
  int content[MAX_LEAK_PARAMS]; // index: the parameter whose pointee
  bool receives; // the callee stores values from another goroutine (heap
                 // memory the caller did not see) into what it points to
  int arg_of;    // escape:arg-of:N: the callee passes it to its parameter
                 // N - 1, a function pointer (call.c); -1 when not
};

void leaks_init(leaks *l);
bool leaks_empty(const leaks *l);
bool leaks_add_heap(leaks *l, int derefs, escape_kind kind, const char *name);
bool leaks_add_result(leaks *l, int derefs);
bool leaks_add_content(leaks *l, int param, int derefs);
void leaks_optimize(leaks *l);
void leaks_from_annotations(unit *u, CXCursor param, leaks *l, bool *found);

//
// escape.c, callgraph.c, solve.c: the batch driver
//

struct func {
  bool freed;        // its graph's edges were freed once its batch was solved
  bool back_goto;    // has a goto to an earlier label: a loop without a body
  bool too_deep;     // nested beyond MAX_NESTING: lowered only in part
  bool refs_scanned; // last_ref of its locals is known (solve.c)
  CXCursor decl;     // the definition
  const char *name;
  unit *unit;        // the translation unit that defines it
  bool in_main_file; // reported: defined in the unit's main file (or, with
                     // options.report_c_includes, in a .c file it includes)
  bool external;     // external linkage: other units' calls may reach it
  bool summary_only; // read from the cache (cache.c): no body, no unit,
                     // only its name, parameters and summary
  int rank;          // the position of its file among the program's: the
                     // first definition of a name is the one
  bool variadic;
  bool block;      // a block literal's body: decl is the BlockExpr, params[0]
                   // the block itself (block.c)
  func *outer;     // a block's: the function whose body holds the literal
  bool value_used; // named other than as a direct call's callee: it may be
                   // called through a pointer, by callers not seen
  int nparams;
  location **params; // LOC_PARAM per parameter (NULL: no pointers)
  location **pstore; // LOC_VAR for a parameter's own storage
  location *varargs; // LOC_PARAM for "...", or NULL
  location *result;  // LOC_RESULT, or NULL
  leaks *summary;    // per parameter, [nparams] = "..."; NULL until the
                     // batch starts: in-batch calls then use the current
                     // approximation, iterated to a fixpoint (solve.c)
  bool in_batch;
  bool result_unknown; // the result may point to memory callers cannot see
  vec locations;       // every location of this function
  vec stores;          // store records
  vec sinks;           // heap sinks created while lowering this function
  vec copies;          // member-wise struct copies, done after lowering
  callsite *calls;
  scope *top;
  // Tarjan's SCC state.
  int index, lowlink;
  bool on_stack;
  bool solved;         // its batch was solved: its summary is final
  int scc_pos;         // its position in its SCC, while the SCC is split
  int piece;           // 1 + its piece's index while its split SCC is solved
                       // (solve.c), else 0
  unsigned changed_at; // program.summary_clock when its summary last changed
  vec callees;         // func*: named, through locals and const tables
  vec weak_callees;    // func*: through fields and parameters (iface.c)
};

struct unit {
  program *prog;     // the units analyzed together
  int rank;          // its position among the program's files
  vec imports;       // import*: what its verdicts took from other files
  vec tables_wanted; // const char*: external tables its calls go through
                     // that no parsed unit defines (driver.c, cache.c)
  CXTranslationUnit tu;
  const char *path; // as the user gave it
  CXFile main_file;
  const options *opt;
  arena arena;
  arena scratch; // children arrays: dropped after each statement
  struct children_memo {
    const void *key0, *key1;
    int kind, n;
    unsigned gen;
    CXCursor *kids;
  } memo[512];
  unsigned memo_gen;      // entries of other generations are stale
  cursor_map funcs;       // canonical function decl (or BlockExpr) -> func*
  cursor_map locals;      // variable decl -> location*
  cursor_map labels;      // label statement -> the first callsite after it
  cursor_map tables;      // const global -> fn_table* of what it holds
  vec table_list;         // the tables, to free them
  cursor_map field_facts; // FieldDecl -> field_fact* (iface.c)
  vec field_list;         // the facts, in order
  vec param_args;         // iface.c's records of arguments to static functions
  cursor_map arg_of;      // bodyless callee -> its ESC_ARG_OF parameter
  vec all_funcs;
  // Lowering state.
  func *fn;
  int depth;      // of lower_expr/lower_stmt recursion
  bool int_carry; // an integer being lowered may hold an address (expr.c)
  scope *scope;
  held *held; // check mode's flow-sensitive pass, while lowering (held.c)
  block_body *block;  // the block literal whose body is lowered (block.c)
  unsigned scope_seq; // numbers scopes' pre and post
  // Batch state.
  vec *sinks;        // where heap_sink registers: a function's while it is
                     // lowered, a piece's while it is solved (solve.c)
  location *unknown; // the shared source of unseen values
  vec walk_todo;     // walk_one's work list, reused
  struct pts_item *pts_todo; // pts_walk's work list, reused
  int pts_len, pts_cap;
  // Type cache.
  struct type_cache *types;
  size_t ntypes, types_cap;
  report *reports;
  int nreports, reports_cap;
  const char *file_text;
  size_t file_size;
  unsigned seq;
  vec *moved; // if set, receives a moved_local* per verdict (record_moved)
};

// A fn_table is what a const global of function pointers holds: the
// functions with bodies in its unit, and the ones named without a body
// (another unit of the program may define them).
typedef struct {
  const char *name;
  bool external; // calls in other units through it reach its functions
  vec funcs;     // func*
  vec bodyless;  // CXCursor* (in the unit's arena)
} fn_table;

// A program is the units analyzed together, as if concatenated: a call in
// one unit to a function with external linkage that another unit defines
// applies that function's summary (the first definition, as a linker
// would take it), and the call graph's SCCs span units. Lowering is per
// unit and needs nothing from the others, so units can be lowered on
// separate threads; solving is one pass over the program.
struct program {
  vec units;         // unit*, in the order given
  struct extern_fn { // external functions with bodies, sorted by name
    const char *name;
    func *fn;
  } * externs;
  int nexterns;
  struct extern_table { // const tables of functions with external linkage
    const char *name;
    fn_table *table;
  } * tables;
  int ntables;
  vec cached;          // func*: summary-only functions of files not parsed
  vec cached_fields;   // field_fact*: the field facts of files not parsed
  struct field_entry { // every unit's field facts, sorted by key
    const char *key;
    field_fact *fact;
  } * fields;
  int nfields;
  unsigned walkgen;       // solve.c's walk counter: a walk may cross units
  unsigned summary_clock; // counts summary changes (func.changed_at)
};

// An import is a call's dependence on another file: the function it
// reached there, or, when fn is NULL, a name no file defined. The cache
// (cache.c) keeps a file's verdicts only while its imports stay the same.
typedef struct {
  const char *name;
  func *fn;
} import;

// analyze_unit analyzes u alone (a program of one unit): lower_unit,
// solve_program, program_free; everything of u but its reports goes.
void analyze_unit(unit *u);
// lower_unit finds u's functions and lowers their bodies; u->prog must be
// set. It touches nothing outside u.
void lower_unit(unit *u);
// solve_program links the units' calls to each other and to the cached
// functions, solves every SCC bottom-up, and records each unit's reports
// and imports. The summaries stay until program_free.
void solve_program(program *p);
// program_free frees the program's units (all but their reports).
void program_free(program *p);
// free_unit frees everything of u but its reports (solve_program does).
void free_unit(unit *u);
// program_extern returns the external function named name, or NULL.
func *program_extern(program *p, const char *name);
// program_table returns the external const table of functions named name,
// or NULL.
fn_table *program_table(program *p, const char *name);

// run_deep runs fn(argc, argv) on a thread with a 1 GiB stack (reserved,
// not committed) and libclang parsing on it, and returns its result: parsing
// and lowering recurse over the AST, and code can nest deeply (MAX_NESTING).
// It falls back to the calling thread when the thread cannot be made.
int run_deep(int (*fn)(int, char **), int argc, char **argv);
void free_graph(func *f);
// compute_sccs hands each SCC to batch, bottom-up, as its pieces: vec* of
// func*, in the order they are to be solved; one piece unless it was split.
void compute_sccs(program *p, void (*batch)(unit *, vec *pieces));
void solve_batch(unit *u, vec *pieces);

//
// tu.c: parsing
//

// parse_file parses path with argv (and the CXTranslationUnit_ options
// given besides KeepGoing); *status is 1 when clang reported errors
// (printed to errors, unless NULL) or the parse failed (NULL returned),
// else 0.
CXTranslationUnit parse_file(CXIndex idx, const char *path, int argc,
                             const char *const *argv, int *status, FILE *errors,
                             unsigned options);
// tu_errors prints clang's errors for tu to out (when set) and counts them.
int tu_errors(CXTranslationUnit tu, FILE *out);

//
// sources.c, compdb.c: the files to analyze
//

// A source is one file to analyze and the compiler arguments it needs.
typedef struct source_file {
  char *path;   // as the user or the build names it; what reports print
  char *dbfile; // from a compilation database: its canonical path
  char **argv;  // its own arguments, before the command line's `--` ones
  int argc;
  bool failed; // it could not be analyzed; error says why, in one line
  char *error;
  bool suspect;   // in flight when an earlier run crashed: parsed alone
  bool duplicate; // reached a second time: dropped
  bool context;   // of the build but outside the PATHs given: analyzed for
                  // what its functions do, not reported
} source_file;

typedef struct {
  source_file *items;
  int len, cap;
} source_list;

// find_sources adds path, a file or a directory searched recursively for
// *.c files, to out; what cannot be read is added failed, with its reason.
void find_sources(source_list *out, const char *path, const vec *excludes);
source_file *source_list_add(source_list *l, const char *path);
void source_free(source_file *s);
void source_list_free(source_list *l);
void source_fail(source_file *s, const char *fmt, const char *arg);
bool excluded(const vec *globs, const char *path); // --exclude GLOB
bool is_c_file(const char *name);
// load_compile_commands adds the C files of the compilation database json
// to out, those outside the selected paths (when there are any) as
// context; -1 when it cannot be read (said on stderr).
int load_compile_commands(const char *json, const vec *selected,
                          const vec *excludes, source_list *out);
// find_compile_commands looks for compile_commands.json in each directory
// of paths, then the current directory, and in their build/; NULL if none.
const char *find_compile_commands(const vec *paths);

//
// driver.c: many files as one program
//

typedef struct {
  const options *opt;
  int jobs;                // threads parsing and lowering
  int argc;                // the command line's compiler flags (after --),
  const char *const *argv; // added to every file's own
  int progress_fd;         // "S i", "D i", "P n" lines go here; -1: none
  cache *cache;            // or NULL
  bool step; // --step: parse only the sources not marked context; the
             // others are their cache entries as they are
} analysis_config;

typedef struct {
  report *reports; // sorted by position
  int nreports;
  bool failed;       // clang rejected it, or libclang could not parse it
  char *error;       // why, in a few words
  char *diagnostics; // clang's errors, as clang prints them
} analysis_result;

// analyze_sources analyzes every source not already failed as one program
// (results[i] for sources->items[i]).
void analyze_sources(const analysis_config *cfg, source_list *sources,
                     analysis_result *results);

//
// cache.c: a file's results kept by content
//

typedef struct {
  const char *name;
  char hex[33]; // the hash of the summary used; that of "undefined" if none
} cache_import;

typedef struct {
  bool valid;
  bool exact;      // written by a whole-program run, not by a --step
  vec exports;     // func*, summary-only (in the cache's arena)
  vec tables;      // const char*: the external function tables it defines,
                   // and the keys of fields it gives static functions to
  vec fields;      // field_fact*: what it lets function-pointer fields hold
  vec imports;     // cache_import*
  report *reports; // as printed
  int nreports;
} cache_entry;

// cache_open opens the cache in dir for runs in -m mode m; NULL when dir is
// NULL or cannot be made.
cache *cache_open(const char *dir, int m);
void cache_close(cache *c);
// cache_default_dir is $ESCAPE_CHECK_CACHE ("off": none), else
// $XDG_CACHE_HOME/escape-check, else ~/.cache/escape-check.
const char *cache_default_dir(void);
// cache_lookup finds s's entry, valid while every file it included is
// unchanged; the imports are checked after solving (cache_entry_current).
bool cache_lookup(cache *c, const source_file *s, int argc,
                  const char *const *argv, cache_entry *e);
bool cache_entry_current(program *p, const cache_entry *e);
// cache_entry_defines_table says whether e's file defines the external
// table name: a unit that calls through it needs that file parsed.
bool cache_entry_defines_table(const cache_entry *e, const char *name);
void cache_entry_free(cache_entry *e);
// cache_store writes u's entry (s's file, solved in u->prog); exact when
// the run analyzed the whole program (cache.c).
void cache_store(cache *c, const source_file *s, int argc,
                 const char *const *argv, unit *u, const report *reports,
                 int nreports, bool exact);

//
// filter.c: which warnings are shown
//

typedef struct {
  bool enabled[ESC_KINDS]; // -Wescape-KIND / -Wno-escape-KIND
  bool werror;
  const char *baseline;       // --baseline FILE
  const char *write_baseline; // --write-baseline FILE
} filter_config;

typedef struct {
  int warnings;                       // shown
  int by_kind[ESC_KINDS];             // shown, per kind
  int remarks;                        // -m's decisions
  int suppressed, disabled, baseline; // hidden, and why
} filter_stats;

void filter_init(filter_config *f);
void filter_free(filter_config *f);
// filter_flag applies one -W switch; an error message if it is unknown.
const char *filter_flag(filter_config *f, const char *flag);
// filter_apply drops from files what is not to be shown and counts the
// rest; 2 when a baseline cannot be read or written (said on stderr).
typedef struct file_result file_result;
int filter_apply(const filter_config *cfg, int m, file_result *files, int n,
                 filter_stats *stats);
void filter_summary(FILE *out, const filter_stats *s, int files, int failed,
                    double seconds);

//
// supervise.c: the analysis in a child process
//

// supervise runs child(sources, progress_fd, arg) in a child process and
// returns its exit status; when the child crashes, the file it crashed on
// is marked failed and the run starts again (suspects parsed alone first).
int supervise(source_list *sources, bool show_progress,
              int (*child)(source_list *, int progress_fd, void *), void *arg);
// parse_buffer is parse_file on the len bytes at text, parsed as if they
// were path's contents (a libclang unsaved file); text NULL reads path.
CXTranslationUnit parse_buffer(CXIndex idx, const char *path, const char *text,
                               size_t len, int argc, const char *const *argv,
                               int *status, FILE *errors, unsigned options);

//
// report.c: everything users read
//

struct options {
  int m;                  // 0: check mode; 1 or 2: -m level
  bool explain;           // record flows (-m=2 or check mode)
  bool report_c_includes; // also report functions of included .c files
                          // (unity builds such as SQLite's, Lua's onelua.c)
};

struct report {
  unsigned line, col, seq;
  char *text;     // one or more full lines, each "PATH:LINE:COL: ..."
  size_t pathlen; // take_reports: the length of the PATH text starts with
};

void report_add(unit *u, CXCursor where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void report_add_raw(unit *u, unsigned line, unsigned col, char *text);
bool cursor_position(unit *u, CXCursor c, unsigned *line, unsigned *col);
void report_function(unit *u, func *fn);

// moved_local is one "moved to heap" verdict, or one escaping compound
// literal, as escape-cc's rewrite reads them: exactly what -m reports.
struct moved_local {
  CXCursor decl;     // the VarDecl, ParmDecl or CompoundLiteralExpr
  bool literal;      // a compound literal
  bool has_pointers; // its type can hold a pointer: the collector scans it
};

// record_moved appends fn's verdicts to u->moved (malloc'd; the caller
// frees them). The cursors stay valid while the translation unit lives.
void record_moved(unit *u, func *fn);
void explain_escape(unit *u, location *root, location *l, int derefs);
void explain_leak(unit *u, location *root, location *l, int derefs);
// take_reports hands over the unit's reports sorted by position (the
// caller frees each text and the array).
report *take_reports(unit *u, int *n);
// flush_reports prints the unit's reports to out (or drops them, when out
// is NULL) and returns the number of warnings.
int flush_reports(unit *u, FILE *out);
const char *location_label(location *l);

//
// diag.c: reports as structured diagnostics
//

// A diag is one report read back from the text escape-check prints
// (report.c): a check-mode warning with its notes, or an -m remark with,
// under -m=2, the lines of its explanation as notes. diag_free frees every
// string and the notes.
typedef struct diag_note {
  char *file; // as printed
  unsigned line, col;
  char *message; // the text after "PATH:L:C: note: " (check mode) or the
                 // explanation line with its indentation trimmed (-m=2)
} diag_note;

typedef struct diag {
  char *file;
  unsigned line, col;
  bool warning;     // check mode's "warning:"; false for -m's remarks
  escape_kind kind; // the warning's kind; ESC_NONE for -m remarks
  char *message;    // without "warning: " and without " [-Wescape-KIND]"
  diag_note *notes;
  int nnotes;
  char *text; // the blob exactly as escape-check prints it
} diag;

// diag_parse parses one report blob; false if it is not in the grammar.
bool diag_parse(const char *text, diag *d);
void diag_free(diag *d);
// escape_kind_name is the name of kind k in -Wescape-KIND ("return",
// "global", ...); NULL for ESC_NONE and anything not a kind.
const char *escape_kind_name(escape_kind k);
bool escape_kind_parse(const char *name, escape_kind *k); // the inverse

//
// json.c: JSON text and file URIs for the output formats
//

// A json writer prints one JSON value to out, member by member: json_open
// and json_close bracket an object or array, the scalars write one member.
// key is the member's name inside an object, NULL inside an array. Strings
// are escaped as Go's encoding/json escapes them (invalid UTF-8 becomes
// U+FFFD), so the output is valid JSON whatever bytes a path holds.
enum { JSON_MAX_DEPTH = 32 };

typedef struct json {
  FILE *out;
  bool pretty; // one member a line, indented by two spaces; else one line
  bool html;   // also escape <, > and & (Go's Encoder does by default)
  int depth;
  bool filled[JSON_MAX_DEPTH]; // a member was written at this depth
} json;

void json_open(json *j, const char *key, char bracket); // '{' or '['
void json_close(json *j, char bracket);                 // '}' or ']'
void json_string(json *j, const char *key, const char *s);
void json_uint(json *j, const char *key, unsigned long long v);
void json_bool(json *j, const char *key, bool v);
void json_null(json *j, const char *key);

// path_absolute returns path made absolute (against the working directory)
// and cleaned lexically as Go's filepath.Clean does; malloc'd.
char *path_absolute(const char *path);
// uri_escape appends the n bytes at s to b percent-encoded as Go's net/url
// encodes a URL's path, or with segment one element of it (url.PathEscape).
void uri_escape(textbuf *b, const char *s, size_t n, bool segment);
// file_uri appends the file URI of path, made absolute ("file:///a/b.c").
void file_uri(textbuf *b, const char *path);

//
// output.c: escape-check's output formats
//

typedef struct file_result {
  const char *path; // the source file, as the user or the build named it
  diag *diags;      // what is to be shown for it, in order
  int ndiags;
  bool failed;       // it could not be analyzed (clang errors, a crash)
  const char *error; // then: why, one line
} file_result;

typedef enum { FORMAT_TEXT, FORMAT_JSON, FORMAT_SARIF } out_format;

// write_results writes every file's diagnostics to out in format; m is the
// -m level (0: check mode).
void write_results(FILE *out, out_format format, int m,
                   const file_result *files, int n);
// write_lsp_dir writes Go's -json=0,DIR output; returns 0, or -1 after
// printing why to errors.
int write_lsp_dir(const char *dir, int m, const file_result *files, int n,
                  FILE *errors);

#endif
