// Status: how the C++ core reports failure. The core never throws across its API;
// the N-API layer maps a Status to a JS error (TypeError/RangeError/AdvectError).
#pragma once
#include <string>
#include <utility>

namespace advect {

enum class Code {
  ok = 0,
  invalid_argument,  // -> TypeError/RangeError in JS (should have been caught in TS first)
  not_converged,     // ADVECT_NOT_CONVERGED
  numeric,           // ADVECT_NUMERIC (NaN/Inf or underflow that cannot be recovered)
  too_large,         // ADVECT_TOO_LARGE (size guard)
  aborted,           // ADVECT_ABORTED (cancel flag seen)
  infeasible,        // ADVECT_INFEASIBLE
};

struct Status {
  Code code = Code::ok;
  std::string message;
  bool ok() const { return code == Code::ok; }
  static Status Ok() { return {}; }
  static Status Error(Code c, std::string m) { return Status{c, std::move(m)}; }
};

inline const char* code_name(Code c) {
  switch (c) {
    case Code::ok: return "OK";
    case Code::invalid_argument: return "ADVECT_INVALID_ARGUMENT";
    case Code::not_converged: return "ADVECT_NOT_CONVERGED";
    case Code::numeric: return "ADVECT_NUMERIC";
    case Code::too_large: return "ADVECT_TOO_LARGE";
    case Code::aborted: return "ADVECT_ABORTED";
    case Code::infeasible: return "ADVECT_INFEASIBLE";
  }
  return "ADVECT_UNKNOWN";
}

}  // namespace advect
