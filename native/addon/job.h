// Jobs: one way to run a long native computation either synchronously (on the JS thread) or
// asynchronously (on a libuv worker) with progress and cancellation (DESIGN §4).
//
// A JobSpec is a baton: it copies every option into plain C++ and holds raw pointers into input
// typed arrays, which the async path pins with references until the job settles. run() never
// touches N-API; result() builds the JS value on the main thread.
#pragma once
#include <napi.h>

#include <atomic>
#include <functional>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "advect/status.h"

namespace advect_napi {

struct ProgressMsg {
  double v[4] = {0, 0, 0, 0};
};

struct JobContext {
  std::shared_ptr<std::atomic<bool>> cancel;
  std::function<void(const ProgressMsg&)> report;  // may be empty
  bool cancelled() const { return cancel && cancel->load(std::memory_order_relaxed); }
  void progress(double a, double b = 0, double c = 0, double d = 0) const {
    if (report) report(ProgressMsg{{a, b, c, d}});
  }
  // The core takes a plain pointer to the flag.
  const std::atomic<bool>* flag() const { return cancel.get(); }
};

struct JobSpec {
  virtual ~JobSpec() = default;
  virtual advect::Status run(JobContext& ctx) = 0;  // worker thread (or JS thread when sync)
  virtual Napi::Value result(Napi::Env env) = 0;    // JS thread
};

// Error value for a failed Status: TypeError for invalid arguments, else an Error with `code`.
Napi::Error status_error(Napi::Env env, const advect::Status& st);

// Run on the JS thread; throws on failure.
Napi::Value run_sync(Napi::Env env, std::unique_ptr<JobSpec> spec);

// Queue on a worker; returns { promise, cancel }. `on_progress` may be undefined.
// `pins` are JS values (typed arrays) kept alive until the job settles.
Napi::Value run_async(Napi::Env env, std::unique_ptr<JobSpec> spec, Napi::Value on_progress,
                      const std::vector<Napi::Value>& pins);

}  // namespace advect_napi
