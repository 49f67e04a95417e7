// Lowering statements and functions: stmt.go's job, for C.
//
// Statements matter to the analysis for two things only: the expressions
// they contain, and the blocks they open. Every block (a compound
// statement, and each substatement of if, for, while, do and switch, which
// C99 makes blocks of their own) is a scope; a local lives in the scope of
// its declaration, and a root whose scope strictly encloses it outlives it
// (solve.c). Loops need nothing more: a variable declared in a loop body
// lives in the body's scope, so a pointer declared before the loop
// outlives it, exactly as Go's loop depth says. goto changes no lifetime in
// C (a jump out of a block ends its variables), so labels and gotos only
// lower their substatements.
//
// For check mode, the order of statements matters too: lowering them also
// builds the control-flow graph that held.c's flow-sensitive pass runs on,
// one basic block per straight run, split at every branch, loop, label and
// jump (branch, loop, switch_body below). -m builds none of it.
//
// As graph.go asks, the whole AST is visited: a construct that is not
// understood still has its children lowered.
#include "escape.h"

#include <string.h>

unsigned end_offset(CXCursor c) {
  unsigned off = 0;
  clang_getExpansionLocation(clang_getRangeEnd(clang_getCursorExtent(c)), NULL,
                             NULL, NULL, &off);
  return off;
}

// push_scope opens the block that statement or expression `block` spans.
// Its end is found only when asked for (scope_end): clang computes an if
// statement's extent through its whole else-if chain.
scope *push_scope(unit *u, CXCursor block) {
  scope *s = arena_alloc(&u->arena, sizeof(scope));
  s->parent = u->scope;
  s->depth = u->scope ? u->scope->depth + 1 : 0;
  s->pre = ++u->scope_seq;
  s->block = block;
  u->scope = s;
  return s;
}

void pop_scope(unit *u) {
  held_scope_end(u, u->scope);
  u->scope->post = ++u->scope_seq;
  u->scope = u->scope->parent;
}

unsigned scope_end(scope *s) {
  if (!s->end_known) {
    s->end = end_offset(s->block);
    s->end_known = true;
  }
  return s->end;
}

// scope_encloses reports whether inner lies strictly inside outer. Both
// blocks must be closed; a backward goto's loop is looked up the slow way.
bool scope_encloses(const scope *outer, const scope *inner) {
  if (outer->pre && outer->post && inner->pre && inner->post)
    return outer->pre < inner->pre && inner->post < outer->post;
  for (const scope *s = inner->parent; s; s = s->parent)
    if (s == outer)
      return true;
  return false;
}

static bool is_static_local(CXCursor d) {
  enum CX_StorageClass sc = clang_Cursor_getStorageClass(d);
  return sc == CX_SC_Static || sc == CX_SC_Extern ||
         clang_Cursor_hasVarDeclGlobalStorage(d) == 1;
}

static void declare_var(unit *u, CXCursor d) {
  CXCursor init = clang_Cursor_getVarDeclInitializer(d);
  if (is_static_local(d)) {
    // Static storage lives as long as a global: the analysis treats it as
    // one. Its initializer is a constant.
    if (!clang_Cursor_isNull(init))
      lower_expr(u, hole_discard(), init);
    return;
  }
  CXType t = clang_getCursorType(d);
  held_local(u);
  location *l = new_location(u, u->fn, LOC_VAR, cursor_name(u, d));
  l->scope = u->scope;
  l->decl = l->where = d;
  l->has_pointers = type_has_pointers(u, t);
  l->is_array = type_is_array(t);
  l->aggregate = type_is_record(t) || l->is_array;
  cursor_map_put(&u->locals, d, l);
  lower_cleanup(u, l, d);
  if (clang_Cursor_isNull(init))
    return;
  if (!l->has_pointers && carries_address(u, init)) {
    l->has_pointers = true; // uintptr_t a = (uintptr_t)p: a keeps p's flow
    lower_int_address(u, hole_note(u, hole_of(l), d, "assign"), init);
  } else if (l->has_pointers) {
    lower_var_init(u, l, d, init);
  } else {
    lower_expr(u, hole_discard(), init);
  }
}

static void scoped(unit *u, CXCursor c) {
  push_scope(u, c);
  lower_stmt(u, c);
  pop_scope(u);
}

// loop_body lowers a loop's body: a block that runs many times, which is
// what an allocation's lifetime follows (libc.c).
static void loop_body(unit *u, CXCursor c) {
  push_scope(u, c)->loop = true;
  lower_stmt(u, c);
  pop_scope(u);
}

// A label remembers the calls lowered before it; a goto back to it makes
// every call lowered since then part of a loop, as Go's escape analysis
// treats a label targeted by a backward goto.
typedef struct {
  callsite *before;
  scope *scope;
} label_mark;

static void label(unit *u, CXCursor c) {
  label_mark *m = arena_alloc(&u->arena, sizeof(label_mark));
  m->before = u->fn->calls;
  m->scope = u->scope;
  cursor_map_put(&u->labels, c, m);
}

static void backward_goto(unit *u, CXCursor c) {
  label_mark *m = cursor_map_get(&u->labels, clang_getCursorReferenced(c));
  if (!m)
    return; // a forward goto
  u->fn->back_goto = true;
  scope *loop = arena_alloc(&u->arena, sizeof(scope));
  loop->parent = m->scope;
  loop->depth = m->scope ? m->scope->depth + 1 : 0;
  loop->loop = true;
  loop->end_known = true; // no block: it ends at offset 0
  for (callsite *cs = u->fn->calls; cs && cs != m->before; cs = cs->next)
    if (!cs->goto_loop)
      cs->goto_loop = loop;
}

static void ret(unit *u, CXCursor c, CXCursor *x, int n) {
  if (n > 0) {
    hole k = hole_discard();
    if (u->fn->result)
      k = hole_note(u, hole_of(u->fn->result), c, "return");
    lower_expr(u, k, x[n - 1]);
  }
  held_return(u, c);
}

// The functions below lower the statements that branch, and give held.c's
// control-flow graph their shape; the held_* calls do nothing with -m.

// branch lowers the substatements of if (cond): each gets a block from the
// condition's, and all of them meet after the if.
static void branch(unit *u, CXCursor cond, CXCursor *x, int n) {
  int head = held_here(u), join = held_block(u);
  for (int i = 0; i < n || i < 2; i++) {
    held_start(u, held_block(u));
    held_edge(u, head, held_here(u));
    held_unless(u, cond, i == 0);
    if (i < n)
      scoped(u, x[i]);
    held_edge(u, held_here(u), join);
  }
  held_start(u, join);
}

// loop lowers a loop: its test parts x[0..ntest) are evaluated before each
// iteration (or, with bottom_test, after: do-while), the parts
// x[ntest..n-1) after each (a for's increment), and x[n-1] is the body. With
// unsure, the test parts may be any of a for's three: they are then taken to
// assign without overwriting (held.c). Parts are lowered in source order.
static void lower_parts(unit *u, CXCursor *x, int from, int to) {
  for (int i = from; i < to; i++)
    if (clang_isExpression(x[i].kind))
      lower_expr(u, hole_discard(), x[i]);
    else
      lower_stmt(u, x[i]);
}

static void loop(unit *u, CXCursor *x, int ntest, int n, bool bottom_test,
                 bool unsure) {
  int test = held_block(u), body = held_block(u), next = held_block(u),
      exit = held_block(u);
  held_edge(u, held_here(u), bottom_test ? body : test);
  held_edge(u, test, body);
  if (ntest)
    held_edge(u, test, exit);
  held_edge(u, next, test);
  held_jump j;
  held_push_jump(u, &j, exit, next, -1);
  if (bottom_test) {
    held_start(u, body);
    loop_body(u, x[n - 1]);
    held_edge(u, held_here(u), next);
  }
  held_start(u, test);
  held_cond(u, unsure);
  lower_parts(u, x, 0, ntest);
  held_cond(u, -(int)unsure);
  held_start(u, next);
  lower_parts(u, x, ntest, n - 1);
  if (!bottom_test) {
    held_start(u, body);
    loop_body(u, x[n - 1]);
    held_edge(u, held_here(u), next);
  }
  held_pop_jump(u);
  held_start(u, exit);
}

// for_loop lowers for (init; cond; inc) body. libclang omits missing parts,
// so unless all three are there, which is which is unknown past a leading
// declaration: the unknown ones are then lowered as unsure test parts.
static void for_loop(unit *u, CXCursor *x, int n) {
  int parts = n - 1;
  bool init = parts == 3 || (parts > 0 && !clang_isExpression(x[0].kind));
  if (init) {
    if (clang_isExpression(x[0].kind))
      lower_expr(u, hole_discard(), x[0]);
    else
      lower_stmt(u, x[0]);
  }
  if (parts == 3)
    loop(u, x + 1, 1, n - 1, false, false);
  else
    loop(u, x + init, parts - init, n - init, false, parts - init > 0);
}

// switch_body lowers a switch's body, which each case label enters from
// the head.
static void switch_body(unit *u, CXCursor body) {
  int head = held_here(u), exit = held_block(u);
  held_jump j;
  held_push_jump(u, &j, exit, -1, head);
  held_start(u, held_block(u)); // before the first case: unreachable
  scoped(u, body);
  held_pop_jump(u);
  held_edge(u, held_here(u), exit);
  if (u->held && !j.has_default)
    held_edge(u, head, exit);
  held_start(u, exit);
}

// asm_operands makes what inline assembly reads escape: the analysis cannot
// see what it does with an address.
static void asm_operands(unit *u, CXCursor c, CXCursor *x, int n) {
  hole h = hole_note(u, hole_of(heap_sink(u, ESC_CALL, "asm")), c,
                     "inline assembly");
  for (int i = 0; i < n; i++)
    if (clang_isExpression(x[i].kind))
      lower_expr(u, h, x[i]);
}

static void lower_stmt1(unit *u, CXCursor c);

void lower_stmt(unit *u, CXCursor c) {
  if (u->depth >= MAX_NESTING) {
    u->fn->too_deep = true;
    return;
  }
  u->depth++;
  lower_stmt1(u, c);
  u->depth--;
}

static void lower_stmt1(unit *u, CXCursor c) {
  int n;
  CXCursor *x = unit_children(u, c, &n);
  switch (c.kind) {
  case CXCursor_CompoundStmt:
    push_scope(u, c);
    for (int i = 0; i < n; i++)
      lower_stmt(u, x[i]);
    pop_scope(u);
    return;
  case CXCursor_DeclStmt:
    for (int i = 0; i < n; i++)
      if (x[i].kind == CXCursor_VarDecl)
        declare_var(u, x[i]);
    return;
  case CXCursor_IfStmt:
  case CXCursor_WhileStmt:
  case CXCursor_SwitchStmt:
    // A selection or iteration statement is a block (C11 6.8.4p3, 6.8.5p5):
    // the condition, then one block per substatement.
    push_scope(u, c);
    if (c.kind == CXCursor_IfStmt && n > 1 && clang_isExpression(x[0].kind)) {
      lower_expr(u, hole_discard(), x[0]);
      branch(u, x[0], x + 1, n - 1);
    } else if (c.kind == CXCursor_WhileStmt && n == 2 &&
               clang_isExpression(x[0].kind)) {
      loop(u, x, 1, 2, false, false);
    } else if (c.kind == CXCursor_SwitchStmt && n == 2 &&
               clang_isExpression(x[0].kind)) {
      lower_expr(u, hole_discard(), x[0]);
      switch_body(u, x[1]);
    } else {
      held_opaque(u); // not a shape C has: the graph gives up here
      for (int i = 0; i < n; i++) {
        if (i == 0 && clang_isExpression(x[i].kind))
          lower_expr(u, hole_discard(), x[i]);
        else if (c.kind == CXCursor_WhileStmt)
          loop_body(u, x[i]);
        else
          scoped(u, x[i]);
      }
    }
    pop_scope(u);
    return;
  case CXCursor_DoStmt:
    push_scope(u, c);
    if (n == 2 && clang_isExpression(x[1].kind)) {
      CXCursor parts[2] = {x[1], x[0]};
      loop(u, parts, 1, 2, true, false);
    } else {
      held_opaque(u);
      for (int i = 0; i < n; i++) {
        if (i == n - 1 && clang_isExpression(x[i].kind))
          lower_expr(u, hole_discard(), x[i]);
        else
          loop_body(u, x[i]);
      }
    }
    pop_scope(u);
    return;
  case CXCursor_ForStmt:
    // libclang omits the missing parts of for (;;): the body is last, and
    // init, condition and increment all live in the for's own scope.
    push_scope(u, c);
    if (n > 0)
      for_loop(u, x, n);
    pop_scope(u);
    return;
  case CXCursor_CaseStmt:
  case CXCursor_DefaultStmt:
  case CXCursor_LabelStmt:
    // The substatement is last (after a case's value, which is constant).
    if (c.kind == CXCursor_LabelStmt) {
      label(u, c);
      held_label(u, c);
    } else {
      held_case(u, c.kind == CXCursor_DefaultStmt);
    }
    if (n > 0)
      lower_stmt(u, x[n - 1]);
    return;
  case CXCursor_ReturnStmt:
    ret(u, c, x, n);
    return;
  case CXCursor_GotoStmt:
    backward_goto(u, c);
    held_goto(u, c);
    return;
  case CXCursor_BreakStmt:
  case CXCursor_ContinueStmt:
    held_break(u, c, c.kind == CXCursor_ContinueStmt);
    return;
  case CXCursor_NullStmt:
    return;
  case CXCursor_IndirectGotoStmt:
    for (int i = 0; i < n; i++)
      lower_expr(u, hole_discard(), x[i]);
    held_give_up(u);
    return;
  case CXCursor_GCCAsmStmt:
  case CXCursor_MSAsmStmt:
    asm_operands(u, c, x, n);
    held_opaque(u); // what it reads and writes is not known
    for (int i = 0; i < n; i++)
      if (x[i].kind == CXCursor_LabelRef)
        held_give_up(u); // asm goto
    return;
  default:
    break;
  }
  if (clang_isExpression(c.kind)) {
    lower_expr(u, hole_discard(), c);
    return;
  }
  for (int i = 0; i < n; i++) {
    if (clang_isExpression(x[i].kind))
      lower_expr(u, hole_discard(), x[i]);
    else if (clang_isStatement(x[i].kind) || x[i].kind == CXCursor_VarDecl)
      x[i].kind == CXCursor_VarDecl ? declare_var(u, x[i])
                                    : lower_stmt(u, x[i]);
  }
}

static location *new_param(unit *u, func *fn, CXCursor p, int index,
                           const char *name, bool ptrs) {
  location *l = new_location(u, fn, LOC_PARAM, name);
  l->decl = l->where = p;
  l->param_index = index;
  l->has_pointers = ptrs;
  if (ptrs) {
    // What the parameter points to is the caller's memory: p = &{*p}.
    size_t len = strlen(name) + 4;
    char *label = arena_alloc(&u->arena, len);
    snprintf(label, len, "{*%s}", name);
    location *content = new_location(u, fn, LOC_CONTENT, label);
    content->decl = content->where = p;
    content->param_index = index;
    content->param = l;
    content->has_pointers = true;
    l->content = content;
    add_edge(u, l, content, -1, NULL);
  }
  return l;
}

location *lower_param(unit *u, func *fn, int index, CXCursor p,
                      const char *name) {
  CXType t = clang_getCursorType(p);
  bool ptrs = index < 0 || type_has_pointers(u, t) || type_is_array(t);
  location *l =
      new_param(u, fn, p, index, name ? name : cursor_name(u, p), ptrs);
  if (p.kind == CXCursor_ParmDecl) {
    l->aggregate = type_is_record(t);
    cursor_map_put(&u->locals, p, l);
  }
  if (index >= 0)
    fn->params[index] = l;
  return l;
}

// lower_function builds fn's graph: its parameters, result and body.
void lower_function(unit *u, func *fn) {
  u->fn = fn;
  u->scope = NULL;
  fn->top = push_scope(u, fn->decl);
  CXType ft = clang_getCursorType(fn->decl);
  if (type_has_pointers(u, clang_getResultType(ft))) {
    fn->result = new_location(u, fn, LOC_RESULT, "~r0");
    fn->result->decl = fn->result->where = fn->decl;
    fn->result->has_pointers = true;
  }
  int np = clang_Cursor_getNumArguments(fn->decl);
  fn->nparams = np < 0 ? 0 : np;
  fn->params = arena_alloc(&u->arena, (fn->nparams + 1) * sizeof(location *));
  for (int i = 0; i < fn->nparams; i++)
    lower_param(u, fn, i, clang_Cursor_getArgument(fn->decl, i), NULL);
  if (fn->variadic)
    fn->varargs = lower_param(u, fn, -1, fn->decl, "...");
  held_begin(u, fn);
  int n;
  CXCursor *x = unit_children(u, fn->decl, &n);
  for (int i = 0; i < n; i++) {
    if (x[i].kind != CXCursor_CompoundStmt)
      continue;
    // The body's outermost block is the parameters' scope.
    int m;
    CXCursor *s = cursor_children(&u->arena, x[i], &m);
    for (int j = 0; j < m; j++) {
      arena_mark mark = arena_top(&u->scratch);
      lower_stmt(u, s[j]);
      arena_release(&u->scratch, mark);
      unit_children_reset(u);
    }
  }
  finish_fields(u, fn);
  pop_scope(u);
  held_end(u, fn);
  u->fn = NULL;
}
