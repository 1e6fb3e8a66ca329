# bash completion for logd
_logd() {
  local cur prev words cword
  _init_completion -n = || return
  local flags="-config.file= -config.expand-env -print-config -version -auth.enabled -common.path-prefix=
    -compactor.compaction-interval= -compactor.retention-delete-delay= -compactor.retention-enabled
    -distributor.ingestion-burst-size-mb= -distributor.ingestion-rate-limit-mb= -ingester.chunks-idle-period=
    -ingester.max-chunk-age= -ingester.max-global-streams-per-user= -ingester.memory-ceiling= -ingester.wal-dir=
    -ingester.wal-enabled
    -pattern-ingester.enabled
    -log.level= -querier.query-timeout= -server.grpc-listen-port= -server.http-listen-address=
    -server.http-listen-port= -server.http-tls-ca-path= -server.http-tls-cert-path= -server.http-tls-client-auth=
    -server.http-tls-key-path= -server.tls-min-version= -store.retention= -target= -help
    -runtime-config.file= -runtime-config.reload-period=
    -ruler.evaluation-interval= -ruler.poll-interval= -ruler.alertmanager-url= -ruler.alertmanager-use-v2
    -ruler.external.url= -ruler.storage.type= -ruler.storage.local.directory= -ruler.rule-path= -ruler.enable-api
    -ruler.resend-delay= -ruler.remote-write.enabled
    -ingester.lifecycler.ID= -ingester.lifecycler.addr= -ingester.lifecycler.port= -ingester.num-tokens=
    -ingester.heartbeat-period= -ingester.final-sleep= -ingester.tokens-file-path= -ingester.unregister-on-shutdown
    -ingester.min-ready-duration= -ring.heartbeat-timeout= -distributor.replication-factor= -ingester.client.timeout=
    -common.compactor-address= -querier.frontend-address= -querier.worker-parallelism= -querier.query-ingesters-within=
    -querier.split-queries-by-interval= -querier.max-outstanding-requests-per-tenant="
  case "$cur" in
    -config.file=*|-runtime-config.file=*|-common.path-prefix=*|-ingester.wal-dir=*|-server.http-tls-*-path=*|-ruler.storage.local.directory=*|-ruler.rule-path=*|-ingester.tokens-file-path=*)
      local prefix=${cur%%=*}= ; COMPREPLY=($(compgen -f -P "$prefix" -- "${cur#*=}")); return ;;
    -log.level=*) COMPREPLY=($(compgen -P "-log.level=" -W "debug info warn error" -- "${cur#*=}")); return ;;
    -target=*) COMPREPLY=($(compgen -P "-target=" -W "all write read backend distributor ingester querier query-frontend compactor ruler" -- "${cur#*=}")); return ;;
    -ruler.storage.type=*) COMPREPLY=($(compgen -P "-ruler.storage.type=" -W "local s3" -- "${cur#*=}")); return ;;
  esac
  COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  [[ ${COMPREPLY[0]} == *= ]] && compopt -o nospace
}
complete -F _logd logd
