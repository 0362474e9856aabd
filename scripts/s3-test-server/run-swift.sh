#!/bin/sh
# Runs memcached and the four Swift servers configured in $SWIFT_DIR/etc until this
# script's stdin closes (the starting process called stop() or died in any way, even
# SIGKILL), then stops exactly the processes it started and removes $SWIFT_DIR.
# Env: SWIFT_DIR, MEMCACHED_PORT, RUN_AS (user for memcached when started as root).
set -u
# The directory is removed at the end: refuse anything but the temp dir made for us.
case "$SWIFT_DIR" in /*/docuvault-swift-*) ;; *) echo "unexpected SWIFT_DIR" >&2; exit 1 ;; esac
cd "$SWIFT_DIR" || exit 1
exec 2>>log/run-swift.log
# Asynchronous commands get /dev/null as stdin, so keep the real one on fd 3 for the watch.
exec 3<&0

memcached -u "$RUN_AS" -l 127.0.0.1 -p "$MEMCACHED_PORT" -U 0 -m 64 >log/memcached.log 2>&1 3<&- &
pids=$!
for s in account container object proxy; do
  /usr/bin/python3 /usr/bin/swift-$s-server etc/$s-server.conf -v >log/$s.log 2>&1 3<&- &
  pids="$pids $!"
done
echo "$pids" >run/pids

watch=
shutdown() {
  kill $pids $watch 2>/dev/null
  wait
  cd / && rm -rf "$SWIFT_DIR"
  exit 0
}
trap shutdown TERM INT HUP

# Blocks until EOF on stdin; backgrounded so a trapped signal interrupts the wait.
cat <&3 >/dev/null &
watch=$!
wait $watch
shutdown
