// escape-cc.h is escape-cc's one internal header, sectioned by the file
// that implements each part: the command line (args.c), the text edits
// (edits.c), the rewrite of one translation unit (rewrite.c) and running
// the real compiler (run.c). main.c drives them; see it for the design.
#ifndef ESCAPE_CC_H
#define ESCAPE_CC_H

#include <stdbool.h>
#include <stddef.h>

//
// args.c: what a compiler command line asks for
//

typedef struct {
  char **v;
  int len, cap;
} strlist;

void strlist_push(strlist *l, const char *s); // copies s
void strlist_free(strlist *l);

typedef enum {
  ARG_OPTION, // a flag, passed on
  ARG_INPUT,  // an input file of another kind (object, library, C++ ...)
  ARG_SOURCE, // a C source escape-cc compiles
} arg_kind;

typedef struct {
  strlist args;   // the command, after @file expansion, without our options
  arg_kind *kind; // per argument
  int *value_of;  // per argument: for a separate option value, its option
  // What the command does.
  bool passthrough;   // hand it to the real compiler unchanged
  bool compile_only;  // -c
  bool assemble_only; // -S
  bool shared;        // -shared: links a shared library
  bool sanitizer;     // -fsanitize=address/thread/memory/hwaddress...
  bool blocks;        // -fblocks: clang Blocks, which need libBlocksRuntime
  bool deps;          // a dependency file comes with the object (-MD ...)
  const char *output; // -o, or NULL
  int nsources;
  int ninputs; // every input, C sources included
  // escape-cc's own options.
  int m;             // -m: 1 or 2
  bool report_only;  // --escape-report-only
  bool keep_temps;   // --escape-keep-temps
  bool help;         // --help as the only argument
} command;

// is_dependency_option reports -MD, -MMD, -MF, -MT, -MQ, -MP, -MG and
// -Wp,-MD/-MMD: the options of a compile that writes a dependency file.
bool is_dependency_option(const char *a);

// parse_command reads argv[1..argc) into c. It returns false, with a
// message on stderr, only for an unreadable @file.
bool parse_command(command *c, int argc, char **argv);
void free_command(command *c);

// analysis_flags appends to out the flags of c that matter to parsing a
// source (include paths, macros, language and target), for libclang.
void analysis_flags(const command *c, strlist *out);

//
// edits.c: insertions and replacements on a file's text (escape-cc-rewrite)
//

typedef struct edit edit;
typedef struct {
  edit *items;
  int len, cap;
} edits;

// edits_add records that [off, off+del) becomes text. At one offset, edits
// apply in order of prio, then of the order they were added.
void edits_add(edits *e, unsigned off, unsigned del, int prio,
               const char *text);
// edits_replaces reports whether a replacement starts at off.
bool edits_replaces(const edits *e, unsigned off);
// edits_apply returns the text with every edit applied (malloc'd; its
// length in *out_len, as it may hold NUL bytes), or NULL when two edits
// overlap.
char *edits_apply(edits *e, const char *text, size_t len, size_t *out_len);
void edits_free(edits *e);

//
// rewrite.c: the rewrite of one translation unit (escape-cc-rewrite)
//

typedef enum {
  REWRITE_NONE,   // nothing moves to heap: compile the unit as written
  REWRITE_DONE,   // *out is the rewritten unit
  REWRITE_PARSE,  // libclang could not parse it
  REWRITE_FAILED, // a local escape-cc cannot move; *why says which
} rewrite_status;

typedef struct {
  const char *path;      // the source as the command names it
  const char *line_name; // the name #line gives the rewritten text
  int m;                 // print the -m report to stderr: 0, 1, 2
} rewrite_request;

// rewrite_unit analyzes and rewrites r->path; *out (out_len bytes, which
// may include NULs) is the rewritten unit when it returns REWRITE_DONE.
rewrite_status rewrite_unit(const rewrite_request *r, const strlist *flags,
                            char **out, size_t *out_len, char **why);

//
// run.c: running the real compiler
//

// run_command runs argv (NULL-terminated) and returns its exit status
// (128+N for a signal, 127 if it could not run). When capture is set, its
// stderr is collected there (malloc'd) instead of passed through.
int run_command(char *const *argv, char **capture);

// A child started and finished apart: start_command starts argv (its
// stderr to a pipe when capture is set; in a process group of its own when
// ch->group is set), finish_command collects it as run_command does (the
// length of what it collected in *len, when len is set), and
// discard_command waits for it and drops what it printed.
typedef struct {
  int pid;
  int err_fd;     // the collected stream's pipe
  bool group;     // a process group of its own
  int capture_fd; // the stream collected: 2 (stderr, the default) or 1
} child;
bool start_command(char *const *argv, bool capture, child *ch);
int finish_command(child *ch, char **capture, size_t *len);
void discard_command(child *ch);

#endif
