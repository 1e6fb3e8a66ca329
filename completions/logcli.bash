# bash completion for logcli
_logcli() {
  local cur prev words cword
  _init_completion || return
  local cmds="query instant-query labels series stats volume volume_range detected-fields patterns fmt rules delete push"
  local global="--addr --org-id --username --password --bearer-token --bearer-token-file --ca-cert --cert --key
    --tls-skip-verify --store --cache-dir --store-read-threads --store-block-filters --no-store-block-filters --quiet -q --stats --output -o --timezone -z --help"
  local query="--limit --batch --forward --since --from --to --step --interval --tail -t --delay-for --no-labels
    --include-label --exclude-label --labels-length --colored-output --stdin --stdin-format"
  local instant="--limit --now --forward --no-labels --include-label --exclude-label --labels-length
    --colored-output --stdin --stdin-format"
  local range="--since --from --to"
  case "$prev" in
    -o|--output) COMPREPLY=($(compgen -W "default raw jsonl" -- "$cur")); return ;;
    --stdin-format) COMPREPLY=($(compgen -W "raw jsonl" -- "$cur")); return ;;
    -z|--timezone) COMPREPLY=($(compgen -W "Local UTC" -- "$cur")); return ;;
    --store|--cache-dir) _filedir -d; return ;;
    --checkpoint) _filedir; return ;;
    --ca-cert|--cert|--key|--bearer-token-file) _filedir; return ;;
  esac
  local cmd="" w
  for w in "${words[@]:1:cword-1}"; do
    case "$w" in query|instant-query|labels|series|stats|volume|volume_range|detected-fields|patterns|fmt|rules|delete|push) cmd=$w; break ;; esac
  done
  if [ "$cmd" == rules ]; then
    local sub="" x
    for x in "${words[@]:1:cword-1}"; do case "$x" in lint|check|eval) sub=$x ;; esac; done
    if [ -z "$sub" ]; then COMPREPLY=($(compgen -W "lint check eval" -- "$cur")); return; fi
    if [[ "$cur" == -* ]]; then
      [ "$sub" == eval ] && COMPREPLY=($(compgen -W "--stdin --stdin-format --time --external-url --store --org-id" -- "$cur"))
    else
      _filedir 'y?(a)ml'
    fi
    return
  fi
  if [ "$cmd" == delete ]; then
    local dsub="" y
    for y in "${words[@]:1:cword-1}"; do case "$y" in create|list|cancel) dsub=$y ;; esac; done
    if [ -z "$dsub" ]; then COMPREPLY=($(compgen -W "create list cancel" -- "$cur")); return; fi
    case "$dsub" in
      create) COMPREPLY=($(compgen -W "$global --query $range --max-interval" -- "$cur")) ;;
      cancel) COMPREPLY=($(compgen -W "$global --force" -- "$cur")) ;;
      *) COMPREPLY=($(compgen -W "$global" -- "$cur")) ;;
    esac
    return
  fi
  if [ -z "$cmd" ]; then
    if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "$global" -- "$cur"))
    else COMPREPLY=($(compgen -W "$cmds" -- "$cur")); fi
    return
  fi
  local opts="$global"
  case "$cmd" in
    query) opts+=" $query" ;;
    instant-query) opts+=" $instant" ;;
    labels|series|stats) opts+=" $range" ;;
    volume) opts+=" $range --limit --targetLabels --aggregateByLabels" ;;
    volume_range) opts+=" $range --limit --targetLabels --aggregateByLabels --step" ;;
    detected-fields) opts+=" $range --line-limit --limit" ;;
    patterns) opts+=" $range --step --json" ;;
    push) opts+=" --batch-size --batch-wait --checkpoint --max-retries --min-backoff --max-backoff --label" ;;
  esac
  if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  elif [ "$cmd" == push ]; then _filedir; fi
}
complete -F _logcli logcli
