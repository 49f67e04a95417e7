// Reports: everything users read comes from this file.
//
// The wording is Go's (escape.go's finish and paramTag, solve.go's
// explanations), because users of -m know it and grep for it:
//
//   f.c:2:7: moved to heap: x
//   f.c:1:13: leaking param: p to result ~r0 level=0
//   f.c:5:9: malloc(sizeof(struct node)) escapes to heap
//
// -m=2 prints, before a verdict, the flow that proves it, each line
// prefixed with the position of the location it explains:
//
//   f.c:2:7: x escapes to heap:
//   f.c:2:7:   flow: ~r0 = &x:
//   f.c:2:7:     from &x (address-of) at f.c:3:10
//   f.c:2:7:     from return &x (return) at f.c:3:3
//
// Check mode prints one GCC-style warning per escaping local, at the
// expression where its address is taken, named for the way it escapes,
// with notes in C's words (global 'g', the return value, *p: never Go's
// {heap} or ~r0): the flow, then, as GCC and clang point at the return or
// the use, where the address dangles (a return; where a store held.c
// found not undone is still held; else the store), then the declaration:
//
//   f.c:4:7: warning: address of local variable 'x' escapes: stored in
//            global 'g' [-Wescape-global]
//   f.c:4:7: note: flow: global 'g' = &x, from &x (address-of)
//   f.c:4:3: note: flow: global 'g' = &x, from g = &x (assign)
//   f.c:7:5: note: 'g' still holds the address when 'f' returns
//   f.c:3:7: note: local variable 'x' declared here
//
// Reports are collected per unit and printed sorted by position, as Go's
// compiler sorts its diagnostics.
#include "escape.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

bool cursor_position(unit *u, CXCursor c, unsigned *line, unsigned *col) {
  CXFile f;
  clang_getExpansionLocation(clang_getCursorLocation(c), &f, line, col, NULL);
  return f != NULL;
}

// position_at formats loc as PATH:LINE:COL, PATH as the user gave it for
// the main file.
static const char *position_at(unit *u, CXSourceLocation loc) {
  CXFile f;
  unsigned line, col;
  clang_getExpansionLocation(loc, &f, &line, &col, NULL);
  char buf[64];
  snprintf(buf, sizeof buf, ":%u:%u", line, col);
  if (!f || clang_File_isEqual(f, u->main_file)) {
    size_t n = strlen(u->path) + strlen(buf) + 1;
    char *out = arena_alloc(&u->arena, n);
    snprintf(out, n, "%s%s", u->path, buf);
    return out;
  }
  CXString name = clang_getFileName(f);
  const char *s = clang_getCString(name);
  size_t n = strlen(s ? s : "") + strlen(buf) + 1;
  char *out = arena_alloc(&u->arena, n);
  snprintf(out, n, "%s%s", s ? s : "", buf);
  clang_disposeString(name);
  return out;
}

static const char *position(unit *u, CXCursor c) {
  return position_at(u, clang_getCursorLocation(c));
}

void report_add_raw(unit *u, unsigned line, unsigned col, char *text) {
  if (u->nreports == u->reports_cap) {
    u->reports_cap = u->reports_cap ? u->reports_cap * 2 : 64;
    u->reports = must_realloc(u->reports, u->reports_cap * sizeof(report));
  }
  u->reports[u->nreports++] = (report){line, col, u->seq++, text, 0};
}

void report_add(unit *u, CXCursor where, const char *fmt, ...) {
  unsigned line = 0, col = 0;
  cursor_position(u, where, &line, &col);
  textbuf b = {0};
  textbuf_printf(&b, "%s: ", position(u, where));
  va_list ap;
  va_start(ap, fmt);
  char msg[1024];
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  textbuf_printf(&b, "%s\n", msg);
  report_add_raw(u, line, col, b.data);
}

// macro_call_text returns the text of the macro call that expands to c
// (NAME(ARGS), whitespace collapsed, at most max bytes), or NULL when c is
// not in a macro expansion of the main file.
static const char *macro_call_text(unit *u, CXCursor c, size_t max) {
  CXSourceLocation loc = clang_getCursorLocation(c);
  CXFile ef, sf;
  unsigned eoff, soff;
  clang_getExpansionLocation(loc, &ef, NULL, NULL, &eoff);
  clang_getSpellingLocation(loc, &sf, NULL, NULL, &soff);
  if (!ef || (clang_File_isEqual(ef, sf) && eoff == soff))
    return NULL;
  size_t size;
  const char *text = clang_getFileContents(u->tu, ef, &size);
  if (!text || eoff >= size)
    return NULL;
  textbuf b = {0};
  int depth = 0;
  bool space = false;
  for (size_t i = eoff; i < size && b.len < max; i++) {
    char ch = text[i];
    if (ch == '(')
      depth++;
    if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
      space = b.len > 0;
      continue;
    }
    if (depth == 0 && ch != '_' && !(ch >= '0' && ch <= '9') &&
        !((ch | 32) >= 'a' && (ch | 32) <= 'z') && ch != '(')
      break;
    if (space && ch != ')' && ch != ',' && b.data[b.len - 1] != '(')
      textbuf_printf(&b, " ");
    space = false;
    textbuf_printf(&b, "%c", ch);
    if (ch == ')' && --depth == 0)
      break;
  }
  const char *out = b.data ? arena_strdup(&u->arena, b.data) : NULL;
  textbuf_free(&b);
  return out;
}

// make_text is how a slice's backing array (<escape/slice.h>) reads: Go's
// make(S, len[, cap]) when it comes from escrt_make or escrt_make3, the
// macro call as written from another macro, NULL when the allocation is
// not escrt_makeslice's.
static const char *make_text(unit *u, location *l) {
  if (l->where.kind != CXCursor_CallExpr ||
      strcmp(cursor_name(u, l->where), "escrt_makeslice"))
    return NULL;
  const char *t = macro_call_text(u, l->where, 80);
  if (!t || strncmp(t, "escrt_make", 10))
    return t;
  const char *args = strchr(t, '(');
  size_t n = strlen(args) + 5;
  char *out = arena_alloc(&u->arena, n);
  snprintf(out, n, "make%s", args);
  return out;
}

// alloc_text is how an allocation site reads in a report: the call as
// written, a slice's make, or a compound literal with its initializer
// abbreviated.
static const char *alloc_text(unit *u, location *l) {
  if (l->alloc == ALLOC_BLOCK)
    return "block literal";
  const char *made = l->alloc == ALLOC_MALLOC ? make_text(u, l) : NULL;
  if (made)
    return made;
  const char *t = cursor_text(u, l->where, 0);
  if (l->alloc != ALLOC_LITERAL)
    return cursor_text(u, l->where, 80);
  const char *brace = strchr(t, '{');
  if (!brace)
    return t;
  size_t n = brace - t;
  char *out = arena_alloc(&u->arena, n + 6);
  memcpy(out, t, n);
  strcpy(out + n, "{...}");
  return out;
}

const char *location_label(location *l) {
  switch (l->kind) {
  case LOC_HEAP:
  case LOC_UNKNOWN:
    return "{heap}";
  case LOC_TEMP:
    return "{temp}";
  default:
    return l->name;
  }
}

static const char *label(unit *u, location *l) {
  if (l->kind != LOC_ALLOC)
    return location_label(l);
  const char *t = alloc_text(u, l);
  size_t n = strlen(t) + 16;
  char *out = arena_alloc(&u->arena, n);
  snprintf(out, n, "{storage for %s}", t);
  return out;
}

// check_label is how check mode names a location in its notes: in C's
// words, never Go's internal names ({heap}, ~r0, {temp}), which -m=2 keeps.
static const char *check_label(unit *u, location *l) {
  const char *fmt = NULL, *arg = NULL;
  switch (l->kind) {
  case LOC_HEAP:
    if (l->sink == ESC_GLOBAL && l->sink_name)
      fmt = "global '%s'", arg = l->sink_name;
    else if (l->sink == ESC_CALL && l->sink_name &&
             !strcmp(l->sink_name, "asm"))
      return "inline assembly";
    else if (l->sink == ESC_CALL && l->sink_name)
      fmt = "what '%s' keeps", arg = l->sink_name;
    else
      return l->sink == ESC_THREAD ? "another thread"
             : l->sink == ESC_SEND ? "a channel"
             : l->sink == ESC_HEAP ? "heap memory"
                                   : "global memory";
    break;
  case LOC_UNKNOWN:
    return "unknown memory";
  case LOC_RESULT:
    return "the return value";
  case LOC_TEMP: // a variable's read (held.c) or whole value is named for it
    return strcmp(l->name, "{temp}") ? l->name : "a temporary";
  case LOC_CONTENT:
    if (!l->param || l->param_index < 0)
      return "what the variadic arguments point to";
    fmt = "*%s", arg = l->param->name;
    break;
  case LOC_ALLOC:
    if (l->alloc == ALLOC_MALLOC)
      fmt = "the memory of %s", arg = alloc_text(u, l);
    else if (l->alloc == ALLOC_LITERAL) {
      arg = alloc_text(u, l);
      arg += strspn(arg, "& "); // written &(T){...}
      fmt = "compound literal %s";
    } else
      return l->alloc == ALLOC_ALLOCA ? "alloca'd memory" : "block literal";
    break;
  default:
    return l->name;
  }
  size_t n = strlen(fmt) + strlen(arg) + 1;
  char *out = arena_alloc(&u->arena, n);
  snprintf(out, n, fmt, arg);
  return out;
}

// check_value is how check mode says the value that flows from l with
// derefs: &x, p, *p for names in C, in words for the others.
static const char *check_value(unit *u, location *l, int derefs) {
  const char *name = check_label(u, l);
  bool c_name = l->kind == LOC_VAR || l->kind == LOC_FIELD ||
                l->kind == LOC_PARAM || (l->kind == LOC_CONTENT && l->param) ||
                (l->kind == LOC_HEAP && l->sink == ESC_GLOBAL && l->sink_name);
  if (l->kind == LOC_HEAP && c_name)
    name = l->sink_name;
  if (derefs == 0)
    return name;
  textbuf b = {0};
  if (c_name && derefs < 0)
    textbuf_printf(&b, "&%s", name);
  else if (c_name)
    textbuf_printf(&b, "%.*s%s", derefs > 15 ? 15 : derefs, "***************",
                   name);
  else if (derefs < 0)
    textbuf_printf(&b, "the address of %s", name);
  else if (derefs == 1)
    textbuf_printf(&b, "what %s points to", name);
  else
    textbuf_printf(&b, "what %s points to, %d levels down", name, derefs);
  const char *out = arena_strdup(&u->arena, b.data);
  textbuf_free(&b);
  return out;
}

static void ops(char *buf, int derefs) {
  if (derefs < 0) {
    strcpy(buf, "&");
    return;
  }
  int i = 0;
  for (; i < derefs && i < 15; i++)
    buf[i] = '*';
  buf[i] = 0;
}

// explain_path appends the flow from l to root, as solve.go's explainPath:
// in Go's format for -m=2, as notes for check mode. It returns the notes of
// the last step, into root.
static note *explain_path(unit *u, textbuf *b, const char *pos, location *root,
                          location *l) {
  location *src = l;
  location *seen[64];
  for (int steps = 0;; steps++) {
    location *dst = src->dst;
    bool cycle = steps >= 64;
    for (int i = 0; i < steps && !cycle; i++)
      cycle = seen[i] == dst;
    if (!cycle)
      seen[steps] = dst;
    if (!dst || src->dst_edge >= dst->nedges || cycle) {
      if (u->opt->m >= 2)
        textbuf_printf(b, "%s:   warning: truncated explanation\n", pos);
      return NULL;
    }
    edge *e = &dst->edges[src->dst_edge];
    char o[16];
    ops(o, e->derefs);
    if (u->opt->m >= 2) {
      textbuf_printf(b, "%s:   flow: %s = %s%s:\n", pos, label(u, dst), o,
                     label(u, src));
      for (note *n = e->notes; n; n = n->next)
        textbuf_printf(b, "%s:     from %s (%s) at %s\n", pos,
                       cursor_text(u, n->where, 80), n->why,
                       position(u, n->where));
    } else {
      const char *value = check_value(u, src, e->derefs);
      for (note *n = e->notes; n; n = n->next)
        textbuf_printf(b, "%s: note: flow: %s = %s, from %s (%s)\n",
                       position(u, n->where), check_label(u, dst), value,
                       cursor_text(u, n->where, 80), n->why);
    }
    if (dst == root)
      return e->notes;
    src = dst;
  }
}

void explain_escape(unit *u, location *root, location *l, int derefs) {
  location *v = root_of(l);
  textbuf b = {0};
  const char *pos = position(u, v->where);
  if (u->opt->m >= 2)
    textbuf_printf(&b, "%s: %s escapes to heap:\n", pos,
                   v->kind == LOC_ALLOC ? alloc_text(u, v) : v->name);
  l->esc_last = v->esc_last = explain_path(u, &b, pos, root, l);
  l->explanation = arena_strdup(&u->arena, b.data ? b.data : "");
  v->explanation = l->explanation;
  textbuf_free(&b);
}

void explain_leak(unit *u, location *root, location *l, int derefs) {
  textbuf b = {0};
  const char *pos = position(u, l->where);
  textbuf_printf(&b, "%s: parameter %s leaks to %s with derefs=%d:\n", pos,
                 l->name, label(u, root), derefs);
  explain_path(u, &b, pos, root, l);
  unsigned line = 0, col = 0;
  cursor_position(u, l->where, &line, &col);
  report_add_raw(u, line, col, b.data);
}

// ultimate follows escaped locals back to the root that made them escape.
static location *ultimate(location *root) {
  for (int i = 0; i < 100 && root->kind != LOC_HEAP && root->escapes &&
                  !(root->kind == LOC_ALLOC && root->alloc == ALLOC_MALLOC) &&
                  root->esc_root && root->esc_root != root;
       i++)
    root = root->esc_root;
  return root;
}

// place_text is how a note names the place a store wrote: as written.
static const char *place_text(unit *u, held_store *s) {
  if (s->lhs.kind == CXCursor_VarDecl)
    return cursor_name(u, s->lhs);
  return cursor_text(u, s->lhs, 40);
}

// dangle_note appends the note that points where l's address dangles, as
// GCC and clang point at the return or the use: the return statement, or
// where a store that was not undone (held.c) is still held, else the store.
static void dangle_note(unit *u, textbuf *b, location *l) {
  note *stmt = NULL;
  held_store *held = NULL;
  for (note *n = l->esc_last; n; n = n->next) {
    if (!strcmp(n->why, "return") || !strcmp(n->why, "assign"))
      stmt = n;
    if (n->held)
      held = n->held;
  }
  if (l->why == ESC_RETURN) {
    if (stmt && !strcmp(stmt->why, "return"))
      textbuf_printf(b, "%s: note: returned here\n", position(u, stmt->where));
    return;
  }
  if (l->why == ESC_CALL || l->why == ESC_THREAD || l->why == ESC_SEND)
    return; // the warning is at the call
  if (held && held->use != HELD_NONE &&
      !clang_equalLocations(held->use_at, clang_getNullLocation())) {
    const char *at = position_at(u, held->use_at), *p = place_text(u, held);
    switch (held->use) {
    case HELD_RETURN:
      textbuf_printf(b,
                     "%s: note: '%s' still holds the address when '%s' "
                     "returns\n",
                     at, p, l->fn ? l->fn->name : "?");
      return;
    case HELD_BLOCK:
      textbuf_printf(b,
                     "%s: note: '%s' still holds the address when the "
                     "block ends\n",
                     at, p);
      return;
    case HELD_READ:
      textbuf_printf(b, "%s: note: '%s' is read while it holds the address\n",
                     at, p);
      return;
    case HELD_MOVED:
      textbuf_printf(b,
                     "%s: note: the way to '%s' changes while it holds the "
                     "address\n",
                     at, p);
      return;
    default:
      break;
    }
  }
  if (stmt && !strcmp(stmt->why, "assign"))
    textbuf_printf(b, "%s: note: stored here\n", position(u, stmt->where));
}

static void warn(unit *u, location *l) {
  location *r = ultimate(l->esc_root ? l->esc_root : l);
  char how[256];
  // rn names the parameter or variable the address is stored in, if one.
  const char *rn =
      r->kind == LOC_CONTENT && r->param ? r->param->name
      : r->kind == LOC_VAR || r->kind == LOC_FIELD || r->kind == LOC_PARAM
          ? r->name
          : NULL;
  switch (l->why) {
  case ESC_RETURN:
    snprintf(how, sizeof how, "returned to caller");
    break;
  case ESC_GLOBAL:
    snprintf(how, sizeof how, "stored in global '%s'",
             r->sink_name ? r->sink_name : "?");
    break;
  case ESC_HEAP:
    snprintf(how, sizeof how, "stored in heap memory");
    break;
  case ESC_PARAM:
    if (rn)
      snprintf(how, sizeof how, "stored through parameter '%s'", rn);
    else
      snprintf(how, sizeof how, "stored through a parameter");
    break;
  case ESC_CALL:
    if (r->sink_name && !strcmp(r->sink_name, "asm"))
      snprintf(how, sizeof how, "passed to inline assembly");
    else if (r->sink_name)
      snprintf(how, sizeof how, "passed to unknown function '%s'",
               r->sink_name);
    else
      snprintf(how, sizeof how, "passed to unknown function");
    break;
  case ESC_THREAD:
    snprintf(how, sizeof how, "handed to another thread");
    break;
  case ESC_SEND:
    snprintf(how, sizeof how, "sent on a channel");
    break;
  default:
    if (rn)
      snprintf(how, sizeof how, "stored in '%s', which outlives it", rn);
    else
      snprintf(how, sizeof how, "stored in memory that outlives it");
    break;
  }
  if (r->via) {
    size_t n = strlen(how);
    snprintf(how + n, sizeof how - n, " (through '%s')", r->via);
  }
  const char *what = l->kind == LOC_PARAM ? "parameter" : "local variable";
  char subject[512];
  if (l->kind == LOC_ALLOC)
    snprintf(subject, sizeof subject, "%s",
             l->alloc == ALLOC_ALLOCA  ? "alloca'd memory"
             : l->alloc == ALLOC_BLOCK ? "block literal"
                                       : "compound literal");
  else
    snprintf(subject, sizeof subject, "%s '%s'", what, l->name);
  CXCursor at = l->esc_note ? l->esc_note->where : l->where;
  unsigned line = 0, col = 0;
  cursor_position(u, at, &line, &col);
  textbuf b = {0};
  const char *kind = escape_kind_name(l->why);
  textbuf_printf(&b, "%s: warning: address of %s escapes: %s [-Wescape%s%s]\n",
                 position(u, at), subject, how, kind ? "-" : "",
                 kind ? kind : "");
  if (l->explanation)
    textbuf_printf(&b, "%s", l->explanation);
  dangle_note(u, &b, l);
  textbuf_printf(&b, "%s: note: %s declared here\n", position(u, l->where),
                 l->kind == LOC_ALLOC ? "it is" : subject);
  report_add_raw(u, line, col, b.data);
}

static void verdict_explained(unit *u, location *l, const char *fmt,
                              const char *arg) {
  if (u->opt->m >= 2 && l->explanation) {
    unsigned line = 0, col = 0;
    cursor_position(u, l->where, &line, &col);
    report_add_raw(u, line, col, must_strdup(l->explanation));
  }
  report_add(u, l->where, fmt, arg);
}

static void report_param(unit *u, func *fn, int i) {
  location *p = fn->params[i];
  // As Go's paramTag: a parameter moved to heap gets no leak line. A
  // block's params[0] is the block itself, which has no name.
  if (!p || (fn->block && i == 0) || !p->has_pointers ||
      !strcmp(p->name, "?") || p->escapes)
    return;
  leaks *s = &fn->summary[i];
  if (leaks_empty(s)) {
    report_add(u, p->where, "%s does not escape", p->name);
    return;
  }
  if (s->heap == 0)
    report_add(u, p->where, "leaking param: %s", p->name);
  else if (s->heap > 0)
    report_add(u, p->where, "leaking param content: %s", p->name);
  if (s->result >= 0)
    report_add(u, p->where, "leaking param: %s to result ~r0 level=%d", p->name,
               s->result);
  for (int j = 0; j < fn->nparams && j < MAX_LEAK_PARAMS; j++)
    if (s->content[j] >= 0 && fn->params[j])
      report_add(u, p->where, "leaking param: %s to content of %s level=%d",
                 p->name, fn->params[j]->name, s->content[j]);
}

// moved_to_heap and literal_escapes are the verdicts -m prints as "moved
// to heap: x" and "&(T){...} escapes to heap": report_m and record_moved
// read them here, so that escape-cc rewrites exactly what -m reports.
static bool moved_to_heap(location *l) {
  return (l->kind == LOC_VAR || l->kind == LOC_PARAM) && l->escapes &&
         l->param_index != -1;
}

static bool literal_escapes(location *l) {
  return l->kind == LOC_ALLOC && l->alloc == ALLOC_LITERAL && l->addrtaken &&
         l->escapes;
}

void record_moved(unit *u, func *fn) {
  for (int i = 0; i < fn->locations.len; i++) {
    location *l = fn->locations.items[i];
    if (!moved_to_heap(l) && !literal_escapes(l))
      continue;
    moved_local *m = must_malloc(sizeof *m);
    m->decl = l->decl;
    m->literal = l->kind == LOC_ALLOC;
    m->has_pointers = type_has_pointers(u, clang_getCursorType(l->decl));
    vec_push(u->moved, m);
  }
}

static void report_m(unit *u, func *fn) {
  for (int i = 0; i < fn->nparams; i++)
    report_param(u, fn, i);
  for (int i = 0; i < fn->locations.len; i++) {
    location *l = fn->locations.items[i];
    switch (l->kind) {
    case LOC_VAR:
    case LOC_PARAM:
      if (moved_to_heap(l))
        verdict_explained(u, l, "moved to heap: %s", l->name);
      break;
    case LOC_ALLOC:
      if (l->alloc == ALLOC_LITERAL && !l->addrtaken)
        break;
      if (l->escapes)
        verdict_explained(u, l, "%s escapes to heap", alloc_text(u, l));
      else
        report_add(u, l->where, "%s does not escape", alloc_text(u, l));
      break;
    default:
      break;
    }
  }
}

// copied_by_blocks reports whether l is a __block variable that escapes as
// a block's capture: the Blocks runtime moves such a variable to the heap
// when it copies the block (Block_copy, escrt_go_block), so C's answer is
// no dangling pointer; a block that escapes uncopied is the literal's
// warning.
static bool copied_by_blocks(unit *u, location *l) {
  if (l->kind != LOC_VAR || !is_block_byref(u, l->decl))
    return false;
  for (note *n = l->esc_note; n; n = n->next)
    if (!strcmp(n->why, "captured by a block"))
      return true;
  return false;
}

static void report_check(unit *u, func *fn) {
  for (int i = 0; i < fn->locations.len; i++) {
    location *l = fn->locations.items[i];
    if (!l->escapes || l->param_index == -1 || copied_by_blocks(u, l))
      continue;
    if (l->kind == LOC_VAR || l->kind == LOC_PARAM ||
        (l->kind == LOC_ALLOC && l->alloc != ALLOC_MALLOC))
      warn(u, l);
  }
}

void report_function(unit *u, func *fn) {
  if (u->opt->m)
    report_m(u, fn);
  else
    report_check(u, fn);
}

// path_len is the length of the path that starts r's text, which is
// followed by ":LINE:".
static size_t path_len(const report *r) {
  char mark[24];
  int n = snprintf(mark, sizeof mark, ":%u:", r->line);
  for (const char *p = r->text; (p = strstr(p, mark)); p++)
    if (p[n] >= '0' && p[n] <= '9')
      return p - r->text;
  return 0;
}

// by_position orders reports by file (a unit that includes .c files reports
// each in turn), then position, then the order they were made in.
static int by_position(const void *a, const void *b) {
  const report *x = a, *y = b;
  size_t nx = x->pathlen, ny = y->pathlen;
  int c = memcmp(x->text, y->text, nx < ny ? nx : ny);
  if (c || nx != ny)
    return c ? c : nx < ny ? -1 : 1;
  if (x->line != y->line)
    return x->line < y->line ? -1 : 1;
  if (x->col != y->col)
    return x->col < y->col ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

report *take_reports(unit *u, int *n) {
  for (int i = 0; i < u->nreports; i++)
    u->reports[i].pathlen = path_len(&u->reports[i]);
  if (u->nreports)
    qsort(u->reports, u->nreports, sizeof(report), by_position);
  report *r = u->reports;
  *n = u->nreports;
  u->reports = NULL;
  u->nreports = u->reports_cap = 0;
  return r;
}

int flush_reports(unit *u, FILE *out) {
  int n;
  report *r = take_reports(u, &n);
  int warnings = 0;
  for (int i = 0; i < n; i++) {
    if (out)
      fputs(r[i].text, out);
    warnings += strstr(r[i].text, ": warning: ") != NULL;
    free(r[i].text);
  }
  free(r);
  return warnings;
}
