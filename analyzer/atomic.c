// Atomics: loads and stores of what they name.
//
// An atomic operation moves values exactly as the plain expression it
// stands for does; only the ordering differs, and escape analysis does not
// care about ordering:
//
//     atomic_store(&g, &x)             g = &x       x escapes as g does
//     p = atomic_load(&q)              p = q
//     p = atomic_exchange(&q, v)       p = q, q = v
//     atomic_compare_exchange(&q, &e, v)  q = v, e = q
//     p = atomic_fetch_add(&q, 1)      p = q        (the integer carries
//     nothing)
//
// Three spellings reach the analysis. C11's <stdatomic.h> macros expand to
// clang's __c11_atomic_* and GCC's __atomic_* are written directly; both
// are AtomicExprs, which libclang shows as an UnexposedExpr whose children
// are the operands in clang's storage order: the object, the order, then
// val1, the failure order, val2 and weak, as the operation has them (an
// init has the object and val1 only). The operation's name is where the
// expression is spelled (inside <stdatomic.h> for the macros). GCC's
// __sync_* are calls to builtins, with their arguments in source order.
//
// Each operation is lowered as its plain form: the object pointer into a
// temporary, a store as a store hole on it, a load as a dereference of it.
// The generic GCC forms (__atomic_load, __atomic_store, __atomic_exchange,
// __atomic_compare_exchange) take pointers to the values and add one
// dereference on that side. An atomic object whose type holds no pointers
// carries nothing; its operands are still lowered for their calls and
// assignments. An atomic builtin this file does not know (OpenCL's, HIP's,
// scoped ones) sends its operands to the heap, as any unknown construct.
#include "escape.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

// The effects of an operation, read off its operand slots (indices into its
// expression children, -1 for none).
typedef struct atomic_op {
  const char *name;
  int store;     // slot of the value stored into *object
  int store_via; // slot of a pointer to the value stored into *object
  int copy_to;   // slot of a pointer that receives *object
  bool loads;    // the result is *object
} atomic_op;

// AtomicExprs, by the name they are spelled with, in storage order.
static const atomic_op atomic_exprs[] = {
    {"__c11_atomic_init", 1, -1, -1, false},
    {"__c11_atomic_load", -1, -1, -1, true},
    {"__atomic_load_n", -1, -1, -1, true},
    {"__atomic_load", -1, -1, 2, false},
    {"__c11_atomic_store", 2, -1, -1, false},
    {"__atomic_store_n", 2, -1, -1, false},
    {"__atomic_store", -1, 2, -1, false},
    {"__c11_atomic_exchange", 2, -1, -1, true},
    {"__atomic_exchange_n", 2, -1, -1, true},
    {"__atomic_exchange", -1, 2, 3, false},
    {"__c11_atomic_compare_exchange_strong", 4, -1, 2, false},
    {"__c11_atomic_compare_exchange_weak", 4, -1, 2, false},
    {"__atomic_compare_exchange_n", 4, -1, 2, false},
    {"__atomic_compare_exchange", -1, 4, 2, false},
    {"__atomic_test_and_set", -1, -1, -1, false},
    {"__atomic_clear", -1, -1, -1, false},
};

// __sync builtins, by name without clang's size suffix, in source order.
static const atomic_op sync_calls[] = {
    {"__sync_val_compare_and_swap", 2, -1, -1, true},
    {"__sync_bool_compare_and_swap", 2, -1, -1, false},
    {"__sync_lock_test_and_set", 1, -1, -1, true},
    {"__sync_swap", 1, -1, -1, true},
    {"__sync_lock_release", -1, -1, -1, false},
    {"__sync_synchronize", -1, -1, -1, false},
};

// Read-modify-write arithmetic: the result is the old or the new value of
// *object, which points where the old one did.
static const char *const arithmetic[] = {"add", "sub",  "and", "or",
                                         "xor", "nand", "min", "max"};

static bool is_arithmetic(const char *verb, size_t len) {
  for (size_t i = 0; i < sizeof arithmetic / sizeof *arithmetic; i++)
    if (strlen(arithmetic[i]) == len && !strncmp(verb, arithmetic[i], len))
      return true;
  return false;
}

// arithmetic_op recognizes PREFIXfetch_VERB and PREFIXVERB_fetch (sync
// spells them fetch_and_VERB and VERB_and_fetch).
static bool arithmetic_op(const char *name, const char *prefix,
                          const char *joint) {
  size_t p = strlen(prefix), j = strlen(joint);
  if (strncmp(name, prefix, p))
    return false;
  name += p;
  if (!strncmp(name, "fetch", 5) && !strncmp(name + 5, joint, j))
    return is_arithmetic(name + 5 + j, strlen(name + 5 + j));
  const char *tail = strstr(name, joint);
  return tail && !strcmp(tail + j, "fetch") && is_arithmetic(name, tail - name);
}

static const atomic_op *find_op(const atomic_op *ops, size_t n,
                                const char *name) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(ops[i].name, name))
      return &ops[i];
  return NULL;
}

// spelled_name copies the identifier where c is spelled: for a macro of
// <stdatomic.h>, the builtin in the macro's body. It returns false when
// that text cannot be read: a name made by token pasting (##) is spelled
// in clang's scratch space, not in a file.
static bool spelled_name(CXCursor c, char *out, size_t size) {
  CXFile f;
  unsigned at;
  size_t len = 0, file_size = 0;
  clang_getSpellingLocation(clang_getCursorLocation(c), &f, NULL, NULL, &at);
  const char *text = f ? clang_getFileContents(
                             clang_Cursor_getTranslationUnit(c), f, &file_size)
                       : NULL;
  while (text && at + len < file_size && len + 1 < size &&
         (isalnum((unsigned char)text[at + len]) || text[at + len] == '_'))
    len++;
  if (len)
    memcpy(out, text + at, len);
  out[len] = '\0';
  return text != NULL;
}

// object_of evaluates the object pointer into a temporary, or returns NULL
// (and evaluates it for nothing) when the object holds no pointers.
static location *object_of(unit *u, CXCursor ptr) {
  CXType t = clang_getCanonicalType(clang_getCursorType(ptr));
  if (t.kind != CXType_Pointer)
    return NULL;
  CXType obj = clang_getPointeeType(t);
  if (clang_getCanonicalType(obj).kind == CXType_Atomic)
    obj = clang_Type_getValueType(clang_getCanonicalType(obj));
  if (!type_has_pointers(u, obj)) {
    lower_expr(u, hole_discard(), ptr);
    return NULL;
  }
  location *l = new_location(u, u->fn, LOC_TEMP, "{temp}");
  l->has_pointers = true;
  lower_expr(u, hole_of(l), ptr);
  return l;
}

static hole store_into(unit *u, location *ptr, CXCursor c, const char *why) {
  return hole_note(u, (hole){.dst = ptr, .store = true}, c, why);
}

// apply lowers operation op with operands x[0..n) (x[0] the object) into
// hole k for its result.
static void apply(unit *u, hole k, CXCursor c, const atomic_op *op, CXCursor *x,
                  int n) {
  held_cond(u, 1);
  location *obj = object_of(u, x[0]);
  for (int i = 1; i < n; i++) {
    if (!obj || (i != op->store && i != op->store_via && i != op->copy_to)) {
      lower_expr(u, hole_discard(), x[i]);
      continue;
    }
    if (i == op->store) {
      lower_expr(u, store_into(u, obj, c, "atomic store"), x[i]);
      continue;
    }
    location *p = new_location(u, u->fn, LOC_TEMP, "{temp}");
    p->has_pointers = true;
    lower_expr(u, hole_of(p), x[i]);
    if (i == op->store_via)
      flow(u,
           hole_deref(u, store_into(u, obj, c, "atomic store"), c,
                      "indirection"),
           p);
    else
      flow(u,
           hole_deref(u, store_into(u, p, c, "atomic load"), c, "indirection"),
           obj);
  }
  if (obj && op->loads)
    flow(u, hole_deref(u, k, c, "atomic load"), obj);
  held_cond(u, -1);
}

// unknown_atomic sends every operand of an atomic builtin this file does
// not know to the heap.
static void unknown_atomic(unit *u, CXCursor c, CXCursor *x, int n) {
  hole h = hole_note(u, hole_of(heap_sink(u, ESC_HEAP, NULL)), c,
                     "atomic operation");
  held_cond(u, 1);
  for (int i = 0; i < n; i++)
    lower_expr(u, h, x[i]);
  held_cond(u, -1);
}

static bool lower_atomic_expr(unit *u, hole k, CXCursor c) {
  char name[64];
  bool readable = spelled_name(c, name, sizeof name);
  int n, m = 0;
  CXCursor *kids = unit_children(u, c, &n);
  CXCursor x[8];
  for (int i = 0; i < n && m < 8; i++)
    if (clang_isExpression(kids[i].kind))
      x[m++] = kids[i];
  if (!readable && m >= 2 && type_is_pointer(clang_getCursorType(x[0]))) {
    unknown_atomic(u, c, x, m); // a pasted name: what it does is not known
    return true;
  }
  if (strncmp(name, "__", 2) || !strstr(name, "atomic_"))
    return false;
  static const atomic_op arith = {"", -1, -1, -1, true};
  const atomic_op *op =
      find_op(atomic_exprs, sizeof atomic_exprs / sizeof *atomic_exprs, name);
  if (!op && (arithmetic_op(name, "__c11_atomic_", "_") ||
              arithmetic_op(name, "__atomic_", "_")))
    op = &arith;
  if (op && m > 0)
    apply(u, k, c, op, x, m);
  else
    unknown_atomic(u, c, x, m);
  return true;
}

static bool lower_sync_call(unit *u, hole k, CXCursor c) {
  CXString s = clang_getCursorSpelling(c);
  char name[64];
  snprintf(name, sizeof name, "%s", clang_getCString(s));
  clang_disposeString(s);
  if (strncmp(name, "__sync_", 7))
    return false;
  // __sync_fetch_and_add_8: clang names the builtin by its operand size.
  char *end = strrchr(name, '_');
  if (end && end[1] >= '0' && end[1] <= '9')
    *end = '\0';
  int n = clang_Cursor_getNumArguments(c);
  CXCursor x[8];
  for (int i = 0; i < n && i < 8; i++)
    x[i] = clang_Cursor_getArgument(c, i);
  n = n < 0 ? 0 : n > 8 ? 8 : n;
  static const atomic_op arith = {"", -1, -1, -1, true};
  const atomic_op *op =
      find_op(sync_calls, sizeof sync_calls / sizeof *sync_calls, name);
  if (!op && arithmetic_op(name, "__sync_", "_and_"))
    op = &arith;
  if (!op)
    return false; // an unknown __sync_ builtin: an unknown callee
  if (n > 0)
    apply(u, k, c, op, x, n);
  return true;
}

bool lower_atomic(unit *u, hole k, CXCursor c) {
  if (c.kind == CXCursor_CallExpr)
    return lower_sync_call(u, k, c);
  return c.kind == CXCursor_UnexposedExpr && lower_atomic_expr(u, k, c);
}
