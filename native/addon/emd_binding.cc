// Bindings for exact OT (advect/emd.h): exports.emd = { emd, emdAsync, emdPoints, emdPointsAsync }.
//   emd(a, b, C, n, m, maxIter, blockSize)                         -> EmdRaw
//   emdAsync(a, b, C, n, m, maxIter, blockSize, onProgress)        -> { promise, cancel }
//   emdPoints(a, b, x, y, n, m, d, metric, maxIter, blockSize)     -> EmdRaw
//   emdPointsAsync(..., onProgress)                                -> { promise, cancel }
// a, b: Float64Array (non-negative, Σa = Σb, checked and rescaled in TS); C, x, y: Float64Array or
// Float32Array. EmdRaw = { status, iterations, cost, rows, cols (Int32Array), values, u, v }.
#include <napi.h>

#include <cmath>
#include <memory>

#include "advect/emd.h"
#include "args.h"
#include "job.h"
#include "registry.h"

namespace advect_napi {
namespace {

Napi::Value raw_result(Napi::Env env, const advect::EmdResult& r) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("status", double(static_cast<int>(r.status)));
  o.Set("iterations", double(r.iterations));
  o.Set("cost", r.cost);
  const std::size_t k = r.values.size();
  auto rows = Napi::Int32Array::New(env, k), cols = Napi::Int32Array::New(env, k);
  auto vals = Napi::Float64Array::New(env, k);
  for (std::size_t t = 0; t < k; ++t) {
    rows[t] = r.rows[t];
    cols[t] = r.cols[t];
    vals[t] = r.values[t];
  }
  auto u = Napi::Float64Array::New(env, r.u.size()), v = Napi::Float64Array::New(env, r.v.size());
  for (std::size_t t = 0; t < r.u.size(); ++t) u[t] = r.u[t];
  for (std::size_t t = 0; t < r.v.size(); ++t) v[t] = r.v[t];
  o.Set("rows", rows);
  o.Set("cols", cols);
  o.Set("values", vals);
  o.Set("u", u);
  o.Set("v", v);
  return o;
}

struct EmdJob : JobSpec {
  const double* a = nullptr;
  const double* b = nullptr;
  const void* C = nullptr;
  const void* x = nullptr;
  const void* y = nullptr;
  bool f32 = false, points = false;
  std::size_t n = 0, m = 0, d = 0;
  advect::Metric metric = advect::Metric::sqeuclidean;
  long long maxIter = 100000, blockSize = 0;
  advect::EmdResult res;

  advect::Status run(JobContext& ctx) override {
    advect::EmdOptions opt;
    opt.max_iter = maxIter;
    opt.block_size = blockSize;
    opt.cancel = ctx.flag();
    if (ctx.report) opt.progress = [&ctx, this](long long it) { ctx.progress(double(it), double(maxIter)); };
    if (points) {
      if (f32)
        return advect::emd_points(a, n, b, m, static_cast<const float*>(x), static_cast<const float*>(y), d, metric, opt, res);
      return advect::emd_points(a, n, b, m, static_cast<const double*>(x), static_cast<const double*>(y), d, metric, opt, res);
    }
    if (f32) return advect::emd_dense(a, n, b, m, static_cast<const float*>(C), opt, res);
    return advect::emd_dense(a, n, b, m, static_cast<const double*>(C), opt, res);
  }
  Napi::Value result(Napi::Env env) override { return raw_result(env, res); }
};

FloatArg weights_arg(const Napi::CallbackInfo& info, std::size_t i, const char* name) {
  FloatArg w = float_array(info, i, name);
  if (w.f32) throw_type(info.Env(), "a Float64Array", name, w.value);
  const double* p = w.ptr<double>();
  for (std::size_t k = 0; k < w.length; ++k)
    if (!(p[k] >= 0) || !std::isfinite(p[k])) throw_range(info.Env(), "non-negative finite weights", name, w.value);
  return w;
}

long long iter_arg(const Napi::CallbackInfo& info, std::size_t i, const char* name) {
  double v = number_arg(info, i, name);
  if (v != std::floor(v) || v < 0 || v > 9007199254740992.0) throw_range(info.Env(), "a non-negative integer", name, info[i]);
  return static_cast<long long>(v);
}

std::unique_ptr<EmdJob> dense_job(const Napi::CallbackInfo& info, std::vector<Napi::Value>& pins) {
  Napi::Env env = info.Env();
  FloatArg a = weights_arg(info, 0, "a"), b = weights_arg(info, 1, "b");
  FloatArg C = float_array(info, 2, "C");
  std::size_t n = size_arg(info, 3, "n"), m = size_arg(info, 4, "m");
  if (n == 0) throw_range(env, "a positive integer", "n", info[3]);
  if (m == 0) throw_range(env, "a positive integer", "m", info[4]);
  expect_length(env, a, n, "a");
  expect_length(env, b, m, "b");
  expect_length(env, C, mul_sizes(env, n, m, "C"), "C");
  auto job = std::make_unique<EmdJob>();
  job->a = a.ptr<double>();
  job->b = b.ptr<double>();
  job->C = C.data;
  job->f32 = C.f32;
  job->n = n;
  job->m = m;
  job->maxIter = iter_arg(info, 5, "maxIter");
  job->blockSize = iter_arg(info, 6, "blockSize");
  pins = {a.value, b.value, C.value};
  return job;
}

std::unique_ptr<EmdJob> points_job(const Napi::CallbackInfo& info, std::vector<Napi::Value>& pins) {
  Napi::Env env = info.Env();
  FloatArg a = weights_arg(info, 0, "a"), b = weights_arg(info, 1, "b");
  FloatArg x = float_array(info, 2, "x"), y = float_array(info, 3, "y");
  std::size_t n = size_arg(info, 4, "n"), m = size_arg(info, 5, "m"), d = size_arg(info, 6, "d");
  if (n == 0) throw_range(env, "a positive integer", "n", info[4]);
  if (m == 0) throw_range(env, "a positive integer", "m", info[5]);
  double code = number_arg(info, 7, "metric");
  if (code != 0 && code != 1 && code != 2) throw_range(env, "a metric code 0 (sqeuclidean), 1 (euclidean) or 2 (cityblock)", "metric", info[7]);
  expect_same_dtype(env, x, y, "y");
  expect_length(env, a, n, "a");
  expect_length(env, b, m, "b");
  expect_length(env, x, mul_sizes(env, n, d, "x"), "x");
  expect_length(env, y, mul_sizes(env, m, d, "y"), "y");
  auto job = std::make_unique<EmdJob>();
  job->points = true;
  job->a = a.ptr<double>();
  job->b = b.ptr<double>();
  job->x = x.data;
  job->y = y.data;
  job->f32 = x.f32;
  job->n = n;
  job->m = m;
  job->d = d;
  job->metric = static_cast<advect::Metric>(static_cast<int>(code));
  job->maxIter = iter_arg(info, 8, "maxIter");
  job->blockSize = iter_arg(info, 9, "blockSize");
  pins = {a.value, b.value, x.value, y.value};
  return job;
}

Napi::Value Emd(const Napi::CallbackInfo& info) {
  std::vector<Napi::Value> pins;
  auto job = dense_job(info, pins);
  return run_sync(info.Env(), std::move(job));
}
Napi::Value EmdAsync(const Napi::CallbackInfo& info) {
  std::vector<Napi::Value> pins;
  auto job = dense_job(info, pins);
  return run_async(info.Env(), std::move(job), info[7], pins);
}
Napi::Value EmdPoints(const Napi::CallbackInfo& info) {
  std::vector<Napi::Value> pins;
  auto job = points_job(info, pins);
  return run_sync(info.Env(), std::move(job));
}
Napi::Value EmdPointsAsync(const Napi::CallbackInfo& info) {
  std::vector<Napi::Value> pins;
  auto job = points_job(info, pins);
  return run_async(info.Env(), std::move(job), info[10], pins);
}

}  // namespace

void register_emd(Napi::Env env, Napi::Object exports) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("emd", Napi::Function::New(env, Emd, "emd"));
  o.Set("emdAsync", Napi::Function::New(env, EmdAsync, "emdAsync"));
  o.Set("emdPoints", Napi::Function::New(env, EmdPoints, "emdPoints"));
  o.Set("emdPointsAsync", Napi::Function::New(env, EmdPointsAsync, "emdPointsAsync"));
  exports.Set("emd", o);
}

}  // namespace advect_napi
