// malloc_count: an LD_PRELOAD shim that counts heap allocation calls, per thread, for bench/audit.
//
//   cc -shared -fPIC -O2 -o malloc_count.so malloc_count.c
//   MALLOC_COUNT_OUT=/tmp/counts.txt LD_PRELOAD=./malloc_count.so build/ingot serve ...
//   kill -USR2 <pid>     # appends a snapshot of every thread's counters to MALLOC_COUNT_OUT
//
// Every allocation function of glibc is wrapped (malloc, calloc, realloc, reallocarray,
// posix_memalign, aligned_alloc, memalign, valloc, pvalloc; free is counted separately).
// operator new and the rest of libstdc++ allocate through malloc, so they are counted too. The
// real allocator is reached through glibc's exported __libc_* entry points, so no dlsym (which
// itself allocates) is needed.
//
// Counting costs one relaxed atomic add on a cache line owned by the calling thread. A snapshot
// is written when the process gets SIGUSR2 and once more at exit: the caller takes one before
// and one after the interval it measures and subtracts, which leaves out startup.
//
// Snapshot format (text, one line each):
//   snapshot <seq> <pid>
//   thread <tid> <comm> <malloc> <calloc> <realloc> <memalign> <free> <bytes>
//   end <seq>
// A thread's line keeps its counts after the thread exits (comm is then "-").
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

extern void* __libc_malloc(size_t size);
extern void* __libc_calloc(size_t n, size_t size);
extern void* __libc_realloc(void* p, size_t size);
extern void* __libc_memalign(size_t alignment, size_t size);
extern void* __libc_valloc(size_t size);
extern void* __libc_pvalloc(size_t size);
extern void __libc_free(void* p);

enum { kMaxThreads = 1024 };

enum Kind { kMalloc, kCalloc, kRealloc, kMemalign, kFree, kBytes, kKinds };

struct Slot {
  _Alignas(64) atomic_uint_fast64_t counts[kKinds];
  atomic_int tid;
};

static struct Slot slots[kMaxThreads];
static atomic_int next_slot;
static atomic_uint snapshot_seq;
static char out_path[4096];
static __thread int my_slot __attribute__((tls_model("initial-exec"))) = -1;

static struct Slot* Mine(void) {
  int s = my_slot;
  if (s < 0) {
    s = atomic_fetch_add_explicit(&next_slot, 1, memory_order_relaxed);
    // Past kMaxThreads threads, the last slot is shared (still exact: the adds are atomic).
    if (s >= kMaxThreads) s = kMaxThreads - 1;
    my_slot = s;
    atomic_store_explicit(&slots[s].tid, (int)syscall(SYS_gettid), memory_order_relaxed);
  }
  return &slots[s];
}

static inline void Count(enum Kind kind, size_t size) {
  struct Slot* slot = Mine();
  atomic_fetch_add_explicit(&slot->counts[kind], 1, memory_order_relaxed);
  atomic_fetch_add_explicit(&slot->counts[kBytes], size, memory_order_relaxed);
}

void* malloc(size_t size) {
  Count(kMalloc, size);
  return __libc_malloc(size);
}

void* calloc(size_t n, size_t size) {
  Count(kCalloc, n * size);
  return __libc_calloc(n, size);
}

void* realloc(void* p, size_t size) {
  Count(kRealloc, size);
  return __libc_realloc(p, size);
}

void* reallocarray(void* p, size_t n, size_t size) {
  size_t total;
  if (__builtin_mul_overflow(n, size, &total)) {
    errno = ENOMEM;
    return NULL;
  }
  return realloc(p, total);
}

void* memalign(size_t alignment, size_t size) {
  Count(kMemalign, size);
  return __libc_memalign(alignment, size);
}

void* aligned_alloc(size_t alignment, size_t size) { return memalign(alignment, size); }

int posix_memalign(void** out, size_t alignment, size_t size) {
  if (alignment < sizeof(void*) || (alignment & (alignment - 1)) != 0) return EINVAL;
  void* p = memalign(alignment, size);
  if (p == NULL) return ENOMEM;
  *out = p;
  return 0;
}

void* valloc(size_t size) {
  Count(kMemalign, size);
  return __libc_valloc(size);
}

void* pvalloc(size_t size) {
  Count(kMemalign, size);
  return __libc_pvalloc(size);
}

void free(void* p) {
  if (p != NULL) atomic_fetch_add_explicit(&Mine()->counts[kFree], 1, memory_order_relaxed);
  __libc_free(p);
}

// --- snapshots: async-signal-safe (no stdio, no allocation) ---

static char* PutU64(char* out, uint64_t v) {
  char tmp[24];
  int n = 0;
  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0) *out++ = tmp[--n];
  return out;
}

static char* PutStr(char* out, const char* s) {
  while (*s != '\0') *out++ = *s++;
  return out;
}

static char* PutComm(char* out, int tid) {
  char path[64];
  char* p = PutStr(path, "/proc/self/task/");
  p = PutU64(p, (uint64_t)tid);
  p = PutStr(p, "/comm");
  *p = '\0';
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return PutStr(out, "-");
  char comm[32];
  ssize_t n = read(fd, comm, sizeof comm - 1);
  close(fd);
  if (n <= 0) return PutStr(out, "-");
  for (ssize_t i = 0; i < n; ++i) {
    char c = comm[i];
    if (c == '\n') break;
    *out++ = (c == ' ' || c == '\t') ? '_' : c;
  }
  return out;
}

static void WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    data += n;
    size -= (size_t)n;
  }
}

static void Snapshot(void) {
  if (out_path[0] == '\0') return;
  const int saved_errno = errno;
  int fd = open(out_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    errno = saved_errno;
    return;
  }
  const unsigned seq = atomic_fetch_add(&snapshot_seq, 1) + 1;
  char line[512];
  char* p = PutStr(line, "snapshot ");
  p = PutU64(p, seq);
  p = PutStr(p, " ");
  p = PutU64(p, (uint64_t)getpid());
  p = PutStr(p, "\n");
  WriteAll(fd, line, (size_t)(p - line));
  int used = atomic_load(&next_slot);
  if (used > kMaxThreads) used = kMaxThreads;
  for (int i = 0; i < used; ++i) {
    struct Slot* s = &slots[i];
    const int tid = atomic_load_explicit(&s->tid, memory_order_relaxed);
    p = PutStr(line, "thread ");
    p = PutU64(p, (uint64_t)tid);
    p = PutStr(p, " ");
    p = PutComm(p, tid);
    for (int k = 0; k < kKinds; ++k) {
      p = PutStr(p, " ");
      p = PutU64(p, atomic_load_explicit(&s->counts[k], memory_order_relaxed));
    }
    p = PutStr(p, "\n");
    WriteAll(fd, line, (size_t)(p - line));
  }
  p = PutStr(line, "end ");
  p = PutU64(p, seq);
  p = PutStr(p, "\n");
  WriteAll(fd, line, (size_t)(p - line));
  close(fd);
  errno = saved_errno;
}

static void OnSignal(int signo) {
  (void)signo;
  Snapshot();
}

__attribute__((constructor)) static void Init(void) {
  // Read the environment once, here: getenv in a signal handler is not safe.
  extern char** environ;
  for (char** e = environ; e != NULL && *e != NULL; ++e) {
    if (strncmp(*e, "MALLOC_COUNT_OUT=", 17) == 0) {
      strncpy(out_path, *e + 17, sizeof out_path - 1);
      break;
    }
  }
  if (out_path[0] == '\0') return;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = OnSignal;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGUSR2, &sa, NULL);
}

__attribute__((destructor)) static void Fini(void) { Snapshot(); }
