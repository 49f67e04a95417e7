// The rewrite: every local that -m reports "moved to heap" becomes an
// object of the collected heap, as Go's compiler moves such a variable.
//
// The analysis (../analyzer) decides; this file only edits text, on the
// unpreprocessed source, so that the user's macros, includes and
// diagnostics stay theirs. A moved local keeps its name and becomes a
// pointer to its object; its declarator is parenthesized and every use
// dereferences it, which keeps the type of every expression, sizeof,
// typeof and & included:
//
//     int x = 5, buf[] = {1, 2};      int (*x) = <new, x = 5>, (*buf)[2] = ...;
//     keep(&x); return buf;           keep(&(*x)); return (*buf);
//
// The object is allocated where the declaration is reached, so each entry
// into its block (each loop iteration) gets a fresh one, as C's lifetime
// says; escrt_new when the type can hold a pointer (the collector scans
// it), escrt_new_noscan otherwise. An initializer is evaluated into a
// temporary of the variable's own type and copied, so that aggregate,
// designated and string initializers keep their meaning, and uses of the
// variable inside its own initializer name the new object.
//
// The hard cases, each with its rule:
//   - Uses inside a macro expansion: a use spelled in the file (outside any
//     macro) is edited in place. Any other use, in a macro's body or its
//     arguments, gets the invocation wrapped in "#define x (*x)", between
//     #pragma push_macro("x") and pop_macro (so that a macro of the user's
//     named x survives), with #line so that line numbers stay; this keeps
//     stringification (#x) right; if the invocation names a member x
//     (s.x, p->x), an argument spelled in the file is edited in place.
//   - goto and switch past a declaration: when a label, case or default
//     follows the declaration in its block, the object is held in a void *
//     declared at the top of the function and reset on each entry into the
//     block (its '{', a goto into it from outside, the switch that jumps
//     into it); the initializer allocates it, or else the first use does,
//     so a jump past the declaration finds a fresh object (C gives the
//     skipped variable an indeterminate value).
//   - Declarations a macro writes: wholly in its body, the body is edited
//     (every expansion moves); named by its argument, the body's
//     initializer becomes a switch macro, the initializer by default and
//     the allocation around this invocation (emit_by_arg).
//   - By-value parameters: the parameter is renamed and a local of its name
//     is moved to heap at the top of the body, initialized from it.
//   - Compound literals whose address escapes: copied into a new object.
//   - Alignment (_Alignas, aligned) over-allocates and rounds the address
//     up; interior pointers keep objects alive. cleanup(f) gets a wrapper
//     that passes f the object's address, as before.
// A declaration that sits in a macro expansion cannot be edited: the unit
// is then reported (REWRITE_FAILED) and the driver compiles it unchanged.
#include "escape-cc.h"

#include "escape.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  moved_local *m;
  int id; // suffix of the names it generates
  const char *name;
  bool param, jumpsafe;
  unsigned decl_start, decl_end; // extent of the declaration
  unsigned name_off;
  unsigned init_s, init_e; // initializer, when init_e > init_s
  unsigned scope_start, scope_end; // the block it lives in
  bool in_macro; // declared in a macro's body: edited there, for every use
  char *align;             // alignment expression, or NULL
  unsigned cleanup_s, cleanup_e; // cleanup function's name in the text
  bool cleanup_switch;     // ... in a macro's body: switched (see by_arg)
  unsigned cleanup_win_s, cleanup_win_e; // the invocation that spells it
  // Declared by a macro whose body holds the declaration and whose
  // argument names the variable (#define COUNTER(n) int n = 0; ...).
  bool by_arg;
  unsigned inv_start, inv_end; // the invocation in the file
  unsigned site;               // the initializer (or declarator end) in the body
  unsigned fn_start, body_open;  // the function: its start, its body's '{'
  unsigned body_end;
  unsigned params_open, params_close; // its parameter list's parentheses
} var;

typedef struct {
  unsigned off; // a label, case or default
  bool is_case; // case or default
} label;

typedef struct {
  unsigned start, end;
} range;

typedef struct {
  unsigned start, end; // the goto statement, its ';' excluded
  unsigned target;     // its label
} jump;

typedef struct {
  CXTranslationUnit tu;
  CXFile file;
  const char *text;
  size_t len;
  unsigned *lines; // offset of each line's start
  int nlines;
  edits ed;
  var *vars;
  int nvars;
  // Per function, filled by one walk of its body.
  label *labels;
  int nlabels, labels_cap;
  range *blocks;
  int nblocks, blocks_cap;
  CXCursor *refs;
  int nrefs, refs_cap;
  jump *gotos;
  int ngotos, gotos_cap;
  range *switches; // each switch statement's condition
  range *switch_spans; // ... and the whole statement
  int nswitches, switches_cap;
  range *alignofs; // sizeof, _Alignof and __alignof__ expressions
  int nalignofs, alignofs_cap;
  unsigned *seen; // where the function's cursors are (walk_body)
  int nseen, seen_cap;
  range *skipped; // the file's #if ... #endif blocks, outermost
  int nskipped, skipped_cap;
  bool indirect_goto; // the function has a goto *p
  unsigned *sites;    // macro-body sites already switched
  int nsites, sites_cap;
  char *prolog; // the switches' default definitions
  size_t prolog_len;
  FILE *prolog_f;
  char *why;
  const char *path;
} rewriter;

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...) {
  va_list ap;
  va_start(ap, f);
  char *s = NULL;
  if (vasprintf(&s, f, ap) < 0)
    abort();
  va_end(ap);
  return s;
}

// offset_of returns the offset of l in the main file when it is written
// there as it stands, outside any macro expansion.
static bool offset_of(rewriter *w, CXSourceLocation l, unsigned *off) {
  CXFile sf, ef;
  unsigned so, eo;
  clang_getSpellingLocation(l, &sf, NULL, NULL, &so);
  clang_getExpansionLocation(l, &ef, NULL, NULL, &eo);
  if (!sf || !ef || !clang_File_isEqual(sf, w->file) ||
      !clang_File_isEqual(ef, w->file) || so != eo)
    return false;
  *off = so;
  return true;
}

// expansion_offset is where l's outermost macro expansion starts, or l.
static bool expansion_offset(rewriter *w, CXSourceLocation l, unsigned *off) {
  CXFile ef;
  clang_getExpansionLocation(l, &ef, NULL, NULL, off);
  return ef && clang_File_isEqual(ef, w->file);
}

static unsigned line_of(rewriter *w, unsigned off) {
  int lo = 0, hi = w->nlines - 1;
  while (lo < hi) {
    int mid = (lo + hi + 1) / 2;
    if (w->lines[mid] <= off)
      lo = mid;
    else
      hi = mid - 1;
  }
  return lo + 1;
}

static void fail(rewriter *w, unsigned off, const char *what,
                 const char *name) {
  if (!w->why)
    w->why = fmt("%s:%u: cannot move '%s' to heap: %s", w->path,
                 line_of(w, off), name, what);
}

// skip_space skips white space and comments from off.
static unsigned skip_space(rewriter *w, unsigned off) {
  const char *t = w->text;
  while (off < w->len) {
    if (isspace((unsigned char)t[off]))
      off++;
    else if (t[off] == '/' && off + 1 < w->len && t[off + 1] == '*') {
      const char *e = strstr(t + off + 2, "*/");
      off = e ? (unsigned)(e - t) + 2 : w->len;
    } else if (t[off] == '/' && off + 1 < w->len && t[off + 1] == '/') {
      while (off < w->len && t[off] != '\n')
        off++;
    } else if (t[off] == '\\' && off + 1 < w->len && t[off + 1] == '\n')
      off += 2;
    else
      break;
  }
  return off;
}

// skip_balanced, at an opening bracket, returns the offset after its match,
// or 0; string and character literals and comments are skipped.
static unsigned skip_balanced(rewriter *w, unsigned off) {
  const char *t = w->text;
  int depth = 0;
  while (off < w->len) {
    off = skip_space(w, off);
    if (off >= w->len)
      break;
    char c = t[off];
    if (c == '"' || c == '\'') {
      for (off++; off < w->len && t[off] != c; off++)
        if (t[off] == '\\')
          off++;
      off++;
      continue;
    }
    if (c == '(' || c == '[' || c == '{')
      depth++;
    else if (c == ')' || c == ']' || c == '}') {
      if (--depth == 0)
        return off + 1;
    }
    off++;
  }
  return 0;
}

static bool is_ident(char c) { return isalnum((unsigned char)c) || c == '_'; }

// skip_attributes skips __attribute__((...)) and asm labels from off.
static unsigned skip_attributes(rewriter *w, unsigned off) {
  for (;;) {
    unsigned at = skip_space(w, off), end = at;
    while (end < w->len && is_ident(w->text[end]))
      end++;
    size_t n = end - at;
    const char *word = w->text + at;
    bool attr = (n == 13 && !strncmp(word, "__attribute__", n)) ||
                (n == 11 && !strncmp(word, "__attribute", n)) ||
                (n == 7 && !strncmp(word, "__asm__", n)) ||
                (n == 5 && !strncmp(word, "__asm", n)) ||
                (n == 3 && !strncmp(word, "asm", n));
    unsigned open = skip_space(w, end);
    if (!attr || open >= w->len || w->text[open] != '(')
      return off;
    unsigned after = skip_balanced(w, open);
    if (!after)
      return off;
    off = after;
  }
}

static unsigned invocation_end(rewriter *w, unsigned off);

static char *text_of(rewriter *w, unsigned s, unsigned e) {
  return fmt("%.*s", (int)(e - s), w->text + s);
}

//
// Walking a function
//

static void push_label(rewriter *w, unsigned off, bool is_case) {
  if (w->nlabels == w->labels_cap) {
    w->labels_cap = w->labels_cap ? 2 * w->labels_cap : 16;
    w->labels = realloc(w->labels, w->labels_cap * sizeof *w->labels);
  }
  w->labels[w->nlabels++] = (label){off, is_case};
}

static void push_block(rewriter *w, unsigned s, unsigned e) {
  if (w->nblocks == w->blocks_cap) {
    w->blocks_cap = w->blocks_cap ? 2 * w->blocks_cap : 16;
    w->blocks = realloc(w->blocks, w->blocks_cap * sizeof *w->blocks);
  }
  w->blocks[w->nblocks++] = (range){s, e};
}

static enum CXChildVisitResult last_child(CXCursor c, CXCursor parent,
                                          CXClientData data) {
  *(CXCursor *)data = c;
  return CXChildVisit_Continue;
}

#define GROW(w, arr, n, cap)                                                   \
  do {                                                                         \
    if ((w)->n == (w)->cap) {                                                  \
      (w)->cap = (w)->cap ? 2 * (w)->cap : 16;                                 \
      (w)->arr = realloc((w)->arr, (w)->cap * sizeof *(w)->arr);               \
    }                                                                          \
  } while (0)

static enum CXChildVisitResult first_child(CXCursor c, CXCursor parent,
                                           CXClientData data) {
  *(CXCursor *)data = c;
  return CXChildVisit_Break;
}

static bool extent_offsets(rewriter *w, CXCursor c, unsigned *s, unsigned *e) {
  CXSourceRange r = clang_getCursorExtent(c);
  return expansion_offset(w, clang_getRangeStart(r), s) &&
         expansion_offset(w, clang_getRangeEnd(r), e);
}

static enum CXChildVisitResult walk_body(CXCursor c, CXCursor parent,
                                         CXClientData data) {
  rewriter *w = data;
  unsigned at;
  CXFile sf;
  clang_getSpellingLocation(clang_getCursorLocation(c), &sf, NULL, NULL, &at);
  if (sf && clang_File_isEqual(sf, w->file)) {
    GROW(w, seen, nseen, seen_cap);
    w->seen[w->nseen++] = at;
  }
  switch (c.kind) {
  case CXCursor_IndirectGotoStmt:
    w->indirect_goto = true; // goto *p: any label may be its target
    break;
  case CXCursor_GotoStmt: {
    CXCursor ref = clang_getNullCursor();
    clang_visitChildren(c, first_child, &ref);
    jump j;
    if (!clang_Cursor_isNull(ref) && extent_offsets(w, c, &j.start, &j.end) &&
        expansion_offset(w,
                         clang_getCursorLocation(clang_getCursorReferenced(ref)),
                         &j.target)) {
      GROW(w, gotos, ngotos, gotos_cap);
      w->gotos[w->ngotos++] = j;
    }
    break;
  }
  case CXCursor_SwitchStmt: {
    CXCursor cond = clang_getNullCursor();
    clang_visitChildren(c, first_child, &cond);
    range r, span;
    if (!clang_Cursor_isNull(cond) && extent_offsets(w, cond, &r.start, &r.end) &&
        extent_offsets(w, c, &span.start, &span.end)) {
      if (w->nswitches == w->switches_cap)
        w->switch_spans = realloc(w->switch_spans,
                                  (w->switches_cap ? 2 * w->switches_cap : 16) *
                                      sizeof *w->switch_spans);
      GROW(w, switches, nswitches, switches_cap);
      w->switch_spans[w->nswitches] = span;
      w->switches[w->nswitches++] = r;
    }
    break;
  }
  case CXCursor_UnaryExpr: {
    range r;
    if (extent_offsets(w, c, &r.start, &r.end) &&
        (!strncmp(w->text + r.start, "sizeof", 6) ||
         !strncmp(w->text + r.start, "_Alignof", 8) ||
         !strncmp(w->text + r.start, "__alignof", 9) ||
         !strncmp(w->text + r.start, "alignof", 7))) {
      GROW(w, alignofs, nalignofs, alignofs_cap);
      w->alignofs[w->nalignofs++] = r;
    }
    break;
  }
  case CXCursor_DeclRefExpr:
    if (w->nrefs == w->refs_cap) {
      w->refs_cap = w->refs_cap ? 2 * w->refs_cap : 64;
      w->refs = realloc(w->refs, w->refs_cap * sizeof *w->refs);
    }
    w->refs[w->nrefs++] = c;
    break;
  case CXCursor_CompoundStmt:
  case CXCursor_ForStmt: {
    CXSourceRange r = clang_getCursorExtent(c);
    unsigned s, e;
    if (expansion_offset(w, clang_getRangeStart(r), &s) &&
        expansion_offset(w, clang_getRangeEnd(r), &e))
      push_block(w, s, e);
    break;
  }
  case CXCursor_LabelStmt:
  case CXCursor_CaseStmt:
  case CXCursor_DefaultStmt: {
    unsigned off;
    if (expansion_offset(w, clang_getCursorLocation(c), &off))
      push_label(w, off, c.kind != CXCursor_LabelStmt);
    break;
  }
  default:
    break;
  }
  return CXChildVisit_Recurse;
}

//
// Reading one moved local
//

// alloc_expr is the allocation of v's object, whose size is size.
static char *alloc_expr(var *v, const char *size) {
  const char *fn = v->m->has_pointers ? "__escrt_new" : "__escrt_new_noscan";
  if (!v->align)
    return fmt("%s(%s)", fn, size);
  return fmt("((void *)(((__UINTPTR_TYPE__)%s((%s) + (%s) - 1) + (%s) - 1) & "
             "~((__UINTPTR_TYPE__)(%s) - 1)))",
             fn, size, v->align, v->align, v->align);
}

// read_attrs finds v's alignment and cleanup attributes, where they are
// written: in the file, in a macro's body, or in a header.
static void read_attrs(rewriter *w, var *v, CXCursor decl) {
  int n;
  arena a = {0};
  CXCursor *kids = cursor_children(&a, decl, &n);
  for (int i = 0; i < n; i++) {
    if (kids[i].kind != CXCursor_AlignedAttr &&
        kids[i].kind != CXCursor_UnexposedAttr)
      continue;
    CXSourceLocation l = clang_getRangeStart(clang_getCursorExtent(kids[i]));
    CXFile f;
    unsigned s, here;
    size_t size;
    clang_getSpellingLocation(l, &f, NULL, NULL, &s);
    const char *text = f ? clang_getFileContents(w->tu, f, &size) : NULL;
    if (!text || s >= size)
      continue;
    // The attribute's text, read from where it is spelled.
    rewriter r = *w;
    r.text = text;
    r.len = size;
    unsigned e = s;
    while (e < r.len && is_ident(r.text[e]))
      e++;
    unsigned open = skip_space(&r, e);
    unsigned close =
        open < r.len && r.text[open] == '(' ? skip_balanced(&r, open) : 0;
    bool cleanup = kids[i].kind == CXCursor_UnexposedAttr &&
                   (!strncmp(r.text + s, "cleanup", 7) ||
                    !strncmp(r.text + s, "__cleanup__", 11));
    if (kids[i].kind == CXCursor_AlignedAttr) {
      char *arg = close ? text_of(&r, open + 1, close - 1) : strdup("");
      bool keyword = !strncmp(r.text + s, "_Alignas", 8) ||
                     !strncmp(r.text + s, "alignas", 7);
      bool number = arg[0] && (isdigit((unsigned char)arg[0]) || arg[0] == '(');
      char *align = !arg[0]    ? strdup("__BIGGEST_ALIGNMENT__")
                    : keyword && !number ? fmt("_Alignof(%s)", arg)
                                         : fmt("(%s)", arg);
      free(arg);
      char *prev = v->align;
      v->align = prev ? fmt("((%s) > %s ? (%s) : %s)", prev, align, prev, align)
                      : align;
      if (prev) {
        free(prev);
        free(align);
      }
    } else if (cleanup) {
      // The handler's name is edited where it is written: in the file, in
      // the body of the macro that declares v, or, in another macro's
      // body, through a switch defined around v's declaration.
      bool in_file = clang_File_isEqual(f, w->file);
      bool direct = in_file && (offset_of(w, l, &here) || v->in_macro);
      if (!in_file || !close) {
        fail(w, v->name_off, "its cleanup attribute is in another file",
             v->name);
        continue;
      }
      if (!direct) {
        v->cleanup_switch = true;
        expansion_offset(w, l, &v->cleanup_win_s);
        v->cleanup_win_e = invocation_end(w, v->cleanup_win_s);
      }
      unsigned fs = skip_space(w, open + 1), fe = fs;
      while (fe < w->len && is_ident(w->text[fe]))
        fe++;
      v->cleanup_s = fs;
      v->cleanup_e = fe;
    }
  }
  arena_free(&a);
  // A type whose own alignment exceeds what the heap guarantees.
  long long ta = clang_Type_getAlignOf(clang_getCursorType(decl));
  if (ta > 16 && !v->align)
    v->align = fmt("%lld", ta);
}

// spelled_offset returns the offset of where l is spelled in the main file:
// in its text, or in the body of a macro defined there.
static bool spelled_offset(rewriter *w, CXSourceLocation l, unsigned *off) {
  CXFile f;
  clang_getSpellingLocation(l, &f, NULL, NULL, off);
  return f && clang_File_isEqual(f, w->file);
}

static char *spelling(CXCursor c) {
  CXString s = clang_getCursorSpelling(c);
  char *out = strdup(clang_getCString(s));
  clang_disposeString(s);
  return out;
}

// token_end returns the end of the token that starts at off.
static unsigned token_end(rewriter *w, unsigned off) {
  const char *t = w->text;
  if (off >= w->len)
    return off;
  if (is_ident(t[off])) {
    while (off < w->len && is_ident(t[off]))
      off++;
    return off;
  }
  if (t[off] == '"' || t[off] == '\'') {
    char q = t[off];
    for (off++; off < w->len && t[off] != q; off++)
      if (t[off] == '\\')
        off++;
    return off + 1;
  }
  return off + 1;
}

// declarator_end returns the end of the declarator (and initializer) that
// continues at off: the ',' or ';' at its nesting level, or the line's end.
static unsigned declarator_end(rewriter *w, unsigned off) {
  unsigned last = off; // end of the last token
  while (off < w->len) {
    if (w->text[off] == '\\' && off + 1 < w->len && w->text[off + 1] == '\n') {
      off += 2;
      continue;
    }
    char c = w->text[off];
    if (c == '\n' || c == ',' || c == ';' || c == ')' || c == '}')
      break;
    if (isspace((unsigned char)c)) {
      off++;
      continue;
    }
    if (c == '(' || c == '[' || c == '{') {
      unsigned after = skip_balanced(w, off);
      if (!after)
        break;
      off = last = after;
      continue;
    }
    off = last = token_end(w, off);
  }
  return last;
}

// macro_arg reports whether l is a token of a macro's argument, written in
// the file at the invocation; in_macro_body whether it is written in a
// macro's body (its file location is then the invocation, not where it is
// spelled).
static bool macro_arg(rewriter *w, CXSourceLocation l) {
  CXFile sf, ff;
  unsigned so, fo, eo;
  clang_getSpellingLocation(l, &sf, NULL, NULL, &so);
  clang_getFileLocation(l, &ff, NULL, NULL, &fo);
  clang_getExpansionLocation(l, NULL, NULL, NULL, &eo);
  return sf && ff && clang_File_isEqual(sf, w->file) &&
         clang_File_isEqual(ff, w->file) && so == fo && fo != eo;
}

static bool in_macro_body(rewriter *w, CXSourceLocation l) {
  CXFile sf, ff;
  unsigned so, fo;
  clang_getSpellingLocation(l, &sf, NULL, NULL, &so);
  clang_getFileLocation(l, &ff, NULL, NULL, &fo);
  return sf && ff && clang_File_isEqual(sf, w->file) && so != fo;
}

// jumped_past reports whether a jump can land after v's declaration, in
// its block, without passing the declaration: a goto from before it or
// from outside the block, a switch that starts before it, a goto *p.
static bool jumped_past(rewriter *w, var *v) {
  for (int i = 0; i < w->nlabels; i++) {
    label *l = &w->labels[i];
    if (l->off <= v->decl_end || l->off >= v->scope_end)
      continue;
    if (!l->is_case && w->indirect_goto)
      return true;
    if (l->is_case) {
      // Its switch: the innermost one around it.
      unsigned start = 0, best = ~0u;
      for (int j = 0; j < w->nswitches; j++) {
        range *sp = &w->switch_spans[j];
        if (sp->start < l->off && l->off < sp->end && sp->end - sp->start < best) {
          best = sp->end - sp->start;
          start = sp->start;
        }
      }
      if (best != ~0u && start < v->decl_start)
        return true;
      continue;
    }
    for (int j = 0; j < w->ngotos; j++) {
      jump *g = &w->gotos[j];
      if (g->target == l->off &&
          (g->start < v->decl_start || g->start >= v->scope_end))
        return true;
    }
  }
  return false;
}

// read_var fills v from its declaration, within the function fn.
static bool read_var(rewriter *w, var *v, CXCursor fn, unsigned body_open,
                     unsigned body_end) {
  CXCursor d = v->m->decl;
  v->name = spelling(d);
  v->param = d.kind == CXCursor_ParmDecl;
  CXSourceRange r = clang_getCursorExtent(d);
  unsigned at = 0;
  expansion_offset(w, clang_getCursorLocation(d), &at);
  if (offset_of(w, clang_getCursorLocation(d), &v->name_off)) {
    if (!expansion_offset(w, clang_getRangeStart(r), &v->decl_start) ||
        !expansion_offset(w, clang_getRangeEnd(r), &v->decl_end))
      v->name_off = ~0u;
  } else if (!v->param && macro_arg(w, clang_getCursorLocation(d)) &&
             spelled_offset(w, clang_getCursorLocation(d), &v->name_off) &&
             in_macro_body(w, clang_getRangeStart(r)) &&
             spelled_offset(w, clang_getRangeStart(r), &v->decl_start)) {
    // The name is a macro's argument, the declaration its body's: the
    // body is edited through switches (emit_by_arg).
    v->by_arg = true;
    v->inv_start = at;
    v->inv_end = invocation_end(w, at);
    unsigned end = declarator_end(w, v->decl_start), eq = v->decl_start;
    while (eq < end && w->text[eq] != '=') {
      char c = w->text[eq];
      if (c == '(' || c == '[') {
        unsigned after = skip_balanced(w, eq);
        if (!after)
          break;
        eq = after;
      } else
        eq++;
    }
    bool has_init = !clang_Cursor_isNull(clang_Cursor_getVarDeclInitializer(d));
    if (has_init != (eq < end)) {
      fail(w, at, "its macro's declaration is not one it can edit", v->name);
      return false;
    }
    if (has_init) {
      v->init_s = skip_space(w, eq + 1);
      v->init_e = declarator_end(w, v->init_s);
      v->site = v->init_s;
    } else {
      v->site = skip_attributes(w, end);
    }
    v->decl_end = v->inv_end;
  } else if (!v->param &&
             spelled_offset(w, clang_getCursorLocation(d), &v->name_off) &&
             in_macro_body(w, clang_getCursorLocation(d)) &&
             spelled_offset(w, clang_getRangeStart(r), &v->decl_start) &&
             spelled_offset(w, clang_getRangeEnd(r), &v->decl_end) &&
             v->decl_start <= v->name_off && v->name_off <= v->decl_end &&
             v->name_off != at) {
    // Where a range spelled in a macro ends is not reliable: the
    // declarator ends at the ',' or ';' after it, or at the macro's end.
    v->decl_end = declarator_end(w, v->name_off + strlen(v->name));
    // Declared in the body of a macro: every expansion declares it, and
    // all of them move to heap, edited in the macro's body, under the
    // same generated names.
    v->in_macro = true;
    v->id = (int)v->name_off;
  } else {
    v->name_off = ~0u;
  }
  if (v->name_off == ~0u || v->name_off >= w->len ||
      strncmp(w->text + v->name_off, v->name, strlen(v->name))) {
    v->by_arg = false;
    fail(w, at, "its declaration is inside a macro expansion", v->name);
    return false;
  }
  v->body_open = body_open;
  v->body_end = body_end;
  expansion_offset(w, clang_getRangeStart(clang_getCursorExtent(fn)),
                   &v->fn_start);
  unsigned fn_name;
  if (v->param && offset_of(w, clang_getCursorLocation(fn), &fn_name)) {
    while (fn_name < w->len && is_ident(w->text[fn_name]))
      fn_name++;
    v->params_open = skip_space(w, fn_name);
    if (v->params_open < w->len && w->text[v->params_open] == '(')
      v->params_close = skip_balanced(w, v->params_open);
  }
  read_attrs(w, v, d);
  if (v->param)
    return true;
  // Its block: the smallest block or for statement around it.
  v->scope_start = body_open;
  v->scope_end = body_end;
  unsigned best = ~0u;
  for (int i = 0; i < w->nblocks && !v->in_macro; i++)
    if (w->blocks[i].start < v->name_off && v->name_off < w->blocks[i].end &&
        w->blocks[i].end - w->blocks[i].start < best) {
      best = w->blocks[i].end - w->blocks[i].start;
      v->scope_start = w->blocks[i].start;
      v->scope_end = w->blocks[i].end;
    }
  CXType t = clang_getCursorType(d);
  if (!v->in_macro && !v->by_arg && t.kind != CXType_VariableArray)
    v->jumpsafe = jumped_past(w, v);
  CXCursor init = clang_Cursor_getVarDeclInitializer(d);
  if (!clang_Cursor_isNull(init) && t.kind == CXType_VariableArray) {
    // C does not allow it (clang does, as C23): the compiler should say so.
    fail(w, at, "a variable-length array with an initializer", v->name);
    return false;
  }
  if (!clang_Cursor_isNull(init) && !v->by_arg) {
    // The initializer runs from after '=' to the declaration's end.
    unsigned off = v->name_off + strlen(v->name);
    while (off < v->decl_end && w->text[off] != '=') {
      char c = w->text[off];
      if (c == '(' || c == '[') {
        unsigned after = skip_balanced(w, off);
        if (!after)
          break;
        off = after;
      } else
        off++;
    }
    if (off >= v->decl_end) {
      fail(w, at, "its initializer is inside a macro expansion", v->name);
      return false;
    }
    v->init_s = skip_space(w, off + 1);
    v->init_e = v->decl_end;
  }
  return true;
}

// is_zero_init reports whether the initializer text is {0}, {} or 0: the
// zeroed object needs no copy.
static bool is_zero_init(rewriter *w, var *v) {
  char buf[16];
  int n = 0;
  for (unsigned i = v->init_s; i < v->init_e && n < 15; i++)
    if (!isspace((unsigned char)w->text[i]))
      buf[n++] = w->text[i];
  buf[n] = 0;
  return !strcmp(buf, "{0}") || !strcmp(buf, "{}") || !strcmp(buf, "0");
}

// names_in_brackets reports whether v's declarator has an array bound that
// names something ([n]): a const variable there makes a VLA for GCC (not
// for clang), which may not be initialized; the initializer is kept for
// the compiler to judge.
static bool names_in_brackets(rewriter *w, var *v) {
  bool in = false;
  for (unsigned i = v->name_off + strlen(v->name); i < v->init_s; i++) {
    char c = w->text[i];
    if (c == '[')
      in = true;
    else if (c == ']')
      in = false;
    else if (in && (isalpha((unsigned char)c) || c == '_'))
      return true;
  }
  return false;
}

// use_form_in is what a use of v at off becomes; unevaluated when it is an
// operand of sizeof or _Alignof.
static char *use_form_in(var *v, unsigned off, bool unevaluated) {
  if (v->param && (off < v->body_open || off >= v->body_end))
    return fmt("__escparam_%d", v->id);
  if (v->init_e > v->init_s && off >= v->init_s && off < v->init_e)
    return fmt("(*(__typeof__(%s))__escp_%d)", v->name, v->id);
  if (v->jumpsafe && unevaluated)
    return fmt("(*(__typeof__(%s))__escv_%d)", v->name, v->id);
  if (v->jumpsafe)
    return fmt("(*(__typeof__(%s))__escrt_lazy(&__escv_%d, sizeof(*%s), %s, "
               "%d))",
               v->name, v->id, v->name, v->align ? v->align : "0",
               v->m->has_pointers);
  return fmt("(*%s)", v->name);
}

static char *use_form(rewriter *w, var *v, unsigned off) {
  bool unevaluated = false;
  for (int i = 0; i < w->nalignofs; i++)
    unevaluated |= w->alignofs[i].start < off && off < w->alignofs[i].end;
  return use_form_in(v, off, unevaluated);
}

//
// Emitting the edits
//

enum {
  PRIO_WINDOW_OPEN = -5,
  PRIO_LABEL = -4,
  PRIO_INIT_OPEN = -3,
  PRIO_LITERAL_OPEN = -2,
  PRIO_DECL_OPEN = -1,
  PRIO_REPLACE = 0,
  PRIO_DECL_CLOSE = 1,
  PRIO_LITERAL_CLOSE = 2,
  PRIO_INIT_CLOSE = 3,
  PRIO_WINDOW_CLOSE = 5,
};

static void add(rewriter *w, unsigned off, unsigned del, int prio, char *text) {
  edits_add(&w->ed, off, del, prio, text);
  free(text);
}

static void emit_param(rewriter *w, var *v) {
  add(w, v->name_off, strlen(v->name), PRIO_REPLACE,
      fmt("__escparam_%d", v->id));
  // A K&R definition names it in the identifier list too.
  size_t n = strlen(v->name);
  if (v->params_close && v->name_off > v->params_close)
    for (unsigned i = v->params_open + 1; i + n < v->params_close; i++)
      if (!strncmp(w->text + i, v->name, n) && !is_ident(w->text[i - 1]) &&
          !is_ident(w->text[i + n]))
        add(w, i, n, PRIO_REPLACE, fmt("__escparam_%d", v->id));
  char *size = fmt("sizeof(*%s)", v->name);
  char *alloc = alloc_expr(v, size);
  add(w, v->body_open + 1, 0, PRIO_DECL_OPEN,
      fmt(" __typeof__(__escparam_%d) (*%s) = %s; "
          "__builtin_memcpy((void *)%s, (const void *)&__escparam_%d, %s);",
          v->id, v->name, alloc, v->name, v->id, size));
  free(size);
  free(alloc);
}

// new_site reports whether the macro-body site at off is switched for the
// first time: its body edit and default definition are made once, for all
// the macro's expansions.
static bool new_site(rewriter *w, unsigned off) {
  for (int i = 0; i < w->nsites; i++)
    if (w->sites[i] == off)
      return false;
  GROW(w, sites, nsites, sites_cap);
  w->sites[w->nsites++] = off;
  return true;
}

// emit_cleanup gives v's cleanup handler a wrapper that takes the moved
// local's pointer, and names the wrapper where the handler was named.
static void emit_cleanup(rewriter *w, var *v) {
  char *fn = text_of(w, v->cleanup_s, v->cleanup_e);
  add(w, v->fn_start, 0, PRIO_WINDOW_OPEN,
      fmt("static void __esccleanup_%d(void *__escp) "
          "{ %s(*(void **)__escp); } ",
          v->id, fn));
  if (!v->cleanup_switch) {
    add(w, v->cleanup_s, v->cleanup_e - v->cleanup_s, PRIO_REPLACE,
        fmt("__esccleanup_%d", v->id));
  } else {
    // In another macro's body: the name there becomes a switch, which is
    // the handler except around v's declaration.
    unsigned site = v->cleanup_s;
    if (new_site(w, site)) {
      add(w, site, v->cleanup_e - site, PRIO_REPLACE,
          fmt("__escclean_%u", site));
      fprintf(w->prolog_f, "#define __escclean_%u %s\n", site, fn);
    }
    add(w, v->cleanup_win_s, 0, PRIO_WINDOW_OPEN,
        fmt("\n#undef __escclean_%u\n#define __escclean_%u __esccleanup_%d\n"
            "#line %u\n",
            site, site, v->id, line_of(w, v->cleanup_win_s)));
    add(w, v->cleanup_win_e, 0, PRIO_WINDOW_CLOSE,
        fmt("\n#undef __escclean_%u\n#define __escclean_%u %s\n#line %u\n",
            site, site, fn, line_of(w, v->cleanup_win_e)));
  }
  free(fn);
}

// emit_by_arg moves a local whose declaration a macro's body writes and
// whose name the invocation's argument gives. The body's initializer (or
// the end of its declarator) becomes a switch: the initializer as written
// by default, and, around this invocation, the object's allocation; the
// name is redefined there as the object, as for other uses in macros.
static void emit_by_arg(rewriter *w, var *v) {
  bool init = v->init_e > v->init_s;
  unsigned site = v->site;
  if (new_site(w, site)) {
    if (init) {
      add(w, v->init_s, 0, PRIO_INIT_OPEN, fmt("__escinit_%u(", site));
      add(w, v->init_e, 0, PRIO_INIT_CLOSE, strdup(")"));
      fprintf(w->prolog_f, "#define __escinit_%u(...) __VA_ARGS__\n", site);
    } else {
      add(w, site, 0, PRIO_INIT_CLOSE, fmt(" __escnoinit_%u", site));
      fprintf(w->prolog_f, "#define __escnoinit_%u\n", site);
    }
  }
  const char *n = v->name;
  char *size = fmt("sizeof(%s)", n);
  char *alloc = alloc_expr(v, size);
  char *on =
      init ? fmt("#undef __escinit_%u\n#define __escinit_%u(...) "
                 "__extension__({ void *__escp_%u = %s; __typeof__(%s) "
                 "__esci_%u = __VA_ARGS__; "
                 "__builtin_memcpy(__escp_%u, (const void *)&__esci_%u, %s); "
                 "(__typeof__(&%s))__escp_%u; })\n",
                 site, site, site, alloc, n, site, site, site, size, n, site)
           : fmt("#undef __escnoinit_%u\n#define __escnoinit_%u = %s\n", site,
                 site, alloc);
  char *off = init ? fmt("#undef __escinit_%u\n#define __escinit_%u(...) "
                         "__VA_ARGS__\n",
                         site, site)
                   : fmt("#undef __escnoinit_%u\n#define __escnoinit_%u\n",
                         site, site);
  add(w, v->inv_start, 0, PRIO_WINDOW_OPEN,
      fmt("\n#pragma push_macro(\"%s\")\n#undef %s\n#define %s (*%s)\n%s"
          "#line %u\n",
          n, n, n, n, on,
          line_of(w, v->inv_start)));
  add(w, v->inv_end, 0, PRIO_WINDOW_CLOSE,
      fmt("\n#pragma pop_macro(\"%s\")\n%s#line %u\n", n, off,
          line_of(w, v->inv_end)));
  free(on);
  free(off);
  free(size);
  free(alloc);
  if (v->cleanup_e > v->cleanup_s)
    emit_cleanup(w, v);
}

static void emit_var(rewriter *w, var *v) {
  if (v->by_arg) {
    emit_by_arg(w, v);
    return;
  }
  unsigned name_end = v->name_off + strlen(v->name);
  add(w, v->name_off, 0, PRIO_DECL_OPEN, strdup("(*"));
  add(w, name_end, 0, PRIO_DECL_CLOSE, strdup(")"));
  // An array completed by its initializer gets its size written out.
  CXType t = clang_getCursorType(v->m->decl);
  if (t.kind == CXType_ConstantArray) {
    unsigned open = skip_space(w, name_end);
    if (open < w->len && w->text[open] == '[') {
      unsigned close = skip_space(w, open + 1);
      if (close < w->len && w->text[close] == ']')
        add(w, close, 0, PRIO_REPLACE,
            fmt("%lld", clang_getArraySize(t)));
    }
  }
  char *size = fmt("sizeof(*%s)", v->name);
  char *alloc = alloc_expr(v, size);
  char *keep = v->jumpsafe ? fmt("__escv_%d = __escp_%d; ", v->id, v->id)
                           : strdup("");
  if (v->jumpsafe) {
    if (new_site(w, ~0u))
      fputs("static __inline__ __attribute__((__unused__)) void *\n"
            "__escrt_lazy(void **slot, __SIZE_TYPE__ size, __SIZE_TYPE__ align, "
            "int scan) {\n"
            "  if (!*slot) {\n"
            "    __SIZE_TYPE__ n = size + (align ? align - 1 : 0);\n"
            "    void *p = scan ? __escrt_new(n) : __escrt_new_noscan(n);\n"
            "    *slot = align ? (void *)(((__UINTPTR_TYPE__)p + align - 1) & "
            "~(__UINTPTR_TYPE__)(align - 1)) : p;\n"
            "  }\n"
            "  return *slot;\n"
            "}\n",
            w->prolog_f);
    // The object is made where the declaration's initializer runs, or by
    // the first use after a jump past it. A jump into the block from
    // outside, and each entry into the block, start without one.
    add(w, v->body_open + 1, 0, PRIO_DECL_OPEN,
        fmt(" void *__escv_%d = 0;", v->id));
    // (A switch's body is entered only by its jump, which resets.)
    bool switch_body = false;
    for (int i = 0; i < w->nswitches; i++) {
      unsigned close = skip_space(w, w->switches[i].end);
      switch_body |= close < w->len && w->text[close] == ')' &&
                     skip_space(w, close + 1) == v->scope_start;
    }
    if (w->text[v->scope_start] == '{' && v->scope_start != v->body_open &&
        !switch_body)
      add(w, v->scope_start + 1, 0, PRIO_DECL_OPEN,
          fmt(" __escv_%d = 0;", v->id));
    for (int i = 0; i < w->ngotos; i++) {
      jump *j = &w->gotos[i];
      unsigned semi = skip_space(w, j->end);
      if (j->target > v->decl_end && j->target < v->scope_end &&
          (j->start < v->scope_start || j->start >= v->scope_end) &&
          semi < w->len && w->text[semi] == ';') {
        add(w, j->start, 0, PRIO_LABEL, fmt("{ __escv_%d = 0; ", v->id));
        add(w, semi + 1, 0, PRIO_WINDOW_CLOSE, strdup(" }"));
      }
    }
    for (int i = 0; i < w->nswitches; i++)
      if (w->switch_spans[i].start < v->decl_start &&
          v->decl_end < w->switch_spans[i].end) {
        add(w, w->switches[i].start, 0, PRIO_LITERAL_OPEN,
            fmt("(__escv_%d = 0, ", v->id));
        add(w, w->switches[i].end, 0, PRIO_LITERAL_CLOSE, strdup(")"));
      }
  }
  if (v->init_e <= v->init_s) {
    // A jump-safe local without an initializer gets its object at its
    // first use (use_form_in), wherever the jump landed.
    if (!v->jumpsafe)
      add(w, skip_attributes(w, v->decl_end), 0, PRIO_INIT_CLOSE,
          fmt(" = %s", alloc));
  } else if (is_zero_init(w, v) && !v->jumpsafe && !names_in_brackets(w, v)) {
    add(w, v->init_s, v->init_e - v->init_s, PRIO_REPLACE, strdup(alloc));
  } else {
    add(w, v->init_s, 0, PRIO_INIT_OPEN,
        fmt("__extension__({ void *__escp_%d = %s; __typeof__(*%s) "
            "__esci_%d = ",
            v->id, alloc, v->name, v->id));
    add(w, v->init_e, 0, PRIO_INIT_CLOSE,
        fmt("; __builtin_memcpy(__escp_%d, (const void *)&__esci_%d, %s); "
            "%s(__typeof__(%s))__escp_%d; })",
            v->id, v->id, size, keep, v->name, v->id));
  }
  if (v->cleanup_e > v->cleanup_s)
    emit_cleanup(w, v);
  free(keep);
  free(size);
  free(alloc);
}

// names_member reports whether [s, e) names name as a member (.x, ->x).
static bool names_member(rewriter *w, unsigned s, unsigned e,
                         const char *name) {
  size_t n = strlen(name);
  for (unsigned i = s; i + n <= e; i++) {
    if (strncmp(w->text + i, name, n) || (i > 0 && is_ident(w->text[i - 1])) ||
        (i + n < w->len && is_ident(w->text[i + n])))
      continue;
    unsigned j = i;
    while (j > s && isspace((unsigned char)w->text[j - 1]))
      j--;
    if (j > s && (w->text[j - 1] == '.' ||
                  (j > s + 1 && w->text[j - 1] == '>' && w->text[j - 2] == '-')))
      return true;
  }
  return false;
}

// invocation_end returns the end of the macro invocation starting at off.
static unsigned invocation_end(rewriter *w, unsigned off) {
  unsigned e = off;
  while (e < w->len && is_ident(w->text[e]))
    e++;
  unsigned open = skip_space(w, e);
  if (open < w->len && w->text[open] == '(') {
    unsigned close = skip_balanced(w, open);
    if (close)
      return close;
  }
  return e;
}

typedef struct {
  var *v;
  unsigned at;
} window;

static void emit_uses(rewriter *w, var *vars, int nvars) {
  window *wins = NULL;
  int nwins = 0;
  for (int i = 0; i < w->nrefs; i++) {
    CXCursor d = clang_getCursorReferenced(w->refs[i]);
    var *v = NULL;
    unsigned decl_off = ~0u;
    for (int j = 0; j < nvars && !v; j++)
      if (clang_equalCursors(d, vars[j].m->decl))
        v = &vars[j];
    for (int j = 0; j < nvars && !v; j++)
      if (vars[j].in_macro &&
          (decl_off != ~0u ||
           spelled_offset(w, clang_getCursorLocation(d), &decl_off)) &&
          decl_off == vars[j].name_off && d.kind == CXCursor_VarDecl)
        v = &vars[j];
    if (!v)
      continue;
    CXSourceLocation l = clang_getCursorLocation(w->refs[i]);
    unsigned off, at;
    if (v->in_macro) {
      // Each expansion names the same spelling: it is edited once.
      if (spelled_offset(w, l, &off) &&
          !strncmp(w->text + off, v->name, strlen(v->name))) {
        if (!edits_replaces(&w->ed, off))
          add(w, off, strlen(v->name), PRIO_REPLACE, use_form(w, v, off));
      }
      else
        fail(w, v->name_off, "a use of it is not spelled in this file",
             v->name);
      continue;
    }
    if (offset_of(w, l, &off)) {
      bool in_alignof = false;
      for (int j = 0; j < w->nalignofs && v->align; j++)
        in_alignof |= w->alignofs[j].start < off && off < w->alignofs[j].end &&
                      strncmp(w->text + w->alignofs[j].start, "sizeof", 6);
      // _Alignof(x) is the declared alignment: a member that has it.
      add(w, off, strlen(v->name), PRIO_REPLACE,
          in_alignof ? fmt("(((struct { __typeof__(*%s) __esca "
                           "__attribute__((aligned(%s))); } *)%s)->__esca)",
                           v->name, v->align, v->name)
                     : use_form(w, v, off));
      continue;
    }
    if (!expansion_offset(w, l, &at)) {
      fail(w, v->name_off, "a use of it is not in this file", v->name);
      continue;
    }
    if (v->by_arg && at == v->inv_start)
      continue; // inside the declaring invocation's window (emit_by_arg)
    unsigned end = invocation_end(w, at);
    if (names_member(w, at, end, v->name)) {
      // A member of the same name would be rewritten too: edit the argument.
      CXFile sf;
      unsigned so;
      clang_getSpellingLocation(l, &sf, NULL, NULL, &so);
      if (sf && clang_File_isEqual(sf, w->file) &&
          !strncmp(w->text + so, v->name, strlen(v->name)))
        add(w, so, strlen(v->name), PRIO_REPLACE, use_form(w, v, so));
      else
        fail(w, at, "a macro names it and a member of the same name",
             v->name);
      continue;
    }
    bool seen = false;
    for (int j = 0; j < nwins && !seen; j++)
      seen = wins[j].v == v && wins[j].at == at;
    if (seen)
      continue;
    wins = realloc(wins, (nwins + 1) * sizeof *wins);
    wins[nwins++] = (window){v, at};
    char *form = use_form(w, v, at);
    add(w, at, 0, PRIO_WINDOW_OPEN,
        fmt("\n#pragma push_macro(\"%s\")\n#undef %s\n#define %s %s\n"
            "#line %u\n",
            v->name, v->name, v->name, form, line_of(w, at)));
    add(w, end, 0, PRIO_WINDOW_CLOSE,
        fmt("\n#pragma pop_macro(\"%s\")\n#line %u\n", v->name,
            line_of(w, end)));
    free(form);
  }
  free(wins);
}

// find_conditionals lists the outermost #if ... #endif blocks of the file:
// code libclang's preprocessor may have skipped where the real compiler's
// takes it (#if defined(__clang__) ... #else ...).
static void find_conditionals(rewriter *w) {
  int depth = 0;
  unsigned start = 0;
  for (int l = 0; l < w->nlines; l++) {
    unsigned off = w->lines[l];
    while (off < w->len && (w->text[off] == ' ' || w->text[off] == '\t'))
      off++;
    if (off >= w->len || w->text[off] != '#')
      continue;
    off = skip_space(w, off + 1);
    const char *d = w->text + off;
    if (!strncmp(d, "if", 2)) {
      if (depth++ == 0)
        start = w->lines[l];
    } else if (!strncmp(d, "endif", 5) && depth > 0 && --depth == 0) {
      GROW(w, skipped, nskipped, skipped_cap);
      w->skipped[w->nskipped++] = (range){start, w->lines[l]};
    }
  }
}

static int by_unsigned(const void *a, const void *b) {
  unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
  return x < y ? -1 : x > y;
}

// skipped reports whether no cursor of the function is at off: a token
// libclang's preprocessor skipped (w->seen is sorted by then).
static bool skipped(rewriter *w, unsigned off) {
  return !bsearch(&off, w->seen, w->nseen, sizeof *w->seen, by_unsigned);
}

// emit_skipped_uses rewrites the uses of moved locals in code the
// preprocessor skipped for libclang, which the real compiler may take. A
// use there is a token of the local's name, in its scope and in an #if
// block, not a member (s.x, p->x), outside literals, comments and
// directives, that libclang did not see (skipped).
static void emit_skipped_uses(rewriter *w, var *vars, int nvars, unsigned fs,
                              unsigned fe) {
  for (int r = 0; r < w->nskipped; r++) {
    range sk = w->skipped[r]; // its part in the function
    if (sk.end <= fs || sk.start >= fe)
      continue;
    if (sk.start < fs)
      sk.start = fs;
    if (sk.end > fe)
      sk.end = fe;
    for (unsigned i = sk.start; i < sk.end && i < w->len; i++) {
      char ch = w->text[i];
      if (ch == '"' || ch == '\'') {
        for (i++; i < sk.end && w->text[i] != ch && w->text[i] != '\n'; i++)
          if (w->text[i] == '\\')
            i++;
        continue;
      }
      if (ch == '/' && i + 1 < sk.end &&
          (w->text[i + 1] == '*' || w->text[i + 1] == '/')) {
        unsigned after = skip_space(w, i);
        i = after > i ? after - 1 : i;
        continue;
      }
      if (ch == '#' && (i == 0 || w->text[i - 1] == '\n' ||
                        isspace((unsigned char)w->text[i - 1]))) {
        unsigned l = line_of(w, i); // a directive: to its line's end
        bool directive = true;
        for (unsigned j = w->lines[l - 1]; j < i; j++)
          directive &= isspace((unsigned char)w->text[j]) != 0;
        if (directive) {
          while (i < sk.end && w->text[i] != '\n')
            i += w->text[i] == '\\' ? 2 : 1;
          continue;
        }
      }
      if (!is_ident(ch) || (i > 0 && is_ident(w->text[i - 1])))
        continue;
      unsigned e = i;
      while (e < sk.end && is_ident(w->text[e]))
        e++;
      unsigned before = i;
      while (before > sk.start && isspace((unsigned char)w->text[before - 1]))
        before--;
      bool member = before > 0 && (w->text[before - 1] == '.' ||
                                   (before > 1 && w->text[before - 1] == '>' &&
                                    w->text[before - 2] == '-'));
      for (int k = 0; k < nvars && !member; k++) {
        var *v = &vars[k];
        size_t n = strlen(v->name);
        unsigned from = v->param ? v->body_open : v->name_off + n;
        unsigned to = v->param ? v->body_end : v->scope_end;
        if (v->in_macro || e - i != n || strncmp(w->text + i, v->name, n) ||
            i < from || i >= to || edits_replaces(&w->ed, i) ||
            !skipped(w, i))
          continue;
        add(w, i, n, PRIO_REPLACE, use_form(w, v, i));
        break;
      }
      i = e - 1;
    }
  }
}

static void emit_literal(rewriter *w, moved_local *m, int id) {
  CXSourceRange r = clang_getCursorExtent(m->decl);
  unsigned s, e;
  if (!offset_of(w, clang_getRangeStart(r), &s) ||
      !expansion_offset(w, clang_getRangeEnd(r), &e) || w->text[s] != '(') {
    fail(w, s, "it is written inside a macro expansion", "compound literal");
    return;
  }
  unsigned close = skip_balanced(w, s);
  if (!close || close > e) {
    fail(w, s, "its type is inside a macro expansion", "compound literal");
    return;
  }
  char *type = text_of(w, s + 1, close - 1);
  CXType t = clang_getCursorType(m->decl);
  char *bracket = strstr(type, "[]");
  if (t.kind == CXType_ConstantArray && bracket) {
    char *full = fmt("%.*s[%lld]%s", (int)(bracket - type), type,
                     clang_getArraySize(t), bracket + 2);
    free(type);
    type = full;
  }
  const char *fn = m->has_pointers ? "__escrt_new" : "__escrt_new_noscan";
  add(w, s, 0, PRIO_LITERAL_OPEN,
      fmt("(*__extension__({ __typeof__(%s) *__escl_%d = %s(sizeof(%s)); "
          "__builtin_memcpy((void *)__escl_%d, &",
          type, id, fn, type, id));
  add(w, e, 0, PRIO_LITERAL_CLOSE,
      fmt(", sizeof(%s)); __escl_%d; }))", type, id));
  free(type);
}

//
// The unit
//

// A moved local and where it is, to find each function's by its range.
typedef struct {
  unsigned off;
  moved_local *m;
} placed;

static int by_offset(const void *a, const void *b) {
  const placed *x = a, *y = b;
  return x->off < y->off ? -1 : x->off > y->off;
}

static void rewrite_function(rewriter *w, CXCursor fn, placed *moved,
                             int nmoved, int *next) {
  CXSourceRange r = clang_getCursorExtent(fn);
  unsigned fs, fe;
  if (!expansion_offset(w, clang_getRangeStart(r), &fs) ||
      !expansion_offset(w, clang_getRangeEnd(r), &fe))
    return;
  // This function's moved locals and literals: a run of the sorted list.
  int lo = 0, hi = nmoved;
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (moved[mid].off < fs)
      lo = mid + 1;
    else
      hi = mid;
  }
  int n = 0;
  moved_local **mine = malloc((nmoved + 1) * sizeof *mine);
  for (int i = lo; i < nmoved && moved[i].off < fe; i++)
    mine[n++] = moved[i].m;
  if (n == 0) {
    free(mine);
    return;
  }
  CXCursor body = clang_getNullCursor();
  clang_visitChildren(fn, last_child, &body);
  unsigned bs = 0, be = 0;
  if (body.kind != CXCursor_CompoundStmt ||
      !offset_of(w, clang_getRangeStart(clang_getCursorExtent(body)), &bs) ||
      !expansion_offset(w, clang_getRangeEnd(clang_getCursorExtent(body)),
                        &be)) {
    char *name = spelling(fn);
    fail(w, fs, "its function's body is inside a macro expansion", name);
    free(name);
    free(mine);
    return;
  }
  w->nlabels = w->nblocks = w->nrefs = w->ngotos = w->nswitches = 0;
  w->nseen = 0;
  w->indirect_goto = false;
  w->nalignofs = 0;
  clang_visitChildren(fn, walk_body, w);
  qsort(w->seen, w->nseen, sizeof *w->seen, by_unsigned);
  var *vars = calloc(n, sizeof *vars);
  int nvars = 0;
  for (int i = 0; i < n; i++) {
    if (mine[i]->literal) {
      emit_literal(w, mine[i], (*next)++);
      continue;
    }
    var *v = &vars[nvars];
    v->m = mine[i];
    v->id = (*next)++;
    if (!read_var(w, v, fn, bs, be))
      continue;
    bool again = false; // another expansion of the same macro's declaration
    for (int j = 0; j < nvars && v->in_macro; j++)
      again |= vars[j].in_macro && vars[j].name_off == v->name_off;
    if (again) {
      free((char *)v->name);
      free(v->align);
      *v = (var){0};
      continue;
    }
    nvars++;
  }
  for (int i = 0; i < nvars; i++)
    vars[i].param ? emit_param(w, &vars[i]) : emit_var(w, &vars[i]);
  emit_uses(w, vars, nvars);
  emit_skipped_uses(w, vars, nvars, bs, be);
  for (int i = 0; i < nvars; i++) {
    free((char *)vars[i].name);
    free(vars[i].align);
  }
  free(vars);
  free(mine);
}

static void c_string(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"' || *s == '\\')
      fputc('\\', f);
    fputc(*s, f);
  }
  fputc('"', f);
}

rewrite_status rewrite_unit(const rewrite_request *r, const strlist *flags,
                            char **out, size_t *out_len, char **why) {
  *out = *why = NULL;
  *out_len = 0;
  CXIndex idx = clang_createIndex(0, 0);
  int status;
  CXTranslationUnit tu = parse_file(idx, r->path, flags->len,
                                    (const char *const *)flags->v, &status,
                                    NULL, 0);
  if (!tu || status) {
    if (tu)
      clang_disposeTranslationUnit(tu);
    clang_disposeIndex(idx);
    return REWRITE_PARSE;
  }
  vec moved = {0};
  options opt = {.m = r->m ? r->m : 1, .explain = r->m == 2};
  unit u = {0};
  u.tu = tu;
  u.path = r->path;
  u.opt = &opt;
  u.moved = &moved;
  analyze_unit(&u);
  flush_reports(&u, r->m ? stderr : NULL);

  rewrite_status result = REWRITE_NONE;
  if (moved.len > 0) {
    rewriter w = {.tu = tu, .path = r->path};
    CXString name = clang_getTranslationUnitSpelling(tu);
    w.file = clang_getFile(tu, clang_getCString(name));
    clang_disposeString(name);
    w.text = clang_getFileContents(tu, w.file, &w.len);
    w.lines = malloc((w.len + 2) * sizeof *w.lines);
    w.lines[w.nlines++] = 0;
    for (size_t i = 0; i < w.len; i++)
      if (w.text[i] == '\n')
        w.lines[w.nlines++] = i + 1;
    w.prolog_f = open_memstream(&w.prolog, &w.prolog_len);
    find_conditionals(&w);
    placed *sorted = malloc(moved.len * sizeof *sorted);
    int nsorted = 0;
    for (int i = 0; i < moved.len; i++) {
      moved_local *m = moved.items[i];
      unsigned off;
      if (expansion_offset(&w, clang_getCursorLocation(m->decl), &off))
        sorted[nsorted++] = (placed){off, m};
    }
    qsort(sorted, nsorted, sizeof *sorted, by_offset);
    int next = 1;
    arena a = {0};
    int n;
    CXCursor *top =
        cursor_children(&a, clang_getTranslationUnitCursor(tu), &n);
    for (int i = 0; i < n && !w.why; i++)
      if (top[i].kind == CXCursor_FunctionDecl &&
          clang_isCursorDefinition(top[i]))
        rewrite_function(&w, top[i], sorted, nsorted, &next);
    arena_free(&a);
    fclose(w.prolog_f);
    free(sorted);
    size_t body_len = 0;
    char *body = w.why ? NULL : edits_apply(&w.ed, w.text, w.len, &body_len);
    if (!w.why && !body)
      w.why = fmt("%s: overlapping edits", r->path);
    if (w.why) {
      *why = w.why;
      result = REWRITE_FAILED;
    } else {
      size_t size;
      FILE *f = open_memstream(out, &size);
      fprintf(f,
              "__extension__ extern void *__escrt_new(__SIZE_TYPE__) "
              "__asm__(\"escrt_new\"); __extension__ extern void "
              "*__escrt_new_noscan(__SIZE_TYPE__) "
              "__asm__(\"escrt_new_noscan\");\n%s#line 1 ",
              w.prolog);
      c_string(f, r->line_name);
      fputc('\n', f);
      fwrite(body, 1, body_len, f); // it may hold NUL bytes
      fclose(f);
      *out_len = size;
      result = REWRITE_DONE;
    }
    free(body);
    edits_free(&w.ed);
    free(w.lines);
    free(w.labels);
    free(w.blocks);
    free(w.refs);
    free(w.gotos);
    free(w.switches);
    free(w.switch_spans);
    free(w.alignofs);
    free(w.sites);
    free(w.prolog);
    free(w.skipped);
    free(w.seen);
  }
  for (int i = 0; i < moved.len; i++)
    free(moved.items[i]);
  vec_free(&moved);
  clang_disposeTranslationUnit(tu);
  clang_disposeIndex(idx);
  return result;
}
