/**
 * custom — a user's own scripts, byobu style.
 *
 * Every executable named `N_name` in shoji's scripts folder ($XDG_CONFIG_HOME/shoji/scripts)
 * and, unless `byobu_scripts: false`, in an existing ~/.byobu/bin, becomes a module with id
 * `custom:name` refreshed every N seconds. Put `custom` in a layout to show them all, in name
 * order, or name one (`custom:weather`).
 *
 * | output                                              | shown as                          |
 * |-----------------------------------------------------|-----------------------------------|
 * | plain text (first non-empty line)                   | the text, state idle              |
 * | JSON {"text", "state"?, "short_text"?, "icon"?}     | text with that state (i3status-rust's custom block) |
 * | empty output                                        | hidden                            |
 * | non-zero exit, or no output within the timeout      | failed, retried with back-off     |
 *
 * Script output is outside text: renderers escape it, so it can never inject tmux formats,
 * styles or screen escapes. byobu-style colour escapes (\005{...}) are removed.
 * Scripts run without a shell, with stdin closed; stderr is kept for the failure message.
 *
 * A script anyone else could have written is never run: it and its folders must be owned by you
 * (or root) and not writable by group or others (src/core/trust.ts). Refused and
 * non-executable scripts are reported in `shoji modules`, with what to fix.
 */
// This folder documents the `custom` module for users (docs/modules.md is generated from the
// comment above). Its code is host machinery in src/core/scripts.ts: the registry finds the
// scripts at run time and builds one module per script, and src/core never imports from
// plugins/ (docs/architecture.md). So this file exports no module of its own.
export {};
