// Bindings for the Sinkhorn solvers (advect/sinkhorn.h): dense and online, sync and async.
// Outputs (f, g, plan) are caller-allocated typed arrays (the TS layer sizes them after its
// memory guard); the async forms pin inputs and outputs until the job settles.
//
//   dense(C, n, m, a, b, opts, f, g, plan|null)                    -> info
//   denseAsync(C, n, m, a, b, opts, f, g, plan|null, onProgress)   -> { promise, cancel }
//   online(x, n, y, m, d, metric, p, a, b, opts, f, g)             -> info
//   onlineAsync(x, n, y, m, d, metric, p, a, b, opts, f, g, onProgress)
// opts: { method, reg, tol, maxIter, checkEvery, strict, norm, tau, eps0, epsDecay, stageIter,
//         warm, budget } (numbers/booleans; method codes as in SinkhornMethod).
// info: { iterations, marginalError, converged, method, fellBack, cost, value, planSum }.
// Progress: [iteration, last checked marginal error, eps, 0], at most every 10 ms plus the last.
#include <napi.h>

#include <chrono>
#include <cmath>
#include <memory>

#include "advect/sinkhorn.h"
#include "args.h"
#include "job.h"
#include "registry.h"

namespace advect_napi {
namespace {

using advect::SinkhornInfo;
using advect::SinkhornMethod;
using advect::SinkhornOptions;

std::size_t opt_count(Napi::Object o, const char* key, double fallback) {
  double d = opt_number(o, key, fallback);
  if (!(d >= 0) || d != std::floor(d) || d > 1e15) throw_range(o.Env(), "a non-negative integer", key, o.Get(key));
  return static_cast<std::size_t>(d);
}

SinkhornOptions options_arg(const Napi::CallbackInfo& info, std::size_t i) {
  Napi::Value v = info[i];
  if (!v.IsObject()) throw_type(info.Env(), "an options object", "opts", v);
  Napi::Object o = v.As<Napi::Object>();
  SinkhornOptions s;
  double method = opt_number(o, "method", 0);
  if (method != std::floor(method) || method < 0 || method > 4) throw_range(info.Env(), "a method code from 0 to 4", "method", o.Get("method"));
  s.method = static_cast<SinkhornMethod>(static_cast<int>(method));
  s.reg = opt_number(o, "reg", 1);
  if (!(s.reg > 0) || !std::isfinite(s.reg)) throw_range(info.Env(), "a positive finite number", "reg", o.Get("reg"));
  s.tol = opt_number(o, "tol", 1e-9);
  if (!(s.tol >= 0)) throw_range(info.Env(), "a non-negative number", "tol", o.Get("tol"));
  s.max_iter = opt_count(o, "maxIter", 1000);
  s.check_every = opt_count(o, "checkEvery", 10);
  if (s.check_every == 0) throw_range(info.Env(), "a positive integer", "checkEvery", o.Get("checkEvery"));
  s.strict = !o.Get("strict").IsBoolean() || o.Get("strict").As<Napi::Boolean>().Value();
  double norm = opt_number(o, "norm", 2);
  if (norm != 1 && norm != 2) throw_range(info.Env(), "1 or 2", "norm", o.Get("norm"));
  s.norm = static_cast<int>(norm);
  s.tau = opt_number(o, "tau", 1e3);
  s.eps0 = opt_number(o, "eps0", 0);
  s.eps_decay = opt_number(o, "epsDecay", 0.5);
  if (!(s.eps_decay > 0 && s.eps_decay < 1)) throw_range(info.Env(), "a number in (0, 1)", "epsDecay", o.Get("epsDecay"));
  s.stage_iter = opt_count(o, "stageIter", 10);
  s.warm = o.Get("warm").IsBoolean() && o.Get("warm").As<Napi::Boolean>().Value();
  s.budget_bytes = opt_number(o, "budget", 0);
  return s;
}

Napi::Value info_object(Napi::Env env, const SinkhornInfo& s) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("iterations", Napi::Number::New(env, double(s.iterations)));
  o.Set("marginalError", Napi::Number::New(env, s.err));
  o.Set("converged", Napi::Boolean::New(env, s.converged));
  o.Set("method", Napi::Number::New(env, static_cast<int>(s.used)));
  o.Set("fellBack", Napi::Boolean::New(env, s.fell_back));
  o.Set("cost", Napi::Number::New(env, s.cost));
  o.Set("value", Napi::Number::New(env, s.value));
  o.Set("planSum", Napi::Number::New(env, s.plan_sum));
  return o;
}

// Throttled progress forwarder.
struct Throttle {
  std::chrono::steady_clock::time_point last{};
  bool any = false;
  bool due() {
    auto now = std::chrono::steady_clock::now();
    if (any && now - last < std::chrono::milliseconds(10)) return false;
    any = true;
    last = now;
    return true;
  }
};

struct DenseJob : JobSpec {
  FloatArg C, a, b, f, g, plan;
  std::size_t n = 0, m = 0;
  SinkhornOptions opt;
  SinkhornInfo out;
  Throttle th;
  advect::Status run(JobContext& ctx) override {
    advect::SinkhornProgress prog;
    if (ctx.report) prog = [&](std::size_t it, double err, double eps) {
      if (th.due()) ctx.progress(double(it), err, eps, 0);
    };
    advect::Status st;
    if (C.f32)
      st = advect::sinkhorn_dense(C.ptr<float>(), n, m, a.ptr<float>(), b.ptr<float>(), opt, f.ptr<float>(),
                                  g.ptr<float>(), plan.ptr<float>(), &out, ctx.flag(), prog);
    else
      st = advect::sinkhorn_dense(C.ptr<double>(), n, m, a.ptr<double>(), b.ptr<double>(), opt, f.ptr<double>(),
                                  g.ptr<double>(), plan.ptr<double>(), &out, ctx.flag(), prog);
    if (st.ok() && ctx.report) ctx.progress(double(out.iterations), out.err, opt.reg, 1);
    return st;
  }
  Napi::Value result(Napi::Env env) override { return info_object(env, out); }
};

std::unique_ptr<DenseJob> dense_job(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto job = std::make_unique<DenseJob>();
  job->C = float_array(info, 0, "C");
  job->n = size_arg(info, 1, "n");
  job->m = size_arg(info, 2, "m");
  job->a = float_array(info, 3, "a");
  job->b = float_array(info, 4, "b");
  job->opt = options_arg(info, 5);
  job->f = float_array(info, 6, "f");
  job->g = float_array(info, 7, "g");
  job->plan = float_array(info, 8, "plan", true);
  if (job->n == 0 || job->m == 0) throw_range(env, "a positive integer", job->n == 0 ? "n" : "m", info[job->n == 0 ? 1 : 2]);
  expect_length(env, job->C, mul_sizes(env, job->n, job->m, "C"), "C");
  expect_length(env, job->a, job->n, "a");
  expect_length(env, job->b, job->m, "b");
  expect_length(env, job->f, job->n, "f");
  expect_length(env, job->g, job->m, "g");
  expect_length(env, job->plan, job->n * job->m, "plan");
  for (const FloatArg* x : {&job->a, &job->b, &job->f, &job->g, &job->plan}) expect_same_dtype(env, job->C, *x, "a/b/f/g/plan");
  if (job->opt.method == SinkhornMethod::online) throw_range(env, "a dense method (0 to 3)", "method", Napi::Number::New(env, 4));
  return job;
}

Napi::Value Dense(const Napi::CallbackInfo& info) { return run_sync(info.Env(), dense_job(info)); }

Napi::Value DenseAsync(const Napi::CallbackInfo& info) {
  auto job = dense_job(info);
  std::vector<Napi::Value> pins{job->C.value, job->a.value, job->b.value, job->f.value, job->g.value, job->plan.value};
  return run_async(info.Env(), std::move(job), info[9], pins);
}

struct OnlineJob : JobSpec {
  FloatArg x, y, a, b, f, g;
  std::size_t n = 0, m = 0, d = 0;
  advect::MetricSpec ms;
  SinkhornOptions opt;
  SinkhornInfo out;
  Throttle th;
  advect::Status run(JobContext& ctx) override {
    advect::SinkhornProgress prog;
    if (ctx.report) prog = [&](std::size_t it, double err, double eps) {
      if (th.due()) ctx.progress(double(it), err, eps, 0);
    };
    advect::Status st;
    if (x.f32)
      st = advect::sinkhorn_online(x.ptr<float>(), n, y.ptr<float>(), m, d, ms, a.ptr<float>(), b.ptr<float>(), opt,
                                   f.ptr<float>(), g.ptr<float>(), &out, ctx.flag(), prog);
    else
      st = advect::sinkhorn_online(x.ptr<double>(), n, y.ptr<double>(), m, d, ms, a.ptr<double>(), b.ptr<double>(),
                                   opt, f.ptr<double>(), g.ptr<double>(), &out, ctx.flag(), prog);
    if (st.ok() && ctx.report) ctx.progress(double(out.iterations), out.err, opt.reg, 1);
    return st;
  }
  Napi::Value result(Napi::Env env) override { return info_object(env, out); }
};

std::unique_ptr<OnlineJob> online_job(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto job = std::make_unique<OnlineJob>();
  job->x = float_array(info, 0, "x");
  job->n = size_arg(info, 1, "n");
  job->y = float_array(info, 2, "y");
  job->m = size_arg(info, 3, "m");
  job->d = size_arg(info, 4, "d");
  job->ms = metric_arg(info, 5, 6);
  job->a = float_array(info, 7, "a");
  job->b = float_array(info, 8, "b");
  job->opt = options_arg(info, 9);
  job->f = float_array(info, 10, "f");
  job->g = float_array(info, 11, "g");
  if (job->n == 0 || job->m == 0) throw_range(env, "a positive integer", job->n == 0 ? "n" : "m", info[job->n == 0 ? 1 : 3]);
  expect_length(env, job->x, mul_sizes(env, job->n, job->d, "x"), "x");
  expect_length(env, job->y, mul_sizes(env, job->m, job->d, "y"), "y");
  expect_length(env, job->a, job->n, "a");
  expect_length(env, job->b, job->m, "b");
  expect_length(env, job->f, job->n, "f");
  expect_length(env, job->g, job->m, "g");
  for (const FloatArg* v : {&job->y, &job->a, &job->b, &job->f, &job->g}) expect_same_dtype(env, job->x, *v, "y/a/b/f/g");
  return job;
}

Napi::Value Online(const Napi::CallbackInfo& info) { return run_sync(info.Env(), online_job(info)); }

Napi::Value OnlineAsync(const Napi::CallbackInfo& info) {
  auto job = online_job(info);
  std::vector<Napi::Value> pins{job->x.value, job->y.value, job->a.value, job->b.value, job->f.value, job->g.value};
  return run_async(info.Env(), std::move(job), info[12], pins);
}

}  // namespace

void register_sinkhorn(Napi::Env env, Napi::Object exports) {
  Napi::Object s = Napi::Object::New(env);
  s.Set("dense", Napi::Function::New(env, Dense, "dense"));
  s.Set("denseAsync", Napi::Function::New(env, DenseAsync, "denseAsync"));
  s.Set("online", Napi::Function::New(env, Online, "online"));
  s.Set("onlineAsync", Napi::Function::New(env, OnlineAsync, "onlineAsync"));
  exports.Set("sinkhorn", s);
}

}  // namespace advect_napi
