# bash completion for logchunk
_logchunk() {
  local cur prev words cword
  _init_completion || return
  local cmd=${words[1]}
  if [ "$cword" -eq 1 ]; then
    COMPREPLY=($(compgen -W "inspect cat verify compact recompress --help" -- "$cur"))
    return
  fi
  case "$prev" in
    --path|--store) _filedir -d; return ;;
    --tenant|--target-size|--level|--from|--to) return ;;
  esac
  case "$cmd" in
    inspect|verify)
      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--help" -- "$cur")); else _filedir chunk; fi ;;
    cat)
      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--from --to --help" -- "$cur")); else _filedir chunk; fi ;;
    compact) COMPREPLY=($(compgen -W "--path --store --tenant --target-size --level --dry-run --help" -- "$cur")) ;;
    recompress) COMPREPLY=($(compgen -W "--path --store --tenant --level --help" -- "$cur")) ;;
  esac
}
complete -F _logchunk logchunk
