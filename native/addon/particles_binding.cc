// Bindings for the particle engine (include/advect/particles.h). The TS layer validates the
// field description and allocates the outputs; this layer re-checks every length and dtype.
//
//   simulate(x0, n, d, weights|null, type, params: Float64Array, arrays: FloatArray[],
//            integrator, dt, steps, t0, record, seed, traj, times: Float64Array, energy|null)
//   simulateAsync(...same..., onProgress) -> { promise, cancel }; progress [step, steps, t, 0]
//   fieldVelocity(x, n, d, weights|null, type, params, arrays, t, out)
//   fieldEnergy(x, n, d, weights|null, type, params, arrays, t) -> number (NaN if none)
#include <napi.h>

#include <cmath>
#include <memory>
#include <new>
#include <vector>

#include "advect/particles.h"
#include "args.h"
#include "job.h"
#include "registry.h"

namespace advect_napi {
namespace {

struct FieldArgs {
  int type = 0;
  std::vector<double> params;
  std::vector<FloatArg> arrays;
  std::vector<Napi::Value> pins;
};

// Reads (type, params, arrays) at info[i..i+2]; arrays share x's dtype.
FieldArgs field_args(const Napi::CallbackInfo& info, std::size_t i, const FloatArg& x) {
  Napi::Env env = info.Env();
  FieldArgs f;
  const double type = number_arg(info, i, "type");
  if (type != std::floor(type) || type < 0 || type > 7) throw_range(env, "a field type code from 0 to 7", "type", info[i]);
  f.type = int(type);
  Napi::Value pv = info[i + 1];
  if (!pv.IsTypedArray() || pv.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
    throw_type(env, "a Float64Array", "params", pv);
  Napi::Float64Array pa = pv.As<Napi::Float64Array>();
  for (std::size_t k = 0; k < pa.ElementLength(); ++k) {
    const double v = pa[k];
    if (!std::isfinite(v)) throw_range(env, "finite parameters", "params", pv);
    f.params.push_back(v);
  }
  f.pins.push_back(pv);
  Napi::Value av = info[i + 2];
  if (!av.IsArray()) throw_type(env, "an array of Float64Array or Float32Array", "arrays", av);
  Napi::Array arr = av.As<Napi::Array>();
  if (arr.Length() > 16) throw_range(env, "at most 16 arrays", "arrays", av);
  for (uint32_t k = 0; k < arr.Length(); ++k) {
    Napi::Value e = arr.Get(k);
    if (!e.IsTypedArray()) throw_type(env, "a Float64Array or Float32Array", "arrays[k]", e);
    auto t = e.As<Napi::TypedArray>();
    if (t.TypedArrayType() != (x.f32 ? napi_float32_array : napi_float64_array))
      throw_type(env, std::string(x.f32 ? "a Float32Array" : "a Float64Array") + " (same dtype as x)", "arrays[k]", e);
    FloatArg a;
    a.f32 = x.f32;
    a.length = t.ElementLength();
    uint8_t* base = static_cast<uint8_t*>(t.ArrayBuffer().Data());
    if (base == nullptr && a.length > 0) throw_type(env, "an attached buffer", "arrays[k]", e);
    a.data = base ? base + t.ByteOffset() : nullptr;
    a.present = true;
    a.value = e;
    f.arrays.push_back(a);
    f.pins.push_back(e);
  }
  return f;
}

template <class T> advect::FieldDesc<T> to_desc(const FieldArgs& f) {
  advect::FieldDesc<T> d;
  d.type = f.type;
  d.params = f.params;
  for (const FloatArg& a : f.arrays) {
    d.arrays.push_back(a.ptr<T>());
    d.lengths.push_back(a.length);
  }
  return d;
}

struct SimulateJob : JobSpec {
  FloatArg x0, w, traj, times, energy;
  std::size_t n = 0, d = 0;
  FieldArgs field;
  advect::SimSpec sim;
  advect::Status run(JobContext& ctx) override {
    const std::size_t every = sim.steps > 200 ? sim.steps / 200 : 1;
    auto progress = [&ctx, every](double s, double S, double t) {
      const std::size_t si = std::size_t(s);
      if (si % every == 0 || s == S) ctx.progress(s, S, t, 0);
    };
    if (x0.f32) {
      auto fd = to_desc<float>(field);
      return advect::simulate(x0.ptr<float>(), n, d, w.ptr<float>(), fd, sim, traj.ptr<float>(), times.ptr<double>(),
                              energy.ptr<double>(), ctx.flag(), progress);
    }
    auto fd = to_desc<double>(field);
    return advect::simulate(x0.ptr<double>(), n, d, w.ptr<double>(), fd, sim, traj.ptr<double>(), times.ptr<double>(),
                            energy.ptr<double>(), ctx.flag(), progress);
  }
  Napi::Value result(Napi::Env env) override { return env.Undefined(); }
};

std::unique_ptr<SimulateJob> simulate_spec(const Napi::CallbackInfo& info, std::vector<Napi::Value>& pins) {
  Napi::Env env = info.Env();
  auto job = std::make_unique<SimulateJob>();
  job->x0 = float_array(info, 0, "x0");
  job->n = size_arg(info, 1, "n");
  job->d = size_arg(info, 2, "d");
  job->w = float_array(info, 3, "weights", true);
  job->field = field_args(info, 4, job->x0);
  const double integ = number_arg(info, 7, "integrator");
  if (integ != std::floor(integ) || integ < 0 || integ > 3) throw_range(env, "an integrator code from 0 to 3", "integrator", info[7]);
  job->sim.integrator = static_cast<advect::Integrator>(int(integ));
  job->sim.dt = number_arg(info, 8, "dt");
  job->sim.steps = size_arg(info, 9, "steps");
  job->sim.t0 = number_arg(info, 10, "t0");
  job->sim.record = size_arg(info, 11, "record");
  const double seed = number_arg(info, 12, "seed");
  if (seed < 0 || seed != std::floor(seed) || seed > 9007199254740991.0) throw_range(env, "a non-negative integer", "seed", info[12]);
  job->sim.seed = static_cast<std::uint64_t>(seed);
  job->traj = float_array(info, 13, "traj");
  job->times = float_array(info, 14, "times");
  job->energy = float_array(info, 15, "energy", true);
  const std::size_t len = mul_sizes(env, job->n, job->d, "x0");
  const std::size_t R = advect::record_count(job->sim.steps, job->sim.record);
  expect_length(env, job->x0, len, "x0");
  expect_length(env, job->w, job->n, "weights");
  expect_same_dtype(env, job->x0, job->w, "weights");
  expect_same_dtype(env, job->x0, job->traj, "traj");
  expect_length(env, job->traj, mul_sizes(env, R, len, "traj"), "traj");
  if (job->times.f32) throw_type(env, "a Float64Array", "times", job->times.value);
  expect_length(env, job->times, R, "times");
  if (job->energy.present && job->energy.f32) throw_type(env, "a Float64Array", "energy", job->energy.value);
  expect_length(env, job->energy, R, "energy");
  if (job->n == 0) throw_range(env, "at least one particle", "n", info[1]);
  pins = job->field.pins;
  for (const FloatArg* a : {&job->x0, &job->w, &job->traj, &job->times, &job->energy})
    if (a->present) pins.push_back(a->value);
  return job;
}

Napi::Value Simulate(const Napi::CallbackInfo& info) {
  std::vector<Napi::Value> pins;
  auto job = simulate_spec(info, pins);
  return run_sync(info.Env(), std::move(job));
}

Napi::Value SimulateAsync(const Napi::CallbackInfo& info) {
  std::vector<Napi::Value> pins;
  auto job = simulate_spec(info, pins);
  return run_async(info.Env(), std::move(job), info[16], pins);
}

struct FieldEval {
  FloatArg x, w;
  std::size_t n, d;
  FieldArgs field;
};

FieldEval field_eval(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  FieldEval e;
  e.x = float_array(info, 0, "x");
  e.n = size_arg(info, 1, "n");
  e.d = size_arg(info, 2, "d");
  e.w = float_array(info, 3, "weights", true);
  e.field = field_args(info, 4, e.x);
  expect_length(env, e.x, mul_sizes(env, e.n, e.d, "x"), "x");
  expect_length(env, e.w, e.n, "weights");
  expect_same_dtype(env, e.x, e.w, "weights");
  if (e.n == 0) throw_range(env, "at least one particle", "n", info[1]);
  return e;
}

template <class T> advect::Status velocity_t(const FieldEval& e, double t, const FloatArg& out) {
  auto fd = to_desc<T>(e.field);
  advect::Status st = advect::check_field(fd, e.n, e.d);
  if (!st.ok()) return st;
  return advect::field_velocity(fd, t, e.x.ptr<T>(), e.n, e.d, e.w.ptr<T>(), out.ptr<T>());
}

Napi::Value FieldVelocity(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  FieldEval e = field_eval(info);
  const double t = number_arg(info, 7, "t");
  FloatArg out = float_array(info, 8, "out");
  expect_same_dtype(env, e.x, out, "out");
  expect_length(env, out, e.n * e.d, "out");
  advect::Status st;
  try {
    st = e.x.f32 ? velocity_t<float>(e, t, out) : velocity_t<double>(e, t, out);
  } catch (const std::bad_alloc&) {
    st = advect::Status::Error(advect::Code::too_large, "Out of memory while evaluating the field");
  }
  if (!st.ok()) throw status_error(env, st);
  return env.Undefined();
}

template <class T> double energy_t(const FieldEval& e, double t, advect::Status& st) {
  auto fd = to_desc<T>(e.field);
  st = advect::check_field(fd, e.n, e.d);
  if (!st.ok()) return 0;
  return advect::field_energy(fd, t, e.x.ptr<T>(), e.n, e.d, e.w.ptr<T>());
}

Napi::Value FieldEnergy(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  FieldEval e = field_eval(info);
  const double t = number_arg(info, 7, "t");
  advect::Status st;
  double v = 0;
  try {
    v = e.x.f32 ? energy_t<float>(e, t, st) : energy_t<double>(e, t, st);
  } catch (const std::bad_alloc&) {
    st = advect::Status::Error(advect::Code::too_large, "Out of memory while evaluating the field energy");
  }
  if (!st.ok()) throw status_error(env, st);
  return Napi::Number::New(env, v);
}

// philoxNormals(seed, step, count) -> Float64Array (the engine's noise, for parity tests)
Napi::Value PhiloxNormals(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const double seed = number_arg(info, 0, "seed");
  const std::size_t step = size_arg(info, 1, "step"), count = size_arg(info, 2, "count");
  if (count > (1u << 24)) throw_range(env, "at most 2^24", "count", info[2]);
  Napi::Float64Array out = Napi::Float64Array::New(env, count);
  for (std::size_t e = 0; e < count; ++e) out[e] = advect::philox_normal(std::uint64_t(seed), step, e);
  return out;
}

}  // namespace

void register_particles(Napi::Env env, Napi::Object exports) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("simulate", Napi::Function::New(env, Simulate, "simulate"));
  o.Set("simulateAsync", Napi::Function::New(env, SimulateAsync, "simulateAsync"));
  o.Set("fieldVelocity", Napi::Function::New(env, FieldVelocity, "fieldVelocity"));
  o.Set("fieldEnergy", Napi::Function::New(env, FieldEnergy, "fieldEnergy"));
  o.Set("philoxNormals", Napi::Function::New(env, PhiloxNormals, "philoxNormals"));
  exports.Set("particles", o);
}

}  // namespace advect_napi
