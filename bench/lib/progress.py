"""The progress line on stderr: one line per update (a log, readable when redirected), or one
line rewritten in place on a terminal."""
import sys
import time

_TTY = sys.stderr.isatty()
_open_line = False


def _emit(text, final):
    global _open_line
    if _TTY and not final:
        sys.stderr.write("\r" + text + "\x1b[K")
        _open_line = True
    else:
        sys.stderr.write(("\r" if _open_line else "") + text + ("\x1b[K" if _TTY else "") + "\n")
        _open_line = False
    sys.stderr.flush()


def note(text):
    """A line that stays (phase changes, results, warnings)."""
    _emit("bench/run: " + text, final=True)


def status(text):
    """A progress update that the next one replaces on a terminal."""
    _emit("  " + text, final=False)


def grouped(n):
    return "{:,}".format(int(n))


def rate(n):
    """records/s for people: 812k, 1.23M."""
    if n >= 1e6:
        return "%.2fM" % (n / 1e6)
    if n >= 1e3:
        return "%.0fk" % (n / 1e3)
    return "%.0f" % n


class Ticker:
    """Calls `show` at most once per `interval` seconds."""

    def __init__(self, interval=1.0):
        self.interval = interval
        self.next = 0.0

    def due(self):
        now = time.monotonic()
        if now < self.next:
            return False
        self.next = now + self.interval
        return True
