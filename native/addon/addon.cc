// Addon entry: engine introspection plus each family's registration (registry.h).
#include <napi.h>

#include <cmath>

#include "advect/parallel.h"
#include "advect/simd_level.h"
#include "args.h"
#include "registry.h"

namespace advect_napi {
namespace {

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("simd", advect::level_name(advect::active_level()));
  o.Set("simdDetected", advect::level_name(advect::detected_level()));
  Napi::Array compiled = Napi::Array::New(env);
  uint32_t k = 0;
  for (int l = 0; l <= 2; ++l)
    if (advect::compiled_levels_mask() & (1u << l))
      compiled.Set(k++, advect::level_name(static_cast<advect::SimdLevel>(l)));
  o.Set("simdCompiled", compiled);
  o.Set("openmp", advect::openmp_enabled());
  o.Set("threads", advect::max_threads());
  o.Set("hardwareThreads", advect::hardware_threads());
  o.Set("napi", NAPI_VERSION);
#if defined(__clang__)
  o.Set("compiler", "clang " __clang_version__);
#elif defined(__GNUC__)
  o.Set("compiler", "gcc " __VERSION__);
#endif
  return o;
}

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  double n = number_arg(info, 0, "threads");
  if (!(n >= 0 && n <= 1024) || n != std::floor(n)) throw_range(info.Env(), "an integer from 0 to 1024", "threads", info[0]);
  advect::set_max_threads(static_cast<int>(n));
  return Napi::Number::New(info.Env(), advect::max_threads());
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("info", Napi::Function::New(env, Info, "info"));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads, "setThreads"));
  register_core(env, exports);
  register_sinkhorn(env, exports);
  register_emd(env, exports);
  register_exact(env, exports);
  register_particles(env, exports);
  register_sdot(env, exports);
  return exports;
}

}  // namespace
}  // namespace advect_napi

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return advect_napi::Init(env, exports); }

NODE_API_MODULE(advect, InitAddon)
