# bash completion for logcli
_logcli() {
  local cur prev words cword
  _init_completion || return
  local cmds="query instant-query fmt"
  local opts="--stdin --stdin-format --output -o --limit --forward --since --from --to --step --interval --now
    --quiet -q --no-labels --include-label --exclude-label --labels-length --timezone -z --colored-output --help"
  if [ "$cword" -eq 1 ]; then
    COMPREPLY=($(compgen -W "$cmds" -- "$cur"))
    return
  fi
  case "$prev" in
    -o|--output) COMPREPLY=($(compgen -W "default raw jsonl" -- "$cur")); return ;;
    --stdin-format) COMPREPLY=($(compgen -W "raw jsonl" -- "$cur")); return ;;
    -z|--timezone) COMPREPLY=($(compgen -W "Local UTC" -- "$cur")); return ;;
  esac
  [[ "$cur" == -* ]] && COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -F _logcli logcli
