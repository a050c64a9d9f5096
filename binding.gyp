{
  "variables": {
    "advect_openmp%": "<!(node -p \"process.env.ADVECT_OPENMP ?? (process.platform === 'linux' ? 1 : 0)\")"
  },
  "targets": [
    {
      "target_name": "advect",
      "sources": ["<!@(node -p \"require('./native/sources.json').join(' ')\")"],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "native/include",
        "native/src",
        "native/addon"
      ],
      "defines": ["NAPI_VERSION=9", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_CPP_EXCEPTIONS_ALL", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++20"],
      "cflags_cc": ["-std=c++17", "-O3", "-fexceptions", "-fno-math-errno", "-ffp-contract=fast", "-fopenmp-simd", "-fvisibility=hidden"],
      "conditions": [
        ["advect_openmp==1", {
          "cflags_cc": ["-fopenmp"],
          "ldflags": ["-fopenmp"],
          "defines": ["ADVECT_OPENMP=1"]
        }],
        ["OS=='mac'", {
          "xcode_settings": {
            "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
            "MACOSX_DEPLOYMENT_TARGET": "11.0",
            "OTHER_CPLUSPLUSFLAGS": ["-std=c++17", "-O3", "-fno-math-errno", "-ffp-contract=fast", "-fopenmp-simd"]
          }
        }]
      ]
    }
  ]
}
