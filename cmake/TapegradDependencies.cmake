# Every third-party package the build uses, found in one place.
find_package(xtensor REQUIRED)
find_package(xsimd REQUIRED)
find_package(fmt REQUIRED)
set(BLA_VENDOR OpenBLAS)
find_package(BLAS REQUIRED)
if(TAPEGRAD_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
