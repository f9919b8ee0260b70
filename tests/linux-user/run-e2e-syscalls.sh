#!/bin/sh
# run-e2e-syscalls.sh — sockets and the other file-descriptor kinds under
# ferry-x86_64 compared with native runs: the cases of guest/sockets.c
# (SCM_RIGHTS, TCP/UDP over loopback, SCM_CREDENTIALS, socket options,
# sendmmsg/recvmmsg, eventfd, timerfd, inotify, waitid, capget, execveat,
# splice, EINTR from blocking socket calls), python3's socket and
# selectors modules, and node when it is installed.
# x86-64 build machines only (sockets.c is built with the host's gcc).
#
# Environment: FERRY (the binary), srcdir.
set -u
. "$(dirname "$0")/e2e-common.sh"

if [ "$(uname -m)" != x86_64 ]; then
    echo "SKIP: the guest programs are x86-64 binaries built here"
    exit 77
fi
SRC=${srcdir:-$(dirname "$0")/../..}/tests/linux-user/guest/sockets.c
if ! cc -O1 -o "$TMP/sockets" "$SRC"; then
    echo "FAIL: cannot build $SRC"
    exit 1
fi
for c in pair tcp udp creds sockopt eventfd timerfd inotify waitid capget splice eintr; do
    check "sockets $c" "$TMP/sockets" "$c"
done
# execveat re-runs ferry itself, which qemu-user cannot exec (run-e2e.sh).
if [ -z "$RUN" ]; then
    check "sockets execveat" "$TMP/sockets" execveat
fi

if [ -x /usr/bin/python3 ]; then
    check "python3 socket and selectors" /usr/bin/python3 -S -c '
import selectors, socket
a, b = socket.socketpair()
sel = selectors.DefaultSelector()
sel.register(b, selectors.EVENT_READ)
a.sendall(b"ping")
for key, ev in sel.select(timeout=5):
    print("ready", ev, key.fileobj.recv(16))
srv = socket.create_server(("127.0.0.1", 0))
port = srv.getsockname()[1]
c = socket.create_connection(("127.0.0.1", port))
s, addr = srv.accept()
c.sendall(b"over tcp")
c.shutdown(socket.SHUT_WR)
print(s.recv(64), s.recv(64), addr[0])
print(c.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE) == socket.SOCK_STREAM)
'
fi
# node's start-up needs eventfd2 and capget (libuv, its tracing loop).
if [ -x /usr/bin/node ]; then
    check "node" /usr/bin/node -e 'console.log(1 + 1, [3, 1, 2].sort().join())'
fi

echo "$runs runs, $fails failures"
[ $fails -eq 0 ]
