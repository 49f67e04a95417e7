// json.c: JSON text and file URIs, for the output formats (output.c).
//
// A json writer prints one value member by member and keeps the commas and
// indentation; nothing is built in memory first, so a run's diagnostics
// stream out as they come. Strings are escaped as Go's encoding/json
// escapes them (Go 1.19, encode.go): ", \ and \n, \r, \t by name, every
// other byte below 0x20 as \u00xx, U+2028 and U+2029 as \u2028 and \u2029,
// and each byte that is not part of valid UTF-8 as \ufffd, so the output
// is valid JSON whatever bytes a file name or a message holds. With html
// set, <, > and & are escaped too, as Go's json.Encoder does by default:
// -json=0 output then matches what Go's compiler writes byte for byte.
//
// File URIs follow Go's net/url, as the compiler's -json=0 writes them:
// "file://" and the absolute, cleaned path with every byte but letters,
// digits, -_.~ and $&+,/:;=@ percent-encoded (url.URL's path); a path
// segment (url.PathEscape) also encodes / ; and ,.
#include "escape.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// ---------------------------------------------------------------------------
// Strings
// ---------------------------------------------------------------------------

// utf8_length returns the length of the valid UTF-8 sequence at s (at most
// n bytes), 0 if there is none there: as Go's utf8.DecodeRune, it refuses
// overlong forms, surrogates and code points past U+10FFFF.
static int utf8_length(const unsigned char *s, size_t n) {
  int len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : 2;
  if (s[0] < 0xC2 || s[0] > 0xF4 || n < (size_t)len)
    return 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (s[0] == 0xE0)
    lo = 0xA0;
  else if (s[0] == 0xED)
    hi = 0x9F;
  else if (s[0] == 0xF0)
    lo = 0x90;
  else if (s[0] == 0xF4)
    hi = 0x8F;
  if (s[1] < lo || s[1] > hi)
    return 0;
  for (int i = 2; i < len; i++)
    if (s[i] < 0x80 || s[i] > 0xBF)
      return 0;
  return len;
}

static void write_string(json *j, const char *str) {
  static const char hex[] = "0123456789abcdef";
  FILE *out = j->out;
  const unsigned char *s = (const unsigned char *)str;
  size_t n = strlen(str);
  fputc('"', out);
  for (size_t i = 0; i < n;) {
    unsigned char c = s[i];
    if (c < 0x80) {
      bool html = j->html && (c == '<' || c == '>' || c == '&');
      if (c == '"' || c == '\\')
        fprintf(out, "\\%c", c);
      else if (c == '\n' || c == '\r' || c == '\t')
        fprintf(out, "\\%c", c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
      else if (c < 0x20 || html)
        fprintf(out, "\\u00%c%c", hex[c >> 4], hex[c & 15]);
      else
        fputc(c, out);
      i++;
      continue;
    }
    int len = utf8_length(s + i, n - i);
    if (len == 0)
      fputs("\\ufffd", out);
    else if (len == 3 && c == 0xE2 && s[i + 1] == 0x80 &&
             (s[i + 2] == 0xA8 || s[i + 2] == 0xA9))
      fprintf(out, "\\u202%c", s[i + 2] == 0xA8 ? '8' : '9');
    else
      fwrite(s + i, 1, len, out);
    i += len ? len : 1;
  }
  fputc('"', out);
}

// ---------------------------------------------------------------------------
// Members
// ---------------------------------------------------------------------------

static void indent(json *j) {
  fputc('\n', j->out);
  for (int i = 0; i < j->depth; i++)
    fputs("  ", j->out);
}

// member starts the next member: its comma, its line, its key.
static void member(json *j, const char *key) {
  if (j->depth > 0) {
    if (j->filled[j->depth])
      fputc(',', j->out);
    j->filled[j->depth] = true;
    if (j->pretty)
      indent(j);
  }
  if (key) {
    write_string(j, key);
    fputs(j->pretty ? ": " : ":", j->out);
  }
}

void json_open(json *j, const char *key, char bracket) {
  member(j, key);
  fputc(bracket, j->out);
  if (j->depth + 1 >= JSON_MAX_DEPTH)
    abort(); // the formats nest a fixed, small depth
  j->filled[++j->depth] = false;
}

void json_close(json *j, char bracket) {
  bool filled = j->filled[j->depth--];
  if (j->pretty && filled)
    indent(j);
  fputc(bracket, j->out);
}

void json_string(json *j, const char *key, const char *s) {
  member(j, key);
  write_string(j, s);
}

void json_uint(json *j, const char *key, unsigned long long v) {
  member(j, key);
  fprintf(j->out, "%llu", v);
}

void json_bool(json *j, const char *key, bool v) {
  member(j, key);
  fputs(v ? "true" : "false", j->out);
}

void json_null(json *j, const char *key) {
  member(j, key);
  fputs("null", j->out);
}

// ---------------------------------------------------------------------------
// Paths and file URIs
// ---------------------------------------------------------------------------

// clean rewrites the absolute path p in place as filepath.Clean does: no
// empty or "." elements, each ".." with the element before it removed
// ("/.." is "/"), no trailing slash.
static void clean(char *p) {
  char *w = p + 1; // p[0] is '/'
  for (char *r = p + 1; *r;) {
    char *e = r + strcspn(r, "/");
    size_t n = e - r;
    if (n == 2 && r[0] == '.' && r[1] == '.') {
      while (w > p + 1 && *--w != '/')
        ;
    } else if (n > 0 && !(n == 1 && r[0] == '.')) {
      if (w > p + 1)
        *w++ = '/';
      memmove(w, r, n);
      w += n;
    }
    r = *e ? e + 1 : e;
  }
  *w = 0;
}

char *path_absolute(const char *path) {
  textbuf b = {0};
  if (path[0] != '/') {
    char *cwd = getcwd(NULL, 0);
    textbuf_printf(&b, "%s/", cwd ? cwd : "");
    free(cwd);
  }
  textbuf_printf(&b, "%s", path);
  clean(b.data);
  return b.data;
}

void uri_escape(textbuf *b, const char *s, size_t n, bool segment) {
  for (const unsigned char *p = (const unsigned char *)s;
       p < (const unsigned char *)s + n; p++) {
    bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                 (*p >= '0' && *p <= '9') ||
                 (*p && strchr(segment ? "-_.~$&+:=@" : "-_.~$&+,/:;=@", *p));
    textbuf_printf(b, plain ? "%c" : "%%%02X", *p);
  }
}

void file_uri(textbuf *b, const char *path) {
  char *abs = path_absolute(path);
  textbuf_printf(b, "file://");
  uri_escape(b, abs, strlen(abs), false);
  free(abs);
}
