// Bindings for 1-D exact OT and sliced Wasserstein (advect/exact.h): exports.exact = { w1d, sliced }.
//   w1d(u, uw|null, v, vw|null, p) -> W_p^p                 (all Float64Array)
//   sliced(xs, n, xt, m, d, P, K, a|null, b|null, p, out)   xs, xt Float64Array or Float32Array (same);
//                                                           P (d×K), a, b, out (K) Float64Array
#include <napi.h>

#include <cmath>

#include "advect/exact.h"
#include "args.h"
#include "registry.h"

namespace advect_napi {
namespace {

FloatArg f64(const Napi::CallbackInfo& info, std::size_t i, const char* name, bool optional = false) {
  FloatArg a = float_array(info, i, name, optional);
  if (a.present && a.f32) throw_type(info.Env(), "a Float64Array", name, a.value);
  return a;
}

void check_weights(Napi::Env env, const FloatArg& w, const char* name) {
  if (!w.present) return;
  const double* p = w.ptr<double>();
  double s = 0;
  for (std::size_t k = 0; k < w.length; ++k) {
    if (!(p[k] >= 0) || !std::isfinite(p[k])) throw_range(env, "non-negative finite weights", name, w.value);
    s += p[k];
  }
  if (!(s > 0)) throw_range(env, "weights with a positive total", name, w.value);
}

double exponent(const Napi::CallbackInfo& info, std::size_t i) {
  double p = number_arg(info, i, "p");
  if (!(p > 0)) throw_range(info.Env(), "p > 0", "p", info[i]);
  return p;
}

Napi::Value W1d(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  FloatArg u = f64(info, 0, "u"), uw = f64(info, 1, "uw", true), v = f64(info, 2, "v"), vw = f64(info, 3, "vw", true);
  double p = exponent(info, 4);
  if (u.length == 0) throw_range(env, "at least one value", "u", u.value);
  if (v.length == 0) throw_range(env, "at least one value", "v", v.value);
  if (u.length > 0xffffffffu || v.length > 0xffffffffu) throw_range(env, "at most 2^32 - 1 values", "u/v", u.value);
  expect_length(env, uw, u.length, "uw");
  expect_length(env, vw, v.length, "vw");
  check_weights(env, uw, "uw");
  check_weights(env, vw, "vw");
  return Napi::Number::New(env, advect::w1d(u.ptr<double>(), u.length, uw.present ? uw.ptr<double>() : nullptr, v.ptr<double>(),
                                            v.length, vw.present ? vw.ptr<double>() : nullptr, p));
}

Napi::Value Sliced(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  FloatArg xs = float_array(info, 0, "xs");
  std::size_t n = size_arg(info, 1, "n");
  FloatArg xt = float_array(info, 2, "xt");
  std::size_t m = size_arg(info, 3, "m"), d = size_arg(info, 4, "d");
  FloatArg P = f64(info, 5, "P");
  std::size_t K = size_arg(info, 6, "K");
  FloatArg a = f64(info, 7, "a", true), b = f64(info, 8, "b", true);
  double p = exponent(info, 9);
  FloatArg out = f64(info, 10, "out");
  if (n == 0) throw_range(env, "a positive integer", "n", info[1]);
  if (m == 0) throw_range(env, "a positive integer", "m", info[3]);
  if (n > 0xffffffffu || m > 0xffffffffu) throw_range(env, "at most 2^32 - 1 points", "n/m", info[1]);
  expect_same_dtype(env, xs, xt, "xt");
  expect_length(env, xs, mul_sizes(env, n, d, "xs"), "xs");
  expect_length(env, xt, mul_sizes(env, m, d, "xt"), "xt");
  expect_length(env, P, mul_sizes(env, d, K, "P"), "P");
  expect_length(env, a, n, "a");
  expect_length(env, b, m, "b");
  expect_length(env, out, K, "out");
  check_weights(env, a, "a");
  check_weights(env, b, "b");
  const double* ap = a.present ? a.ptr<double>() : nullptr;
  const double* bp = b.present ? b.ptr<double>() : nullptr;
  if (xs.f32) advect::sliced_emds(xs.ptr<float>(), n, xt.ptr<float>(), m, d, P.ptr<double>(), K, ap, bp, p, out.ptr<double>());
  else advect::sliced_emds(xs.ptr<double>(), n, xt.ptr<double>(), m, d, P.ptr<double>(), K, ap, bp, p, out.ptr<double>());
  return env.Undefined();
}

}  // namespace

void register_exact(Napi::Env env, Napi::Object exports) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("w1d", Napi::Function::New(env, W1d, "w1d"));
  o.Set("sliced", Napi::Function::New(env, Sliced, "sliced"));
  exports.Set("exact", o);
}

}  // namespace advect_napi
