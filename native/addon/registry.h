// Each op family registers its functions on its own sub-object of the addon's exports
// (exports.core, exports.sinkhorn, ...). Add one line here and one in addon.cc per family.
#pragma once
#include <napi.h>

namespace advect_napi {
void register_core(Napi::Env env, Napi::Object exports);
void register_emd(Napi::Env env, Napi::Object exports);
void register_exact(Napi::Env env, Napi::Object exports);
void register_particles(Napi::Env env, Napi::Object exports);
void register_sinkhorn(Napi::Env env, Napi::Object exports);
void register_sdot(Napi::Env env, Napi::Object exports);
}  // namespace advect_napi
