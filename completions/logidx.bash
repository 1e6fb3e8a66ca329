# bash completion for logidx
_logidx() {
  local cur prev words cword
  _init_completion || return
  local cmd=${words[1]}
  if [ "$cword" -eq 1 ]; then
    COMPREPLY=($(compgen -W "rebuild verify stats compact retention delete --help" -- "$cur"))
    return
  fi
  case "$prev" in
    --path|--store) _filedir -d; return ;;
    -o|--output) COMPREPLY=($(compgen -W "text json" -- "$cur")); return ;;
    --tenant|--period|--grace|--top|--retention|--rule|--now|--selector|--from|--to) return ;;
  esac
  local common="--path --store --tenant --help"
  if [[ $cur != -* ]]; then _filedir -d; return; fi  # the data dir operand
  case "$cmd" in
    rebuild) COMPREPLY=($(compgen -W "$common --period --dry-run" -- "$cur")) ;;
    verify) COMPREPLY=($(compgen -W "$common --grace --headers-only --remove-orphans" -- "$cur")) ;;
    stats) COMPREPLY=($(compgen -W "$common --top -o --output" -- "$cur")) ;;
    compact) COMPREPLY=($(compgen -W "$common --period --dry-run" -- "$cur")) ;;
    retention) COMPREPLY=($(compgen -W "$common --retention --rule --now --dry-run" -- "$cur")) ;;
    delete) COMPREPLY=($(compgen -W "$common --selector --from --to --dry-run" -- "$cur")) ;;
  esac
}
complete -F _logidx logidx
