"""`timeline completion bash|zsh|fish`: a completion script built from the parser itself,
so that every command and option is completed and none is forgotten."""

from __future__ import annotations

import argparse
import re
from typing import Any

from . import COMMANDS, EXIT_OK, add_command, context

EXAMPLES = """\
  timeline completion bash > ~/.local/share/bash-completion/completions/timeline
  timeline completion zsh > "${fpath[1]}/_timeline"
  timeline completion fish > ~/.config/fish/completions/timeline.fish
"""
SHELLS = ("bash", "zsh", "fish")


def register(commands: Any) -> None:
    parser = add_command(commands, "completion", EXAMPLES, cmd_completion)
    parser.add_argument("shell", metavar="SHELL", choices=SHELLS, help="bash, zsh or fish")


def catalogue() -> tuple[list[str], dict[str, list[tuple[str, str, tuple[str, ...]]]]]:
    """The global options, and per command its options: (option, help, choices)."""
    from . import build_parser

    parser = build_parser()
    options: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {}
    global_options = _options(parser)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                options[name] = _options(sub)
    return [o for o, _, _ in global_options], options


def _options(parser: argparse.ArgumentParser) -> list[tuple[str, str, tuple[str, ...]]]:
    found = []
    for action in parser._actions:
        if action.help == argparse.SUPPRESS:
            continue
        choices = tuple(str(c) for c in action.choices or ()) if action.option_strings else ()
        for option in action.option_strings:
            found.append((option, _one_line(action.help or ""), choices))
    return found


def _one_line(text: str) -> str:
    return re.sub(r"[^\w .,()/'+-]", "", " ".join(text.split()))[:70]


def bash_script() -> str:
    global_options, per_command = catalogue()
    names = " ".join(COMMANDS)
    cases = "\n".join(
        f"        {name}) opts={_quote_sh(' '.join(o for o, _, _ in per_command[name]))} ;;"
        for name in COMMANDS
    )
    choices = "\n".join(
        f"        {option}) COMPREPLY=($(compgen -W {_quote_sh(' '.join(values))} -- \"$cur\"));"
        " return ;;"
        for option, values in sorted(
            {o: c for items in per_command.values() for o, _, c in items if c}.items()
        )
    )
    return f"""# bash completion for timeline (timeline completion bash)
_timeline() {{
    local cur prev words cword opts command word
    cur="${{COMP_WORDS[COMP_CWORD]}}"
    prev="${{COMP_WORDS[COMP_CWORD-1]}}"
    command=""
    for word in "${{COMP_WORDS[@]:1:COMP_CWORD-1}}"; do
        case " {names} " in *" $word "*) command="$word"; break ;; esac
    done
    case "$prev" in
{choices}
        -f|--file|-o|--output) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    esac
    opts={_quote_sh(' '.join(global_options))}
    case "$command" in
{cases}
        "") if [[ "$cur" != -* ]]; then
                COMPREPLY=($(compgen -W "{names}" -- "$cur")); return
            fi ;;
    esac
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}}
complete -o default -F _timeline timeline
"""


def zsh_script() -> str:
    _, per_command = catalogue()
    described = "\n".join(
        f"    {_quote_sh(name + ':' + _one_line(help_text).replace(':', ' '))}"
        for name, (_, help_text) in COMMANDS.items()
    )
    cases = "\n".join(
        f"    {name}) options=({' '.join(_quote_sh(o) for o, _, _ in per_command[name])}) ;;"
        for name in COMMANDS
    )
    return f"""#compdef timeline
# zsh completion for timeline (timeline completion zsh)
_timeline() {{
  local -a commands options
  local command word
  commands=(
{described}
  )
  for word in ${{words[2,CURRENT-1]}}; do
    if (( ${{+commands[(r)$word:*]}} )); then command=$word; break; fi
  done
  if [[ -z $command && $PREFIX != -* ]]; then
    _describe -t commands 'timeline command' commands
    return
  fi
  case $command in
{cases}
    *) options=(-f --file --as-of --format --no-color --help --version) ;;
  esac
  compadd -- $options
  _files
}}
compdef _timeline timeline
"""


def fish_script() -> str:
    global_options, per_command = catalogue()
    lines = ["# fish completion for timeline (timeline completion fish)",
             "complete -c timeline -f"]
    names = " ".join(COMMANDS)
    for name, (_, help_text) in COMMANDS.items():
        lines.append(
            f"complete -c timeline -n 'not __fish_seen_subcommand_from {names}' -a {name} "
            f"-d {_quote_sh(_one_line(help_text))}"
        )
    for name in COMMANDS:
        for option, help_text, choices in per_command[name]:
            flag = f"-l {option[2:]}" if option.startswith("--") else f"-s {option[1:]}"
            if choices:
                extra = f" -x -a {_quote_sh(' '.join(choices))}"
            elif option in ("-f", "--file", "-o", "--output"):
                extra = " -r -F"
            else:
                extra = ""
            lines.append(
                f"complete -c timeline -n '__fish_seen_subcommand_from {name}' {flag}"
                f" -d {_quote_sh(help_text)}{extra}"
            )
    for option in global_options:
        if option.startswith("--"):
            lines.append(f"complete -c timeline -n '__fish_use_subcommand' -l {option[2:]}")
    return "\n".join(lines) + "\n"


def _quote_sh(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def cmd_completion(args: argparse.Namespace) -> int:
    ctx = context(args)
    script = {"bash": bash_script, "zsh": zsh_script, "fish": fish_script}[args.shell]()
    ctx.out.write(script)
    return EXIT_OK
