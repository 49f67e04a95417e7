// The compiler command line, as GCC and clang read it.
//
// escape-cc stands where the real compiler stands, so it must read a
// command as that compiler does: which arguments are inputs, which are C
// sources it compiles itself, which options take the next argument as
// their value, and what the command produces (an object, assembly, a
// linked program or shared library, or something it should not touch at
// all). Like ccache's argument processing, anything it does not compile
// itself is handed on unchanged: preprocessing (-E, -M and -MM without
// -MD), queries (-print-*, -dump*, --version, -v, -###), syntax checks,
// and input from standard input. Response files (@file) are expanded as
// GCC expands them; an unreadable one stays as it is, for the compiler to
// report.
#include "escape-cc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void strlist_push(strlist *l, const char *s) {
  if (l->len + 1 >= l->cap) {
    l->cap = l->cap ? 2 * l->cap : 16;
    l->v = realloc(l->v, l->cap * sizeof *l->v);
  }
  l->v[l->len++] = strdup(s);
  l->v[l->len] = NULL;
}

void strlist_free(strlist *l) {
  for (int i = 0; i < l->len; i++)
    free(l->v[i]);
  free(l->v);
  *l = (strlist){0};
}

// Options whose value is the next argument when not joined.
static const char *const with_value[] = {
    "-o", "-x", "-I", "-D", "-U", "-include", "-imacros", "-isystem",
    "-iquote", "-idirafter", "-iprefix", "-iwithprefix", "-iwithprefixbefore",
    "-isysroot", "-imultilib", "-MF", "-MT", "-MQ", "-L", "-l", "-Xlinker",
    "-Xpreprocessor", "-Xassembler", "-Xclang", "-aux-info", "--param", "-T",
    "-u", "-z", "-e", "-target", "-arch", "-dumpbase", "-dumpdir", "-B",
    "-A", "--sysroot", "-MJ", "-specs", NULL};

// takes_value reports whether a (exactly) takes the next argument.
static bool takes_value(const char *a) {
  for (int i = 0; with_value[i]; i++)
    if (!strcmp(a, with_value[i]))
      return true;
  return false;
}

static bool starts(const char *s, const char *prefix) {
  return !strncmp(s, prefix, strlen(prefix));
}

static bool ends(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && !strcmp(s + n - m, suffix);
}

// expand_file appends the arguments in a response file, GCC's way: white
// space separates, quotes group, backslash escapes. False if unreadable.
static bool expand_file(strlist *out, const char *path, int depth);

static void push_arg(strlist *out, const char *a, int depth) {
  if (a[0] == '@' && a[1] && depth < 16 && expand_file(out, a + 1, depth + 1))
    return;
  strlist_push(out, a);
}

static bool expand_file(strlist *out, const char *path, int depth) {
  FILE *f = fopen(path, "r");
  if (!f)
    return false;
  char *word = NULL;
  size_t n = 0, cap = 0;
  bool in_word = false;
  int quote = 0, c;
  while ((c = fgetc(f)) != EOF) {
    if (!quote && (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
                   c == '\f' || c == '\v')) {
      if (in_word) {
        word[n] = 0;
        push_arg(out, word, depth);
        n = 0;
        in_word = false;
      }
      continue;
    }
    in_word = true;
    if (c == '\\') {
      int d = fgetc(f);
      if (d == EOF)
        break;
      c = d;
    } else if (quote && c == quote) {
      quote = 0;
      continue;
    } else if (!quote && (c == '\'' || c == '"')) {
      quote = c;
      continue;
    }
    if (n + 2 > cap) {
      cap = cap ? 2 * cap : 64;
      word = realloc(word, cap);
    }
    word[n++] = (char)c;
  }
  if (in_word) {
    if (!word)
      word = calloc(1, 1);
    word[n] = 0;
    push_arg(out, word, depth);
  }
  free(word);
  fclose(f);
  return true;
}

// is_dependency_option reports the options that make a compile write a
// dependency file, or say what it contains.
bool is_dependency_option(const char *a) {
  return !strcmp(a, "-MD") || !strcmp(a, "-MMD") || starts(a, "-MF") ||
         starts(a, "-MT") || starts(a, "-MQ") || !strcmp(a, "-MP") ||
         !strcmp(a, "-MG") || starts(a, "-Wp,-MD") || starts(a, "-Wp,-MMD");
}

// is_query reports options after which the compiler compiles nothing.
static bool is_query(const char *a) {
  return !strcmp(a, "-E") || !strcmp(a, "-M") || !strcmp(a, "-MM") ||
         !strcmp(a, "--version") || !strcmp(a, "-###") ||
         starts(a, "-print-") || starts(a, "--print-") ||
         !strcmp(a, "-dumpversion") || !strcmp(a, "-dumpmachine") ||
         !strcmp(a, "-dumpspecs") || !strcmp(a, "-dumpfullversion") ||
         starts(a, "--help") || !strcmp(a, "-fsyntax-only") ||
         !strcmp(a, "--target-help") || starts(a, "-fdump-") ||
         !strcmp(a, "-dM");
}

bool parse_command(command *c, int argc, char **argv) {
  *c = (command){0};
  strlist raw = {0};
  for (int i = 1; i < argc; i++)
    push_arg(&raw, argv[i], 0);
  c->kind = calloc(raw.len + 1, sizeof *c->kind);
  c->value_of = malloc((raw.len + 1) * sizeof *c->value_of);
  bool deps_only = false, deps_with_object = false, verbose = false;
  int inputs = 0;
  const char *lang = NULL; // -x LANG in force, or NULL for "by extension"
  for (int i = 0; i < raw.len; i++) {
    const char *a = raw.v[i];
    // escape-cc's own options are consumed.
    if (!strcmp(a, "-m") || !strcmp(a, "-m=1")) {
      c->m = 1;
      continue;
    }
    if (!strcmp(a, "-m=2")) {
      c->m = 2;
      continue;
    }
    if (!strcmp(a, "--escape-report-only")) {
      c->report_only = true;
      continue;
    }
    if (!strcmp(a, "--escape-keep-temps")) {
      c->keep_temps = true;
      continue;
    }
    if (!strcmp(a, "--help") && raw.len == 1) {
      c->help = true;
      continue;
    }
    int at = c->args.len;
    strlist_push(&c->args, a);
    c->value_of[at] = -1;
    if (a[0] == '-' && a[1]) {
      c->kind[at] = ARG_OPTION;
      const char *value = NULL;
      // Values point into c->args, whose strings stay where they are.
      if (takes_value(a) && i + 1 < raw.len) {
        strlist_push(&c->args, raw.v[++i]);
        value = c->args.v[at + 1];
        c->kind[at + 1] = ARG_OPTION;
        c->value_of[at + 1] = at;
      } else if (starts(a, "-x") || starts(a, "-o")) {
        value = c->args.v[at] + 2;
      }
      if (!strcmp(a, "-v"))
        verbose = true; // a query only without inputs: cc -v
      else if (is_query(a))
        c->passthrough = true;
      if (is_dependency_option(a))
        c->deps = true;
      if (!strcmp(a, "-M") || !strcmp(a, "-MM"))
        deps_only = true;
      if (!strcmp(a, "-MD") || !strcmp(a, "-MMD"))
        deps_with_object = true;
      if (!strcmp(a, "-c"))
        c->compile_only = true;
      if (!strcmp(a, "-S"))
        c->assemble_only = true;
      if (!strcmp(a, "-shared"))
        c->shared = true;
      if (!strcmp(a, "-fblocks"))
        c->blocks = true;
      if (starts(a, "-fsanitize=") &&
          (strstr(a, "address") || strstr(a, "thread") ||
           strstr(a, "memory") || strstr(a, "leak")))
        c->sanitizer = true;
      if (starts(a, "-x"))
        lang = value && strcmp(value, "none") ? value : NULL;
      if (starts(a, "-o") && value)
        c->output = value;
      continue;
    }
    if (!strcmp(a, "-")) { // standard input
      c->kind[at] = ARG_INPUT;
      c->passthrough = true;
      continue;
    }
    bool is_c = lang ? !strcmp(lang, "c") : ends(a, ".c");
    c->kind[at] = is_c ? ARG_SOURCE : ARG_INPUT;
    inputs++;
    if (is_c)
      c->nsources++;
  }
  if (deps_only && !deps_with_object)
    c->passthrough = true; // -M and -MM imply -E
  if (verbose && inputs == 0)
    c->passthrough = true;
  c->ninputs = inputs;
  strlist_free(&raw);
  return true;
}

void free_command(command *c) {
  strlist_free(&c->args);
  free(c->kind);
  free(c->value_of);
}

// The options that change what a source means: they go to libclang.
static const char *const analysis_prefixes[] = {
    "-I", "-D", "-U", "-std=", "-O", "-f", "-march=", "--sysroot", "-isysroot",
    "-target", "--target=", "-nostdinc", "-isystem", "-iquote", "-idirafter",
    "-include", "-imacros", NULL};

static const char *const analysis_f[] = {
    "-fblocks", "-fms-extensions", "-fsigned-char", "-funsigned-char",
    "-fshort-enums", "-fshort-wchar", "-fno-builtin", "-ffreestanding",
    "-fhosted", "-fgnu89-inline", "-fPIC", "-fpic", "-fPIE", "-fpie",
    "-fopenmp", "-fwrapv", "-ftrapv", "-ffast-math", "-ffinite-math-only",
    "-fno-signed-char", "-fno-unsigned-char", "-fno-short-enums",
    "-fsanitize=", "-fstack-protector", "-fno-stack-protector",
    "-fgnu-keywords", "-fno-gnu-keywords", "-fasm", "-fno-asm",
    "-fdollars-in-identifiers", "-fno-common", "-fcommon", NULL};

static const char *const analysis_m[] = {
    "-m32", "-m64", "-mx32", "-msse", "-mavx", "-mfma", "-mpopcnt", "-mpclmul",
    "-maes", "-mbmi", "-mlzcnt", "-mrdrnd", "-mf16c", "-mno-sse", "-mno-avx",
    NULL};

static bool in(const char *a, const char *const *list, bool prefix) {
  for (int i = 0; list[i]; i++)
    if (prefix ? starts(a, list[i]) : !strcmp(a, list[i]))
      return true;
  return false;
}

void analysis_flags(const command *c, strlist *out) {
  // Errors clang makes of what GCC only warns about must not stop the
  // analysis of code the real compiler accepts.
  static const char *const lenient[] = {
      "-Wno-error=implicit-function-declaration", "-Wno-error=implicit-int",
      "-Wno-error=int-conversion", "-Wno-error=incompatible-pointer-types",
      "-Wno-error=return-type", "-ferror-limit=0", "-x", "c", NULL};
  for (int i = 0; lenient[i]; i++)
    strlist_push(out, lenient[i]);
  for (int i = 0; i < c->args.len; i++) {
    const char *a = c->args.v[i];
    if (c->kind[i] != ARG_OPTION || c->value_of[i] >= 0)
      continue;
    bool keep = false;
    if (starts(a, "-f"))
      keep = in(a, analysis_f, true);
    else if (starts(a, "-m"))
      keep = in(a, analysis_m, true) || starts(a, "-march=");
    else if (!strcmp(a, "-pthread") || !strcmp(a, "-ansi"))
      keep = true;
    else if (!strcmp(a, "-O") || starts(a, "-O"))
      keep = strcmp(a, "-Ofast") != 0;
    else
      keep = in(a, analysis_prefixes, true);
    if (!keep)
      continue;
    strlist_push(out, a);
    if (i + 1 < c->args.len && c->value_of[i + 1] == i)
      strlist_push(out, c->args.v[i + 1]);
  }
}
