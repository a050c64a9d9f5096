// Bindings for semi-discrete OT (advect/power_diagram.h, advect/sdot.h). Inputs are copied into
// the baton (so the worker never reads JS memory); results are fresh typed arrays.
//
//   diagram(sites, n, weights, domain, nv, image|null, iw, ih, bounds|null, wantCells) -> DiagramRaw
//   newton(sites, n, masses, weights0|null, domain, nv, image|null, iw, ih, bounds|null, opts)
//   newtonAsync(..., opts, onProgress) -> { promise, cancel }
//   sgd(sites, n, d, masses, kind, a|null, b|null, samples|null, ns, opts)
//   sgdAsync(..., opts, onProgress)
//   lloyd(sites, n, masses, domain, nv, image|null, iw, ih, bounds|null, opts)
//   lloydAsync(..., opts, onProgress)
// Newton opts: { tol, maxIter, cgTol }; sgd opts: { eps, iterations, batch, stepSize, seed };
// lloyd opts: { iterations, tol, maxIter, cgTol }.
// Progress: Newton [iteration, maxRelMassError, step, cgIterations]; SGD [iteration, total, step, 0];
// Lloyd [iteration, maxRelMassError of its solve, max site movement, Newton iterations].
#include <napi.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "advect/sdot.h"
#include "args.h"
#include "job.h"
#include "registry.h"

namespace advect_napi {
namespace {

int opt_int(Napi::Object o, const char* key, double fallback, double lo, double hi) {
  double d = opt_number(o, key, fallback);
  if (d != std::floor(d) || d < lo || d > hi)
    throw_range(o.Env(), "an integer from " + std::to_string(static_cast<long long>(lo)) + " to " + std::to_string(static_cast<long long>(hi)), key, o.Get(key));
  return static_cast<int>(d);
}

Napi::Object opts_arg(const Napi::CallbackInfo& info, std::size_t i) {
  Napi::Value v = info[i];
  if (!v.IsObject()) throw_type(info.Env(), "an options object", "opts", v);
  return v.As<Napi::Object>();
}

std::vector<double> f64(const Napi::CallbackInfo& info, std::size_t i, const char* name, std::size_t len, bool optional = false) {
  FloatArg a = float_array(info, i, name, optional);
  if (!a.present) return {};
  if (a.f32) throw_type(info.Env(), "a Float64Array", name, a.value);
  expect_length(info.Env(), a, len, name);
  return std::vector<double>(a.ptr<double>(), a.ptr<double>() + len);
}

advect::NewtonOptions newton_opts(Napi::Object o) {
  advect::NewtonOptions s;
  s.tol = opt_number(o, "tol", 1e-9);
  if (!(s.tol > 0)) throw_range(o.Env(), "a positive number", "tol", o.Get("tol"));
  s.max_iter = opt_int(o, "maxIter", 50, 0, 1e6);
  s.cg_tol = opt_number(o, "cgTol", 1e-2);
  if (!(s.cg_tol > 0 && s.cg_tol < 1)) throw_range(o.Env(), "a number in (0, 1)", "cgTol", o.Get("cgTol"));
  return s;
}

// The 2-D problem shared by diagram, newton and lloyd.
struct Problem2D {
  std::vector<double> sites, domain, image, bounds;
  std::size_t n = 0, nv = 0, iw = 0, ih = 0;
  advect::Density2D density() const {
    advect::Density2D d;
    if (!image.empty()) {
      d.image = image.data(), d.iw = iw, d.ih = ih;
      d.x0 = bounds[0], d.y0 = bounds[1], d.x1 = bounds[2], d.y1 = bounds[3];
    }
    return d;
  }
};

// Reads (sites, n, <extra>, domain, nv, image, iw, ih, bounds) with sites at index s0 and the
// domain at index dpos.
void read_problem(const Napi::CallbackInfo& info, std::size_t dpos, Problem2D& p) {
  p.n = size_arg(info, 1, "n");
  if (p.n == 0) throw_range(info.Env(), "at least one site", "n", info[1]);
  p.sites = f64(info, 0, "sites", mul_sizes(info.Env(), p.n, 2, "sites"));
  p.nv = size_arg(info, dpos + 1, "nv");
  if (p.nv < 3) throw_range(info.Env(), "at least 3 vertices", "nv", info[dpos + 1]);
  p.domain = f64(info, dpos, "domain", mul_sizes(info.Env(), p.nv, 2, "domain"));
  FloatArg img = float_array(info, dpos + 2, "image", true);
  if (img.present) {
    p.iw = size_arg(info, dpos + 3, "iw");
    p.ih = size_arg(info, dpos + 4, "ih");
    if (p.iw == 0 || p.ih == 0) throw_range(info.Env(), "a non-empty image", "image", info[dpos + 2]);
    p.image = f64(info, dpos + 2, "image", mul_sizes(info.Env(), p.iw, p.ih, "image"));
    p.bounds = f64(info, dpos + 5, "bounds", 4);
  }
}

Napi::Float64Array to_f64(Napi::Env env, const std::vector<double>& v) {
  auto a = Napi::Float64Array::New(env, v.size());
  if (!v.empty()) std::memcpy(a.Data(), v.data(), v.size() * sizeof(double));
  return a;
}

Napi::Int32Array to_i32(Napi::Env env, const std::vector<int32_t>& v) {
  auto a = Napi::Int32Array::New(env, v.size());
  if (!v.empty()) std::memcpy(a.Data(), v.data(), v.size() * sizeof(int32_t));
  return a;
}

Napi::Object diagram_value(Napi::Env env, const advect::PowerDiagramResult& D) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("masses", to_f64(env, D.masses));
  o.Set("areas", to_f64(env, D.areas));
  o.Set("centroids", to_f64(env, D.centroids));
  o.Set("costs", to_f64(env, D.costs));
  o.Set("offsets", to_i32(env, D.offsets));
  o.Set("vertices", to_f64(env, D.vertices));
  o.Set("edgeNeighbors", to_i32(env, D.edge_nb));
  o.Set("edgeI", to_i32(env, D.ei));
  o.Set("edgeJ", to_i32(env, D.ej));
  o.Set("edgeFacet", to_f64(env, D.efacet));
  o.Set("edgeLength", to_f64(env, D.elength));
  return o;
}

Napi::Object newton_value(Napi::Env env, const advect::NewtonResult& r) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("weights", to_f64(env, r.weights));
  o.Set("history", to_f64(env, r.history));
  o.Set("iterations", r.iterations);
  o.Set("cgIterations", r.cg_iterations);
  o.Set("maxRelMassError", r.max_rel_error);
  o.Set("converged", r.converged);
  o.Set("reason", r.reason);
  o.Set("cost", r.cost);
  o.Set("diagram", diagram_value(env, r.diagram));
  return o;
}

// ---- diagram (sync only: one pass) ----
Napi::Value Diagram(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Problem2D p;
  read_problem(info, 3, p);
  std::vector<double> w = f64(info, 2, "weights", p.n);
  advect::PowerDiagramOptions po;
  po.want_cells = !info[9].IsBoolean() || info[9].As<Napi::Boolean>().Value();
  advect::PowerDiagram pd;
  advect::Density2D dens = p.density();
  advect::Status st = pd.init(p.sites.data(), p.n, p.domain.data(), p.nv, dens);
  advect::PowerDiagramResult D;
  if (st.ok()) st = pd.compute(w.data(), po, D);
  if (!st.ok()) throw status_error(env, st);
  return diagram_value(env, D);
}

// ---- newton ----
struct NewtonJob : JobSpec {
  Problem2D p;
  std::vector<double> b, w0;
  advect::NewtonOptions opt;
  advect::NewtonResult res;
  advect::Status run(JobContext& ctx) override {
    advect::PowerDiagram pd;
    advect::Density2D dens = p.density();
    advect::Status st = pd.init(p.sites.data(), p.n, p.domain.data(), p.nv, dens);
    if (!st.ok()) return st;
    advect::SdotProgress prog;
    if (ctx.report) prog = [&ctx](double a, double b2, double c, double d) { ctx.progress(a, b2, c, d); };
    return advect::sdot_newton(pd, b.data(), w0.empty() ? nullptr : w0.data(), opt, ctx.flag(), prog, res);
  }
  Napi::Value result(Napi::Env env) override { return newton_value(env, res); }
};

std::unique_ptr<NewtonJob> newton_job(const Napi::CallbackInfo& info) {
  auto job = std::make_unique<NewtonJob>();
  read_problem(info, 4, job->p);
  job->b = f64(info, 2, "masses", job->p.n);
  job->w0 = f64(info, 3, "weights0", job->p.n, true);
  job->opt = newton_opts(opts_arg(info, 10));
  return job;
}

Napi::Value Newton(const Napi::CallbackInfo& info) { return run_sync(info.Env(), newton_job(info)); }
Napi::Value NewtonAsync(const Napi::CallbackInfo& info) {
  return run_async(info.Env(), newton_job(info), info[11], {});
}

// ---- sgd ----
struct SgdJob : JobSpec {
  std::vector<double> sites, b, samples;
  std::size_t n = 0, d = 0;
  advect::SamplerSpec sampler;
  advect::SgdOptions opt;
  advect::SgdResult res;
  advect::Status run(JobContext& ctx) override {
    if (sampler.kind == advect::SamplerSpec::samples) sampler.data = samples.data();
    advect::SdotProgress prog;
    if (ctx.report) prog = [&ctx](double a, double b2, double c, double e) { ctx.progress(a, b2, c, e); };
    return advect::sdot_sgd(sites.data(), n, d, b.data(), sampler, opt, ctx.flag(), prog, res);
  }
  Napi::Value result(Napi::Env env) override {
    Napi::Object o = Napi::Object::New(env);
    o.Set("weights", to_f64(env, res.weights));
    o.Set("lastWeights", to_f64(env, res.last));
    o.Set("masses", to_f64(env, res.masses));
    o.Set("iterations", res.iterations);
    o.Set("stepSize", res.step);
    return o;
  }
};

std::unique_ptr<SgdJob> sgd_job(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto job = std::make_unique<SgdJob>();
  job->n = size_arg(info, 1, "n");
  job->d = size_arg(info, 2, "d");
  if (job->n == 0) throw_range(env, "at least one site", "n", info[1]);
  if (job->d == 0) throw_range(env, "a positive dimension", "d", info[2]);
  job->sites = f64(info, 0, "sites", mul_sizes(env, job->n, job->d, "sites"));
  job->b = f64(info, 3, "masses", job->n);
  double kind = number_arg(info, 4, "kind");
  if (kind != 0 && kind != 1 && kind != 2) throw_range(env, "a sampler code 0, 1 or 2", "kind", info[4]);
  job->sampler.kind = static_cast<advect::SamplerSpec::Kind>(static_cast<int>(kind));
  if (kind == 2) {
    job->sampler.ns = size_arg(info, 8, "ns");
    if (job->sampler.ns == 0) throw_range(env, "at least one sample", "ns", info[8]);
    job->samples = f64(info, 7, "samples", mul_sizes(env, job->sampler.ns, job->d, "samples"));
  } else {
    job->sampler.a = f64(info, 5, "a", job->d);
    job->sampler.b = f64(info, 6, "b", job->d);
  }
  Napi::Object o = opts_arg(info, 9);
  job->opt.eps = opt_number(o, "eps", 0);
  if (!(job->opt.eps >= 0)) throw_range(env, "a non-negative number", "eps", o.Get("eps"));
  job->opt.iterations = opt_int(o, "iterations", 10000, 1, 2e9);
  job->opt.batch = opt_int(o, "batch", 16, 1, 1e7);
  job->opt.step = opt_number(o, "stepSize", 0);
  if (!(job->opt.step >= 0)) throw_range(env, "a non-negative number", "stepSize", o.Get("stepSize"));
  const double seed = opt_number(o, "seed", 1);
  if (seed != std::floor(seed) || seed < 0 || seed > 4294967295.0) throw_range(env, "an integer from 0 to 4294967295", "seed", o.Get("seed"));
  job->opt.seed = static_cast<uint32_t>(seed);
  return job;
}

Napi::Value Sgd(const Napi::CallbackInfo& info) { return run_sync(info.Env(), sgd_job(info)); }
Napi::Value SgdAsync(const Napi::CallbackInfo& info) { return run_async(info.Env(), sgd_job(info), info[10], {}); }

// ---- lloyd ----
struct LloydJob : JobSpec {
  Problem2D p;
  std::vector<double> b;
  advect::LloydOptions opt;
  advect::LloydResult res;
  advect::Status run(JobContext& ctx) override {
    advect::SdotProgress prog;
    if (ctx.report) prog = [&ctx](double a, double b2, double c, double d) { ctx.progress(a, b2, c, d); };
    return advect::sdot_lloyd(p.sites.data(), p.n, b.data(), p.domain.data(), p.nv, p.density(), opt, ctx.flag(), prog, res);
  }
  Napi::Value result(Napi::Env env) override {
    Napi::Object o = Napi::Object::New(env);
    o.Set("sites", to_f64(env, res.sites));
    o.Set("movement", to_f64(env, res.movement));
    o.Set("iterations", res.iterations);
    o.Set("last", newton_value(env, res.last));
    return o;
  }
};

std::unique_ptr<LloydJob> lloyd_job(const Napi::CallbackInfo& info) {
  auto job = std::make_unique<LloydJob>();
  read_problem(info, 3, job->p);
  job->b = f64(info, 2, "masses", job->p.n);
  Napi::Object o = opts_arg(info, 9);
  job->opt.iterations = opt_int(o, "iterations", 20, 0, 1e6);
  job->opt.newton = newton_opts(o);
  return job;
}

Napi::Value Lloyd(const Napi::CallbackInfo& info) { return run_sync(info.Env(), lloyd_job(info)); }
Napi::Value LloydAsync(const Napi::CallbackInfo& info) { return run_async(info.Env(), lloyd_job(info), info[10], {}); }

}  // namespace

void register_sdot(Napi::Env env, Napi::Object exports) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("diagram", Napi::Function::New(env, Diagram, "diagram"));
  o.Set("newton", Napi::Function::New(env, Newton, "newton"));
  o.Set("newtonAsync", Napi::Function::New(env, NewtonAsync, "newtonAsync"));
  o.Set("sgd", Napi::Function::New(env, Sgd, "sgd"));
  o.Set("sgdAsync", Napi::Function::New(env, SgdAsync, "sgdAsync"));
  o.Set("lloyd", Napi::Function::New(env, Lloyd, "lloyd"));
  o.Set("lloydAsync", Napi::Function::New(env, LloydAsync, "lloydAsync"));
  exports.Set("sdot", o);
}

}  // namespace advect_napi
