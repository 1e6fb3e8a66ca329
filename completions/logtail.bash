# bash completion for logtail
_logtail() {
  local cur prev words cword
  _init_completion -n = || return
  local flags="-config.file= -config.expand-env -dry-run -print-config-stderr -check-syntax -stdin
    -client.url= -client.tenant-id= -client.external-labels= -server.http-listen-address=
    -server.http-listen-port= -positions.file= -log.level= -version -help"
  case "$cur" in
    -config.file=*|-positions.file=*)
      local prefix=${cur%%=*}= ; COMPREPLY=($(compgen -f -P "$prefix" -- "${cur#*=}")); return ;;
    -log.level=*) COMPREPLY=($(compgen -P "-log.level=" -W "debug info warn error" -- "${cur#*=}")); return ;;
  esac
  COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  [[ ${COMPREPLY[0]} == *= ]] && compopt -o nospace
}
complete -F _logtail logtail
