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
    --tenant|--target-size|--level|--from|--to|--delete-delay) return ;;
  esac
  case "$cmd" in
    inspect)
      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--store --help" -- "$cur")); else _filedir chunk; fi ;;
    verify)  # chunk files, or directories to search for them
      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--store --help" -- "$cur")); else _filedir; fi ;;
    cat)
      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--from --to --store --help" -- "$cur")); else _filedir chunk; fi ;;
    compact)
      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--path --store --tenant --target-size --level --delete-delay --dry-run --help" -- "$cur")); else _filedir -d; fi ;;
    recompress)
      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--path --store --tenant --level --delete-delay --help" -- "$cur")); else _filedir -d; fi ;;
  esac
}
complete -F _logchunk logchunk
