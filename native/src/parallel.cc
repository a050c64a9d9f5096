// parallel_for: fixed chunking (deterministic), OpenMP or std::thread underneath.
#include "advect/parallel.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#ifdef ADVECT_OPENMP
#include <omp.h>
#endif

namespace advect {
namespace {

int default_threads() {
  if (const char* s = std::getenv("ADVECT_THREADS")) {
    int v = std::atoi(s);
    if (v > 0) return std::min(v, 1024);
  }
  return hardware_threads();
}

std::atomic<int>& threads_ref() {
  static std::atomic<int> t{default_threads()};
  return t;
}

}  // namespace

int hardware_threads() {
  unsigned h = std::thread::hardware_concurrency();
  return h == 0 ? 1 : static_cast<int>(h);
}

int max_threads() { return threads_ref().load(); }

void set_max_threads(int n) { threads_ref().store(n > 0 ? std::min(n, 1024) : default_threads()); }

bool openmp_enabled() {
#ifdef ADVECT_OPENMP
  return true;
#else
  return false;
#endif
}

void parallel_for(std::size_t n, std::size_t grain,
                  const std::function<void(std::size_t, std::size_t, std::size_t)>& fn) {
  if (n == 0) return;
  if (grain == 0) grain = 1;
  const std::size_t chunks = chunk_count(n, grain);
  const int threads = static_cast<int>(std::min<std::size_t>(chunks, static_cast<std::size_t>(max_threads())));
  // An exception may not cross an OpenMP region or a std::thread (std::terminate would take the
  // whole Node process down, e.g. on bad_alloc inside a chunk): the first one is kept, the
  // remaining chunks are skipped, and it is rethrown on the calling thread after the join.
  std::exception_ptr first_error;
  std::atomic<bool> failed{false};
  std::mutex error_mutex;
  auto run_chunk = [&](std::size_t c) {
    if (failed.load(std::memory_order_relaxed)) return;
    try {
      std::size_t lo = c * grain, hi = std::min(n, lo + grain);
      fn(c, lo, hi);
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!first_error) first_error = std::current_exception();
      failed.store(true);
    }
  };
  if (threads <= 1) {
    for (std::size_t c = 0; c < chunks; ++c) run_chunk(c);
  } else {
#ifdef ADVECT_OPENMP
    const long long nc = static_cast<long long>(chunks);
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (long long c = 0; c < nc; ++c) run_chunk(static_cast<std::size_t>(c));
#else
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
      for (std::size_t c; (c = next.fetch_add(1)) < chunks;) run_chunk(c);
    };
    std::vector<std::thread> pool;
    pool.reserve(threads - 1);
    for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
    worker();
    for (auto& th : pool) th.join();
#endif
  }
  if (first_error) std::rethrow_exception(first_error);
}

}  // namespace advect
