# Every build option of remit, in one place (STYLE.md 3.10).
macro(remit_option name doc default)
  option(${name} "${doc}" ${default})
endmacro()

remit_option(REMIT_BUILD_TESTS "Build the test programs and register them with CTest" ON)
remit_option(REMIT_BUILD_BENCH "Build the benchmarks under bench/" OFF)
set(REMIT_SANITIZE "" CACHE STRING "Sanitizers for a checking build: address;undefined")
