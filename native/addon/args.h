// Argument helpers for the N-API layer. Every native entry point validates here before it
// touches memory; violations throw TypeError/RangeError with the project's message shape
// ("Expected <what> for <name> but received <value>"). The TS facade validates first, so these
// only fire for direct misuse of the addon, but they make the addon itself crash-proof.
#pragma once
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "advect/kernels.h"

namespace advect_napi {

inline std::string received(const Napi::Value& v) {
  if (v.IsUndefined()) return "undefined";
  if (v.IsNull()) return "null";
  if (v.IsNumber()) {
    double d = v.As<Napi::Number>().DoubleValue();
    if (std::isnan(d)) return "NaN";
    std::string s = std::to_string(d);
    return s;
  }
  if (v.IsBoolean()) return v.As<Napi::Boolean>().Value() ? "true" : "false";
  if (v.IsString()) return "a string";
  if (v.IsTypedArray()) {
    auto t = v.As<Napi::TypedArray>();
    const char* kind = t.TypedArrayType() == napi_float64_array   ? "Float64Array"
                       : t.TypedArrayType() == napi_float32_array ? "Float32Array"
                                                                  : "another TypedArray";
    return std::string(kind) + "(" + std::to_string(t.ElementLength()) + ")";
  }
  if (v.IsArray()) return "an array";
  if (v.IsFunction()) return "a function";
  return "an object";
}

[[noreturn]] inline void throw_type(Napi::Env env, const std::string& what, const char* name, const Napi::Value& v) {
  throw Napi::TypeError::New(env, "Expected " + what + " for " + name + " but received " + received(v));
}
[[noreturn]] inline void throw_range(Napi::Env env, const std::string& what, const char* name, const Napi::Value& v) {
  throw Napi::RangeError::New(env, "Expected " + what + " for " + name + " but received " + received(v));
}

// A float array argument: a Float64Array or Float32Array, not detached, of an exact length.
struct FloatArg {
  void* data = nullptr;
  std::size_t length = 0;
  bool f32 = false;
  bool present = false;
  Napi::Value value;
  template <class T> T* ptr() const { return static_cast<T*>(data); }
};

inline FloatArg float_array(const Napi::CallbackInfo& info, std::size_t i, const char* name, bool optional = false) {
  Napi::Env env = info.Env();
  FloatArg a;
  Napi::Value v = info[i];
  a.value = v;
  if (optional && (v.IsUndefined() || v.IsNull())) return a;
  if (!v.IsTypedArray()) throw_type(env, "a Float64Array or Float32Array", name, v);
  auto t = v.As<Napi::TypedArray>();
  if (t.TypedArrayType() != napi_float64_array && t.TypedArrayType() != napi_float32_array)
    throw_type(env, "a Float64Array or Float32Array", name, v);
  a.f32 = t.TypedArrayType() == napi_float32_array;
  a.length = t.ElementLength();
  Napi::ArrayBuffer buf = t.ArrayBuffer();
  uint8_t* base = static_cast<uint8_t*>(buf.Data());
  if (base == nullptr && a.length > 0) throw_type(env, "an attached buffer", name, v);
  a.data = base ? base + t.ByteOffset() : nullptr;
  a.present = true;
  return a;
}

inline void expect_length(Napi::Env env, const FloatArg& a, std::size_t n, const char* name) {
  if (a.present && a.length != n)
    throw_range(env, "length " + std::to_string(n), name, a.value);
}

inline void expect_same_dtype(Napi::Env env, const FloatArg& ref, const FloatArg& a, const char* name) {
  if (a.present && a.f32 != ref.f32)
    throw_type(env, std::string(ref.f32 ? "a Float32Array" : "a Float64Array") + " (same dtype as the first array)", name, a.value);
}

// A non-negative integer size; guards against overflow of products later (each size < 2^40).
inline std::size_t size_arg(const Napi::CallbackInfo& info, std::size_t i, const char* name) {
  Napi::Value v = info[i];
  if (!v.IsNumber()) throw_type(info.Env(), "a non-negative integer", name, v);
  double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 0) || d != std::floor(d) || d > 1099511627776.0) throw_range(info.Env(), "a non-negative integer", name, v);
  return static_cast<std::size_t>(d);
}

inline double number_arg(const Napi::CallbackInfo& info, std::size_t i, const char* name) {
  Napi::Value v = info[i];
  if (!v.IsNumber()) throw_type(info.Env(), "a number", name, v);
  double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d)) throw_range(info.Env(), "a finite number", name, v);
  return d;
}

inline double positive_arg(const Napi::CallbackInfo& info, std::size_t i, const char* name) {
  double d = number_arg(info, i, name);
  if (!(d > 0)) throw_range(info.Env(), "a positive number", name, info[i]);
  return d;
}

// Checked product of sizes (throws RangeError on overflow past 2^53).
inline std::size_t mul_sizes(Napi::Env env, std::size_t a, std::size_t b, const char* name) {
  if (a != 0 && b > (std::size_t(1) << 53) / a)
    throw Napi::RangeError::New(env, std::string("Expected sizes whose product fits in memory for ") + name);
  return a * b;
}

// An optional finite number in an options object (undefined gives the fallback).
inline double opt_number(Napi::Object o, const char* key, double fallback) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined()) return fallback;
  if (!v.IsNumber()) throw_type(o.Env(), "a number", key, v);
  double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d)) throw_range(o.Env(), "a finite number", key, v);
  return d;
}

// A metric code (0..4, advect::Metric) at argument i and its Minkowski exponent at argument pi.
inline advect::MetricSpec metric_arg(const Napi::CallbackInfo& info, std::size_t i, std::size_t pi) {
  double code = number_arg(info, i, "metric");
  if (code != std::floor(code) || code < 0 || code > 4) throw_range(info.Env(), "a metric code from 0 to 4", "metric", info[i]);
  advect::MetricSpec ms;
  ms.metric = static_cast<advect::Metric>(static_cast<int>(code));
  ms.p = number_arg(info, pi, "p");
  if (ms.metric == advect::Metric::minkowski && !(ms.p >= 1)) throw_range(info.Env(), "p >= 1", "p", info[pi]);
  return ms;
}

}  // namespace advect_napi
