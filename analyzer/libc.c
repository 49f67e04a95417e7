// The built-in model of the C library and POSIX.
//
// A function without a body is unknown, and an unknown callee makes every
// argument escape. That answer is right for code we cannot see and wrong
// for the C library, whose contracts are public: printf reads its
// arguments and keeps none, memcpy copies what src points to into what dst
// points to, realloc hands its argument back as its result. Each entry
// below states one function's contract in a small language, one effect per
// word:
//
//   hN     argument N leaks to the heap            (setvbuf's buffer)
//   tN     argument N is handed to another thread  (pthread_create's arg)
//   rN     argument N flows to the result          (strchr, fgets)
//   cA>B   what A points to is copied into what B points to (memcpy)
//   sA>B   A itself is stored into what B points to (strtol's endptr)
//   a      the result is a fresh allocation        (malloc)
//   dN     ... that holds a copy of what argument N points to (Block_copy)
//   aB     a fresh allocation is stored into what B points to
//   A      the result is fresh automatic storage of the caller (alloca)
//   v0     the caller's variadic arguments are stored into *arg0 (va_start)
//   f      frees its argument                      (for the rewriter)
//
// Arguments that no word mentions do not escape. A pointer result that is
// neither fresh nor an argument points to memory the caller cannot see
// (getenv, localtime): stores through it go to the heap. The table is
// sorted by name for bsearch; libc_test checks the order.
#include "escape.h"

#include <stdlib.h>
#include <string.h>

struct libc_model {
  const char *name;
  const char *spec;
};

static const libc_model models[] = {
    {"_Block_copy", "d0"},
    {"_Block_release", ""},
    {"__assert_fail", ""},
    {"__errno_location", ""},
    {"__sigsetjmp", ""},
    {"__va_start", "v0"},
    {"_longjmp", ""},
    {"_setjmp", ""},
    {"abort", ""},
    {"abs", ""},
    {"accept", ""},
    {"access", ""},
    {"aligned_alloc", "a"},
    {"alloca", "A"},
    {"asctime", ""},
    {"asctime_r", "r1"},
    {"atexit", ""},
    {"atof", ""},
    {"atoi", ""},
    {"atol", ""},
    {"atoll", ""},
    {"bind", ""},
    {"bsearch", "r1"},
    {"bzero", ""},
    {"calloc", "a"},
    {"chdir", ""},
    {"clearerr", ""},
    {"clock", ""},
    {"clock_gettime", ""},
    {"close", ""},
    {"closedir", ""},
    {"connect", ""},
    {"ctime", ""},
    {"ctime_r", "r1"},
    {"dirname", "r0"},
    {"dladdr", ""},
    {"dlclose", ""},
    {"dlerror", ""},
    {"dlopen", ""},
    {"dlsym", ""},
    {"dprintf", ""},
    {"dup", ""},
    {"dup2", ""},
    {"execv", ""},
    {"execve", ""},
    {"execvp", ""},
    {"exit", ""},
    {"expect", "r0"},
    {"fchmod", ""},
    {"fchown", ""},
    {"fclose", ""},
    {"fcntl", ""},
    {"fdatasync", ""},
    {"fdopen", ""},
    {"feof", ""},
    {"ferror", ""},
    {"fflush", ""},
    {"fgetc", ""},
    {"fgets", "r0"},
    {"fileno", ""},
    {"fopen", ""},
    {"fork", ""},
    {"fprintf", ""},
    {"fputc", ""},
    {"fputs", ""},
    {"fread", ""},
    {"free", "f"},
    {"freeaddrinfo", "f"},
    {"freopen", "r2"},
    {"fscanf", ""},
    {"fseek", ""},
    {"fstat", ""},
    {"fsync", ""},
    {"ftell", ""},
    {"ftruncate", ""},
    {"futimens", ""},
    {"fwrite", ""},
    {"getaddrinfo", "a3"},
    {"getc", ""},
    {"getchar", ""},
    {"getcwd", "r0"},
    {"getenv", ""},
    {"geteuid", ""},
    {"gethostname", ""},
    {"getline", "a0"},
    {"getpid", ""},
    {"getrusage", ""},
    {"gettimeofday", ""},
    {"getuid", ""},
    {"gmtime", ""},
    {"gmtime_r", "r1"},
    {"htonl", ""},
    {"htons", ""},
    {"index", "r0"},
    {"inet_ntop", "r2"},
    {"inet_pton", ""},
    {"ioctl", ""},
    {"isatty", ""},
    {"kill", ""},
    {"labs", ""},
    {"listen", ""},
    {"localtime", ""},
    {"localtime_r", "r1"},
    {"longjmp", ""},
    {"lseek", ""},
    {"lstat", ""},
    {"malloc", "a"},
    {"malloc_usable_size", ""},
    {"memalign", "a"},
    {"memchr", "r0"},
    {"memcmp", ""},
    {"memcpy", "r0 c1>0"},
    {"memmem", "r0"},
    {"memmove", "r0 c1>0"},
    {"mempcpy", "r0 c1>0"},
    {"memrchr", "r0"},
    {"memset", "r0"},
    {"mkdir", ""},
    {"mkstemp", ""},
    {"mktime", ""},
    {"mmap", ""},
    {"mprotect", ""},
    {"munmap", ""},
    {"nanosleep", ""},
    {"ntohl", ""},
    {"ntohs", ""},
    {"object_size", ""},
    {"open", ""},
    {"opendir", ""},
    {"perror", ""},
    {"pipe", ""},
    {"poll", ""},
    {"posix_memalign", "a0"},
    {"pread", ""},
    {"prefetch", ""},
    {"printf", ""},
    {"pthread_attr_destroy", ""},
    {"pthread_attr_init", ""},
    {"pthread_attr_setstacksize", ""},
    {"pthread_cond_broadcast", ""},
    {"pthread_cond_destroy", ""},
    {"pthread_cond_init", ""},
    {"pthread_cond_signal", ""},
    {"pthread_cond_timedwait", ""},
    {"pthread_cond_wait", ""},
    {"pthread_create", "t3"},
    {"pthread_detach", ""},
    {"pthread_equal", ""},
    {"pthread_getspecific", ""},
    {"pthread_join", ""},
    {"pthread_key_create", ""},
    {"pthread_key_delete", ""},
    {"pthread_mutex_destroy", ""},
    {"pthread_mutex_init", ""},
    {"pthread_mutex_lock", ""},
    {"pthread_mutex_trylock", ""},
    {"pthread_mutex_unlock", ""},
    {"pthread_mutexattr_destroy", ""},
    {"pthread_mutexattr_init", ""},
    {"pthread_mutexattr_settype", ""},
    {"pthread_once", ""},
    {"pthread_self", ""},
    {"pthread_setspecific", "t1"},
    {"putc", ""},
    {"putchar", ""},
    {"putenv", "h0"},
    {"puts", ""},
    {"pwrite", ""},
    {"qsort", ""},
    {"raise", ""},
    {"rand", ""},
    {"read", ""},
    {"readdir", ""},
    {"readlink", ""},
    {"realloc", "a r0 f"},
    {"reallocarray", "a r0 f"},
    {"realpath", "r1"},
    {"recv", ""},
    {"recvfrom", ""},
    {"remove", ""},
    {"rename", ""},
    {"rewind", ""},
    {"rindex", "r0"},
    {"rmdir", ""},
    {"scanf", ""},
    {"select", ""},
    {"send", ""},
    {"sendto", ""},
    {"setbuf", "h1"},
    {"setenv", ""},
    {"setjmp", ""},
    {"setlocale", ""},
    {"setsockopt", ""},
    {"setvbuf", "h1"},
    {"sigaction", ""},
    {"sigemptyset", ""},
    {"siglongjmp", ""},
    {"signal", ""},
    {"sigsetjmp", ""},
    {"sleep", ""},
    {"snprintf", ""},
    {"socket", ""},
    {"sprintf", ""},
    {"srand", ""},
    {"sscanf", ""},
    {"stat", ""},
    {"stpcpy", "r0"},
    {"stpncpy", "r0"},
    {"strcasecmp", ""},
    {"strcat", "r0"},
    {"strchr", "r0"},
    {"strchrnul", "r0"},
    {"strcmp", ""},
    {"strcoll", ""},
    {"strcpy", "r0"},
    {"strcspn", ""},
    {"strdup", "a"},
    {"strerror", ""},
    {"strerror_r", "r1"},
    {"strftime", ""},
    {"strlen", ""},
    {"strncasecmp", ""},
    {"strncat", "r0"},
    {"strncmp", ""},
    {"strncpy", "r0"},
    {"strndup", "a"},
    {"strnlen", ""},
    {"strpbrk", "r0"},
    {"strrchr", "r0"},
    {"strsep", "R0"},
    {"strspn", ""},
    {"strstr", "r0"},
    {"strtod", "s0>1"},
    {"strtof", "s0>1"},
    {"strtok", "h0 r0"},
    {"strtok_r", "r0 s0>2"},
    {"strtol", "s0>1"},
    {"strtold", "s0>1"},
    {"strtoll", "s0>1"},
    {"strtoul", "s0>1"},
    {"strtoull", "s0>1"},
    {"symlink", ""},
    {"sysconf", ""},
    {"system", ""},
    {"time", ""},
    {"tolower", ""},
    {"toupper", ""},
    {"truncate", ""},
    {"unlink", ""},
    {"unsetenv", ""},
    {"usleep", ""},
    {"utime", ""},
    {"utimensat", ""},
    {"utimes", ""},
    {"va_copy", "c1>0"},
    {"va_end", ""},
    {"va_start", "v0"},
    {"valloc", "a"},
    {"vfprintf", ""},
    {"vprintf", ""},
    {"vsnprintf", ""},
    {"vsprintf", ""},
    {"waitpid", ""},
    {"write", ""},
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

void apply_libc_model(unit *u, callsite *cs, const libc_model *m) {
  note *n = call_note(u, cs, "call parameter");
  bool result_known = false;
  for (const char *p = m->spec; *p;) {
    char op = *p++;
    int a = -1, b = -1;
    if (*p >= '0' && *p <= '9')
      a = strtol(p, (char **)&p, 10);
    if (*p == '>') {
      p++;
      b = strtol(p, (char **)&p, 10);
    }
    while (*p == ' ')
      p++;
    switch (op) {
    case 'h':
    case 't':
      if (arg(cs, a))
        add_edge(
            u, heap_sink(u, op == 'h' ? ESC_HEAP : ESC_THREAD, cs->callee_name),
            arg(cs, a), 0, n);
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
    case 'v':
      if (arg(cs, a) && cs->caller->varargs)
        add_store(u, cs, arg(cs, a), cs->caller->varargs, 0, n);
      break;
    default:
      break;
    }
  }
  if (!result_known && cs->result)
    add_edge(u, cs->result, u->unknown, 0, NULL);
}
