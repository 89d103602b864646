// Fixed-arity wrappers around libedit's C-variadic calls (el_set, el_get, history),
// which Swift cannot call directly.
#ifndef MLW_CEDITLINE_SHIM_H
#define MLW_CEDITLINE_SHIM_H

#include <histedit.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

typedef unsigned char (*mlw_el_function)(EditLine *, int);

static char mlw_prompt_buffer[256] = "mlw> ";

static inline char *mlw_prompt_function(EditLine *el) {
    (void)el;
    return mlw_prompt_buffer;
}

static inline void mlw_set_prompt_text(const char *text) {
    strncpy(mlw_prompt_buffer, text, sizeof(mlw_prompt_buffer) - 1);
    mlw_prompt_buffer[sizeof(mlw_prompt_buffer) - 1] = 0;
}

static inline EditLine *mlw_el_init(const char *program) {
    EditLine *el = el_init(program, stdin, stdout, stderr);
    if (el == NULL) return NULL;
    // Characters between two \1 bytes in the prompt are escape sequences that take no
    // room on screen (colours); libedit must know, or it misplaces the cursor.
    el_set(el, EL_PROMPT_ESC, mlw_prompt_function, '\1');
    el_set(el, EL_EDITOR, "emacs");
    el_set(el, EL_SIGNAL, 0);  // we own SIGINT; libedit must not install handlers
    return el;
}

static inline void mlw_el_add_function(EditLine *el, const char *name, const char *help, mlw_el_function fn) {
    el_set(el, EL_ADDFN, name, help, fn);
}

static inline void mlw_el_bind(EditLine *el, const char *key, const char *function) {
    el_set(el, EL_BIND, key, function, NULL);
}

static inline void mlw_el_set_history(EditLine *el, History *h) {
    el_set(el, EL_HIST, history, h);
}

static inline History *mlw_history_init(int size) {
    History *h = history_init();
    if (h == NULL) return NULL;
    HistEvent ev;
    history(h, &ev, H_SETSIZE, size);
    history(h, &ev, H_SETUNIQUE, 1);
    return h;
}

static inline int mlw_history_enter(History *h, const char *line) {
    HistEvent ev;
    return history(h, &ev, H_ENTER, line);
}

static inline int mlw_history_load(History *h, const char *path) {
    HistEvent ev;
    return history(h, &ev, H_LOAD, path);
}

static inline int mlw_history_save(History *h, const char *path) {
    HistEvent ev;
    return history(h, &ev, H_SAVE, path);
}

#endif
