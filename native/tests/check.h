// Minimal check macro shared by the C++ test executables (ctest): records a failure with its
// location and a printf-style message, and lets the test continue.
#pragma once
#include <cstdio>

static int failures = 0;
#define CHECK(cond, ...)                               \
  do {                                                 \
    if (!(cond)) {                                     \
      std::printf("FAIL %s:%d: ", __FILE__, __LINE__); \
      std::printf(__VA_ARGS__);                        \
      std::printf("\n");                               \
      ++failures;                                      \
    }                                                  \
  } while (0)
