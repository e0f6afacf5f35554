#!/usr/bin/env bash
# A throw-away Virtuoso Open Source 7 (Debian: virtuoso-opensource-7-bin) on 127.0.0.1, for
# tests/push.rs and for trying `referat push` by hand. Everything lives in DIR.
#
#   virtuoso.sh ini DIR SQL_PORT HTTP_PORT   write DIR/virtuoso.ini
#   virtuoso.sh grant SQL_PORT               allow SPARQL update + Graph Store writes for the
#                                            unauthenticated "SPARQL" user (dba/dba login)
#   virtuoso.sh run DIR SQL_PORT HTTP_PORT   ini + start + wait + grant, then stay in the
#                                            foreground until Ctrl-C (stops the server)
#
# The test starts virtuoso-t itself (so it can kill it); `run` is for manual use:
#   tests/support/virtuoso.sh run /tmp/vt 1111 8890 &
#   referat push --endpoint http://127.0.0.1:8890/sparql
set -euo pipefail

ini() {
    local dir port_sql port_http
    dir="$(realpath -m "$1")"; port_sql="$2"; port_http="$3"
    mkdir -p "$dir"
    cat > "$dir/virtuoso.ini" <<INI
[Database]
DatabaseFile       = $dir/virtuoso.db
ErrorLogFile       = $dir/virtuoso.log
LockFile           = $dir/virtuoso.lck
TransactionFile    = $dir/virtuoso.trx
xa_persistent_file = $dir/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = $dir/virtuoso-temp.db
TransactionFile    = $dir/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:$port_sql
DisableUnixSocket        = 1
ServerThreads            = 10
CheckpointInterval       = 60
NumberOfBuffers          = 10000
MaxDirtyBuffers          = 6000
DirsAllowed              = ., $dir
ThreadCleanupInterval    = 0
ResourcesCleanupInterval = 0

[HTTPServer]
ServerPort       = 127.0.0.1:$port_http
ServerRoot       = $dir
ServerThreads    = 10
MaxKeepAlives    = 10
KeepAliveTimeout = 10
EnabledDavVSP    = 0

[SPARQL]
ResultSetMaxRows      = 1000000
MaxQueryExecutionTime = 120
INI
    echo "$dir/virtuoso.ini"
}

grant() {
    # SPARQL_UPDATE lets the "SPARQL" user (every unauthenticated request to /sparql and
    # /sparql-graph-crud) write RDF; enough for the Graph Store Protocol on Virtuoso 7.2.
    isql-vt "$1" dba dba exec='GRANT SPARQL_UPDATE TO "SPARQL";' >/dev/null
}

wait_up() {
    local port_http="$1" i
    for i in $(seq 1 240); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port_http") 2>/dev/null; then return 0; fi
        sleep 0.5
    done
    echo "virtuoso did not open 127.0.0.1:$port_http within 120 s" >&2
    return 1
}

case "${1:-}" in
    ini) shift; ini "$@" ;;
    grant) shift; grant "$@" ;;
    run)
        shift
        conf="$(ini "$@")"
        virtuoso-t +foreground +configfile "$conf" &
        pid=$!
        trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT INT TERM
        wait_up "$3"
        # The SQL port opens a moment after HTTP: retry the grant briefly.
        for _ in $(seq 1 20); do grant "$2" && break; sleep 0.5; done
        echo "virtuoso up: SPARQL http://127.0.0.1:$3/sparql, Graph Store http://127.0.0.1:$3/sparql-graph-crud (pid $pid)"
        wait $pid
        ;;
    *) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
