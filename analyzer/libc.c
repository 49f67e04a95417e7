// The built-in model of the C library and POSIX.
//
// A function without a body is unknown, and an unknown callee makes every
// argument escape. That answer is right for code we cannot see and wrong
// for the C library, whose contracts are public: printf reads its
// arguments and keeps none, memcpy copies what src points to into what dst
// points to, realloc hands its argument back as its result. Each entry of
// libc_models.def states one function's contract in a small language, one
// effect per word:
//
//   hN     argument N leaks to the heap            (setvbuf's buffer)
//   HN     what argument N points to leaks          (getopt's argv strings)
//   tN     argument N is handed to another thread  (pthread_create's arg)
//   TN     what argument N points to is handed to another thread
//          (timer_create's sigevent, whose sival_ptr a thread receives)
//   hN+    arguments N, N+1, ... all leak, the variadic ones included
//          (syscall); likewise tN+
//   rN     argument N flows to the result          (strchr, fgets)
//   RN     what argument N points to flows to the result (strsep)
//   u      the result may also be memory the caller cannot see
//          (strtok: its argument, or the string it kept)
//   uB     memory the caller cannot see is stored into what B points to
//          (pthread_join's return value, dladdr's strings)
//   cA>B   what A points to is copied into what B points to (memcpy)
//   sA>B   A itself is stored into what B points to (strtol's endptr)
//   a      the result is a fresh allocation        (malloc)
//   dN     ... that holds a copy of what argument N points to (Block_copy)
//   DN     a heap copy of the block at N (as dN) is handed to another thread
//          (escrt_go_block: the literal stays, its captures go)
//   aB     a fresh allocation is stored into what B points to
//   A      the result is fresh automatic storage of the caller (alloca)
//   v0     the caller's variadic arguments are stored into *arg0 (va_start)
//   SN     argument N is an array of escrt_select_case: what each case's
//          elem points to is sent on a channel and received into
//   f      frees its argument                      (for the rewriter)
//
// Arguments that no word mentions do not escape. A pointer result that no
// r, R, a or A word describes points to memory the caller cannot see
// (getenv, localtime): stores through it go to the heap.
//
// libc_models.def covers every function of glibc's public headers that
// takes or returns a pointer or takes variadic arguments, POSIX's among
// them, and the symbols calls reach after macro expansion (__memcpy_chk,
// __isoc99_sscanf, __builtin_* forms, which call.c looks up without their
// prefix); tests/analyzer/libc-functions.txt is that list, made by
// scripts/libc-functions.sh, and check_libc tests that each name has an
// entry. The table is sorted by name for bsearch; check_libc checks the
// order.
#include "escape.h"

#include <stdlib.h>
#include <string.h>

struct libc_model {
  const char *name;
  const char *spec;
};

static const libc_model models[] = {
#define MODEL(name, spec) {#name, spec},
#include "libc_models.def"
#undef MODEL
};

static int by_name(const void *a, const void *b) {
  return strcmp(((const libc_model *)a)->name, ((const libc_model *)b)->name);
}

const libc_model *libc_lookup(const char *name) {
  libc_model key = {name, NULL};
  return bsearch(&key, models, sizeof(models) / sizeof(models[0]),
                 sizeof(models[0]), by_name);
}

bool libc_model_frees(const libc_model *m) { return strchr(m->spec, 'f'); }

bool libc_models_sorted(void) {
  for (size_t i = 1; i < sizeof(models) / sizeof(models[0]); i++)
    if (strcmp(models[i - 1].name, models[i].name) >= 0)
      return false;
  return true;
}

static location *arg(callsite *cs, int i) {
  return i >= 0 && i < cs->nargs ? cs->args[i] : NULL;
}

// fresh returns the allocation site of a malloc-family call, or of alloca's
// automatic storage, which lives as long as the calling function.
static location *fresh(unit *u, callsite *cs, bool automatic) {
  location *a = new_location(u, cs->caller, LOC_ALLOC, "{storage for call}");
  a->alloc = ALLOC_MALLOC;
  // Heap memory: no block ends its life, but an allocation made in a loop
  // and kept past the iteration cannot be one stack slot: its lifetime is
  // the innermost loop around it, as Go's loop depth says.
  a->scope = cs->caller->top;
  for (scope *s = cs->scope; s; s = s->parent)
    if (s->loop) {
      a->scope = s;
      break;
    }
  if (a->scope == cs->caller->top && cs->goto_loop)
    a->scope = cs->goto_loop;
  if (automatic) {
    a->alloc = ALLOC_ALLOCA;
    a->scope = cs->caller->top;
  }
  a->decl = a->where = cs->call;
  a->has_pointers = true;
  return a;
}

static bool pointee_has_pointers(unit *u, callsite *cs, int i) {
  if (i < 0 || i >= cs->nargs)
    return false;
  CXCursor a = strip_implicit(u, clang_Cursor_getArgument(cs->call, i));
  CXType t = clang_getCanonicalType(clang_getCursorType(a));
  CXType p = t.kind == CXType_Pointer ? clang_getPointeeType(t)
             : type_is_array(t)       ? clang_getArrayElementType(t)
                                      : t;
  if (clang_getCanonicalType(p).kind == CXType_Void)
    return true;
  return type_has_pointers(u, p);
}

// leak makes arguments a, and with rest every one after it, leak to the
// heap (or another thread) with derefs: 0 the argument, 1 what it points to.
static void leak(unit *u, callsite *cs, int a, bool rest, escape_kind kind,
                 int derefs, note *n) {
  int last = rest ? cs->nargs - 1 : a;
  for (int i = a; i <= last; i++)
    if (arg(cs, i))
      add_edge(u, heap_sink(u, kind, cs->callee_name), arg(cs, i), derefs, n);
}

void apply_libc_model(unit *u, callsite *cs, const libc_model *m) {
  note *n = call_note(u, cs, "call parameter");
  bool result_known = false, result_unknown = false;
  for (const char *p = m->spec; *p;) {
    char op = *p++;
    int a = -1, b = -1;
    bool rest = false;
    if (*p >= '0' && *p <= '9')
      a = strtol(p, (char **)&p, 10);
    if (*p == '+') {
      p++;
      rest = true;
    }
    if (*p == '>') {
      p++;
      b = strtol(p, (char **)&p, 10);
    }
    while (*p == ' ')
      p++;
    switch (op) {
    case 'h':
    case 'H':
      leak(u, cs, a, rest, ESC_HEAP, op == 'H', n);
      break;
    case 't':
    case 'T':
      leak(u, cs, a, rest, ESC_THREAD, op == 'T', n);
      break;
    case 'u':
      if (a < 0)
        result_unknown = true;
      else if (arg(cs, a))
        add_store(u, cs, arg(cs, a), u->unknown, 0, n);
      break;
    case 'r':
    case 'R':
      result_known = true;
      if (arg(cs, a) && cs->result)
        add_edge(u, cs->result, arg(cs, a), op == 'r' ? 0 : 1, n);
      break;
    case 'c':
      // What an int * points to holds no pointers, whatever memcpy's
      // void * parameter says: look at the argument before its conversion.
      if (!pointee_has_pointers(u, cs, a))
        break;
      // fallthrough
    case 's':
      if (arg(cs, a) && arg(cs, b))
        add_store(u, cs, arg(cs, b), arg(cs, a), op == 'c' ? 1 : 0, n);
      break;
    case 'a':
    case 'A':
      result_known = true;
      if (a < 0 && cs->result)
        add_edge(u, cs->result, fresh(u, cs, op == 'A'), -1, n);
      else if (arg(cs, a))
        add_store(u, cs, arg(cs, a), fresh(u, cs, op == 'A'), -1, n);
      break;
    case 'd':
      result_known = true;
      if (cs->result) {
        location *copy = fresh(u, cs, false);
        add_edge(u, cs->result, copy, -1, n);
        if (arg(cs, a))
          add_edge(u, copy, arg(cs, a), 1, n);
      }
      break;
    case 'D':
      if (arg(cs, a))
        add_edge(u, heap_sink_via(u, ESC_THREAD, NULL, cs->callee_name),
                 arg(cs, a), 1, n);
      break;
    case 'S':
      if (arg(cs, a)) {
        // **cases is sent; the values received are stored into *elem.
        add_edge(u, heap_sink(u, ESC_SEND, cs->callee_name), arg(cs, a), 2,
                 call_note(u, cs, "send"));
        location *elems = new_location(u, cs->caller, LOC_TEMP, "{temp}");
        elems->has_pointers = true;
        add_edge(u, elems, arg(cs, a), 1, n);
        add_store(u, cs, elems, u->unknown, 0, call_note(u, cs, "receive"));
      }
      break;
    case 'v':
      if (arg(cs, a) && cs->caller->varargs)
        add_store(u, cs, arg(cs, a), cs->caller->varargs, 0, n);
      break;
    default:
      break;
    }
  }
  if ((!result_known || result_unknown) && cs->result)
    add_edge(u, cs->result, u->unknown, 0, NULL);
}
