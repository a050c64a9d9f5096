// Bindings for the engine kernels: dist, dense/online log-sum-exp, online softmax sum, exp.
// Outputs are caller-supplied typed arrays (the TS layer allocates them, after its size guard).
#include <napi.h>

#include "advect/kernels.h"
#include "args.h"
#include "registry.h"

namespace advect_napi {
namespace {

using advect::MetricSpec;

// expArray(x, out)
Napi::Value ExpArray(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  FloatArg x = float_array(info, 0, "x"), out = float_array(info, 1, "out");
  expect_same_dtype(env, x, out, "out");
  expect_length(env, out, x.length, "out");
  if (x.f32) advect::exp_array(x.ptr<float>(), x.length, out.ptr<float>());
  else advect::exp_array(x.ptr<double>(), x.length, out.ptr<double>());
  return env.Undefined();
}

// sum(x) -> number
Napi::Value Sum(const Napi::CallbackInfo& info) {
  FloatArg x = float_array(info, 0, "x");
  double s = x.f32 ? advect::sum(x.ptr<float>(), x.length) : advect::sum(x.ptr<double>(), x.length);
  return Napi::Number::New(info.Env(), s);
}

// firstNonFinite(x) -> index of the first NaN/±inf, or -1
Napi::Value FirstNonFinite(const Napi::CallbackInfo& info) {
  FloatArg x = float_array(info, 0, "x");
  std::size_t k = x.f32 ? advect::first_non_finite(x.ptr<float>(), x.length)
                        : advect::first_non_finite(x.ptr<double>(), x.length);
  return Napi::Number::New(info.Env(), k == x.length ? -1.0 : double(k));
}

// dist(x, n, y, m, d, metric, p, out)
Napi::Value Dist(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  FloatArg x = float_array(info, 0, "x");
  std::size_t n = size_arg(info, 1, "n");
  FloatArg y = float_array(info, 2, "y");
  std::size_t m = size_arg(info, 3, "m"), d = size_arg(info, 4, "d");
  MetricSpec ms = metric_arg(info, 5, 6);
  FloatArg out = float_array(info, 7, "out");
  expect_same_dtype(env, x, y, "y");
  expect_same_dtype(env, x, out, "out");
  expect_length(env, x, mul_sizes(env, n, d, "x"), "x");
  expect_length(env, y, mul_sizes(env, m, d, "y"), "y");
  expect_length(env, out, mul_sizes(env, n, m, "out"), "out");
  if (x.f32) advect::dist(x.ptr<float>(), n, y.ptr<float>(), m, d, ms, out.ptr<float>());
  else advect::dist(x.ptr<double>(), n, y.ptr<double>(), m, d, ms, out.ptr<double>());
  return env.Undefined();
}

// lseDense(C, n, m, alpha|null, beta|null, eps, axis, out): axis 1 = over j (rows), 0 = over i (cols)
Napi::Value LseDense(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  FloatArg C = float_array(info, 0, "C");
  std::size_t n = size_arg(info, 1, "n"), m = size_arg(info, 2, "m");
  FloatArg alpha = float_array(info, 3, "alpha", true), beta = float_array(info, 4, "beta", true);
  double eps = positive_arg(info, 5, "eps");
  double axis = number_arg(info, 6, "axis");
  FloatArg out = float_array(info, 7, "out");
  expect_length(env, C, mul_sizes(env, n, m, "C"), "C");
  expect_length(env, alpha, n, "alpha");
  expect_length(env, beta, m, "beta");
  expect_length(env, out, axis == 1 ? n : m, "out");
  for (const FloatArg* a : {&alpha, &beta, &out}) expect_same_dtype(env, C, *a, "alpha/beta/out");
  const bool rows = axis == 1;
  if (C.f32) {
    auto f = rows ? &advect::lse_dense_rows<float> : &advect::lse_dense_cols<float>;
    f(C.ptr<float>(), n, m, alpha.ptr<float>(), beta.ptr<float>(), eps, out.ptr<float>());
  } else {
    auto f = rows ? &advect::lse_dense_rows<double> : &advect::lse_dense_cols<double>;
    f(C.ptr<double>(), n, m, alpha.ptr<double>(), beta.ptr<double>(), eps, out.ptr<double>());
  }
  return env.Undefined();
}

// lseOnline(x, n, y, m, d, metric, p, alpha|null, beta|null, eps, axis, out)
Napi::Value LseOnline(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  FloatArg x = float_array(info, 0, "x");
  std::size_t n = size_arg(info, 1, "n");
  FloatArg y = float_array(info, 2, "y");
  std::size_t m = size_arg(info, 3, "m"), d = size_arg(info, 4, "d");
  MetricSpec ms = metric_arg(info, 5, 6);
  FloatArg alpha = float_array(info, 7, "alpha", true), beta = float_array(info, 8, "beta", true);
  double eps = positive_arg(info, 9, "eps");
  double axis = number_arg(info, 10, "axis");
  FloatArg out = float_array(info, 11, "out");
  expect_length(env, x, mul_sizes(env, n, d, "x"), "x");
  expect_length(env, y, mul_sizes(env, m, d, "y"), "y");
  expect_length(env, alpha, n, "alpha");
  expect_length(env, beta, m, "beta");
  const bool rows = axis == 1;
  expect_length(env, out, rows ? n : m, "out");
  for (const FloatArg* a : {&y, &alpha, &beta, &out}) expect_same_dtype(env, x, *a, "y/alpha/beta/out");
  if (x.f32) {
    auto f = rows ? &advect::lse_online_rows<float> : &advect::lse_online_cols<float>;
    f(x.ptr<float>(), n, y.ptr<float>(), m, d, ms, alpha.ptr<float>(), beta.ptr<float>(), eps, out.ptr<float>());
  } else {
    auto f = rows ? &advect::lse_online_rows<double> : &advect::lse_online_cols<double>;
    f(x.ptr<double>(), n, y.ptr<double>(), m, d, ms, alpha.ptr<double>(), beta.ptr<double>(), eps, out.ptr<double>());
  }
  return env.Undefined();
}

// softmaxSum(x, n, y, m, d, kind, metric, p, eps, scale, beta|null, V, dv, out, lse|null)
Napi::Value SoftmaxSum(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  FloatArg x = float_array(info, 0, "x");
  std::size_t n = size_arg(info, 1, "n");
  FloatArg y = float_array(info, 2, "y");
  std::size_t m = size_arg(info, 3, "m"), d = size_arg(info, 4, "d");
  double kind = number_arg(info, 5, "kind");
  if (kind != 0 && kind != 1) throw_range(env, "0 (cost) or 1 (dot)", "kind", info[5]);
  advect::ScoreSpec sc;
  sc.kind = kind == 0 ? advect::ScoreSpec::cost : advect::ScoreSpec::dot;
  sc.metric = metric_arg(info, 6, 7);
  sc.eps = positive_arg(info, 8, "eps");
  sc.scale = number_arg(info, 9, "scale");
  FloatArg beta = float_array(info, 10, "beta", true);
  FloatArg V = float_array(info, 11, "V");
  std::size_t dv = size_arg(info, 12, "dv");
  FloatArg out = float_array(info, 13, "out");
  FloatArg lse = float_array(info, 14, "lse", true);
  expect_length(env, x, mul_sizes(env, n, d, "x"), "x");
  expect_length(env, y, mul_sizes(env, m, d, "y"), "y");
  expect_length(env, beta, m, "beta");
  expect_length(env, V, mul_sizes(env, m, dv, "V"), "V");
  expect_length(env, out, mul_sizes(env, n, dv, "out"), "out");
  expect_length(env, lse, n, "lse");
  for (const FloatArg* a : {&y, &beta, &V, &out, &lse}) expect_same_dtype(env, x, *a, "y/beta/V/out/lse");
  if (x.f32)
    advect::softmax_sum_online(x.ptr<float>(), n, y.ptr<float>(), m, d, sc, beta.ptr<float>(), V.ptr<float>(), dv,
                               out.ptr<float>(), lse.ptr<float>());
  else
    advect::softmax_sum_online(x.ptr<double>(), n, y.ptr<double>(), m, d, sc, beta.ptr<double>(), V.ptr<double>(), dv,
                               out.ptr<double>(), lse.ptr<double>());
  return env.Undefined();
}

}  // namespace

void register_core(Napi::Env env, Napi::Object exports) {
  Napi::Object core = Napi::Object::New(env);
  core.Set("expArray", Napi::Function::New(env, ExpArray, "expArray"));
  core.Set("sum", Napi::Function::New(env, Sum, "sum"));
  core.Set("firstNonFinite", Napi::Function::New(env, FirstNonFinite, "firstNonFinite"));
  core.Set("dist", Napi::Function::New(env, Dist, "dist"));
  core.Set("lseDense", Napi::Function::New(env, LseDense, "lseDense"));
  core.Set("lseOnline", Napi::Function::New(env, LseOnline, "lseOnline"));
  core.Set("softmaxSum", Napi::Function::New(env, SoftmaxSum, "softmaxSum"));
  exports.Set("core", core);
}

}  // namespace advect_napi
