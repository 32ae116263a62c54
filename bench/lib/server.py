"""`ingot serve` on loopback for one cell: a fresh data directory, port 0, its log kept in a file.

start() returns once the server has printed "ready: accepting data" (its WAL is replayed and it
takes requests); stop() sends SIGTERM, which makes ingot persist every buffered record and exit 0.
"""
import os
import re
import signal
import subprocess
import threading

LISTENING = re.compile(r"listening on (http://[0-9.]+:\d+)")
READY = "ready: accepting data"


class ServerError(Exception):
    pass


class Server:
    def __init__(self, binary, data_dir, flags, log_path):
        self.binary = binary
        self.data_dir = data_dir
        self.flags = list(flags)
        self.log_path = log_path
        self.url = None
        self.proc = None
        self._listening = threading.Event()
        self._ready = threading.Event()
        self._exited = threading.Event()

    @property
    def pid(self):
        return self.proc.pid

    def command(self):
        return [self.binary, "serve", "--data-dir", self.data_dir,
                "--http-addr", "127.0.0.1:0", "--grpc-addr", ""] + self.flags

    def start(self, timeout=60):
        os.makedirs(self.data_dir, exist_ok=True)
        self.proc = subprocess.Popen(self.command(), stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, bufsize=1)
        threading.Thread(target=self._read_log, daemon=True).start()
        if not self._ready.wait(timeout) or self.url is None:
            self.kill()
            raise ServerError("ingot serve did not become ready in %d s; log: %s"
                              % (timeout, self.log_path))
        return self

    def _read_log(self):
        with open(self.log_path, "w") as log:
            for line in self.proc.stdout:
                log.write(line)
                log.flush()
                if self.url is None:
                    m = LISTENING.search(line)
                    if m:
                        self.url = m.group(1)
                        self._listening.set()
                if READY in line:
                    self._ready.set()
        self._exited.set()
        self._ready.set()  # unblocks start() when the process dies first

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=180):
        """SIGTERM, then wait: returns the exit status (0 when it persisted everything)."""
        if not self.alive():
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise ServerError("ingot serve did not stop %d s after SIGTERM" % timeout)
        self._exited.wait(5)
        return code

    def kill(self):
        if self.alive():
            self.proc.kill()
            self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()
