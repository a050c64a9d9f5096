// 1-D exact OT by sorting and merging quantiles, and sliced Wasserstein (advect/exact.h).
// The pure-TS twin is src/backend/js/exact.ts: same sort key (value, index), same cumulative sums,
// same merge and accumulation order, so both backends return identical numbers.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

#include "advect/exact.h"
#include "advect/parallel.h"

namespace advect {
namespace {

struct Sorted {
  std::vector<double> x, w;
};

// Sort values ascending (ties by original index); weights permuted alike (uniform when null).
void sort_samples(const double* v, std::size_t n, const double* w, Sorted& s) {
  s.x.resize(n);
  s.w.resize(n);
  if (!w) {
    std::copy(v, v + n, s.x.begin());
    std::sort(s.x.begin(), s.x.end());
    std::fill(s.w.begin(), s.w.end(), 1.0 / double(n));
    return;
  }
  std::vector<std::pair<double, uint32_t>> key(n);
  for (std::size_t i = 0; i < n; ++i) key[i] = {v[i], uint32_t(i)};
  std::sort(key.begin(), key.end());
  for (std::size_t k = 0; k < n; ++k) {
    s.x[k] = key[k].first;
    s.w[k] = w[key[k].second];
  }
}

double merge(const Sorted& u, const Sorted& v, double p, std::vector<double>& cu, std::vector<double>& cv) {
  const std::size_t n = u.x.size(), m = v.x.size();
  cu.resize(n);
  cv.resize(m);
  double s = 0;
  for (std::size_t i = 0; i < n; ++i) cu[i] = s += u.w[i];
  s = 0;
  for (std::size_t j = 0; j < m; ++j) cv[j] = s += v.w[j];
  std::size_t i = 0, j = 0, iu = 0, iv = 0;
  double prev = 0, total = 0;
  const bool p1 = p == 1, p2 = p == 2;
  for (std::size_t k = 0; k < n + m; ++k) {
    double q;
    if (j >= m || (i < n && cu[i] <= cv[j])) q = cu[i++];
    else q = cv[j++];
    while (iu < n - 1 && cu[iu] < q) ++iu;
    while (iv < m - 1 && cv[iv] < q) ++iv;
    const double d = std::fabs(u.x[iu] - v.x[iv]);
    total += (q - prev) * (p1 ? d : p2 ? d * d : std::pow(d, p));
    prev = q;
  }
  return total;
}

}  // namespace

double w1d(const double* u, std::size_t n, const double* uw, const double* v, std::size_t m, const double* vw, double p) {
  Sorted su, sv;
  sort_samples(u, n, uw, su);
  sort_samples(v, m, vw, sv);
  std::vector<double> cu, cv;
  return merge(su, sv, p, cu, cv);
}

template <class T>
Status sliced_emds(const T* xs, std::size_t n, const T* xt, std::size_t m, std::size_t d, const double* P, std::size_t K,
                   const double* a, const double* b, double p, double* out) {
  parallel_for(K, 1, [&](std::size_t, std::size_t lo, std::size_t hi) {
    std::vector<double> px(n), py(m), cu, cv;
    Sorted su, sv;
    for (std::size_t k = lo; k < hi; ++k) {
      for (std::size_t i = 0; i < n; ++i) {
        double s = 0;
        for (std::size_t c = 0; c < d; ++c) s += double(xs[i * d + c]) * P[c * K + k];
        px[i] = s;
      }
      for (std::size_t j = 0; j < m; ++j) {
        double s = 0;
        for (std::size_t c = 0; c < d; ++c) s += double(xt[j * d + c]) * P[c * K + k];
        py[j] = s;
      }
      sort_samples(px.data(), n, a, su);
      sort_samples(py.data(), m, b, sv);
      out[k] = merge(su, sv, p, cu, cv);
    }
  });
  return Status::Ok();
}

template Status sliced_emds<double>(const double*, std::size_t, const double*, std::size_t, std::size_t, const double*,
                                    std::size_t, const double*, const double*, double, double*);
template Status sliced_emds<float>(const float*, std::size_t, const float*, std::size_t, std::size_t, const double*,
                                   std::size_t, const double*, const double*, double, double*);

}  // namespace advect
